import pytest

from tandem.contacts.models import Organization, Person
from tandem.contacts.services import archive, create_organization, create_person, merge, update_organization
from tandem.core.errors import NotAllowed


def test_guest_may_not_create_or_edit(guest, make_org):
    with pytest.raises(NotAllowed):
        create_organization(by=guest, data={"name": "Guest Corp"})
    with pytest.raises(NotAllowed):
        create_person(by=guest, data={"last_name": "Guest"})
    org = make_org("Acme")
    with pytest.raises(NotAllowed):
        update_organization(org, by=guest, version=org.version, data={"name": "Hacked"})
    assert list(Organization.objects.values_list("name", flat=True)) == ["Acme"]
    assert Person.objects.count() == 0


def test_deactivated_user_may_do_nothing(deactivated):
    with pytest.raises(NotAllowed):
        create_organization(by=deactivated, data={"name": "Ghost Corp"})


def test_member_may_edit_but_not_archive(member, make_org):
    org = make_org("Acme")
    assert update_organization(org, by=member, version=1, data={"name": "Acme Two"}).name == "Acme Two"
    with pytest.raises(NotAllowed):
        archive(org, by=member)


def test_manager_and_admin_may_archive_and_merge(manager, admin_user, make_org):
    a, b, c = make_org("A"), make_org("B"), make_org("C")
    assert archive(a, by=manager).is_archived
    assert merge(b, c, by=admin_user).pk == b.pk
