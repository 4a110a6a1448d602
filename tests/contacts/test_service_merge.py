import pytest

from tandem.activity.models import HistoryEntry
from tandem.contacts.models import Membership, Organization, Person
from tandem.contacts.services import archive, merge, restore, update_person
from tandem.core.errors import InvalidInput, NotAllowed


def test_merging_organizations_moves_people_details_tags_and_history(manager, make_org, make_person):
    keep = make_org("Acme", tags=["key account"], phones=[{"number": "+1 202 555 0100"}])
    gone = make_org(
        "ACME Inc",
        website="acme.example",
        industry="Tools",
        notes="Met at the fair",
        tags=["europe"],
        phones=[{"number": "+1 202 555 0100"}, {"number": "+1 202 555 0199"}],
    )
    both = make_person("Wile", "Coyote")
    update_person(
        both,
        by=manager,
        version=1,
        data={"memberships": [{"organization": keep}, {"organization": gone, "job_title": "Buyer"}]},
    )
    only_gone = make_person("Road", "Runner", memberships=[{"organization": gone, "job_title": "CEO"}])

    merged = merge(keep, gone, by=manager)

    assert merged.website == "https://acme.example" and merged.domain == "acme.example"
    assert merged.industry == "Tools" and "Met at the fair" in merged.notes
    assert sorted(t.name for t in merged.tags.all()) == ["europe", "key account"]
    assert sorted(p.e164 for p in merged.phones.all()) == ["+12025550100", "+12025550199"]
    assert Membership.objects.get(person=only_gone).organization_id == keep.pk
    both_membership = Membership.objects.get(person=both)
    assert both_membership.organization_id == keep.pk and both_membership.job_title == "Buyer"
    assert not Membership.objects.filter(organization=gone).exists()
    gone.refresh_from_db()
    assert gone.merged_into_id == keep.pk and gone.archived_at is not None
    assert HistoryEntry.objects.filter(target_type="organization", target_id=gone.pk).count() == 0
    verbs = set(
        HistoryEntry.objects.filter(target_type="organization", target_id=keep.pk).values_list(
            "verb", flat=True
        )
    )
    assert {"created", "merged"} <= verbs


def test_merging_people_moves_emails_and_memberships(manager, make_org, make_person):
    org = make_org("Initech")
    keep = make_person("Peter", "Gibbons", emails=[{"email": "peter@initech.example"}])
    gone = make_person(
        "Pete",
        "Gibbons",
        emails=[{"email": "peter@initech.example"}, {"email": "pete@home.example"}],
        memberships=[{"organization": org, "job_title": "Engineer"}],
    )
    merge(keep, gone, by=manager)
    assert sorted(keep.emails.values_list("email", flat=True)) == [
        "pete@home.example",
        "peter@initech.example",
    ]
    assert keep.emails.filter(is_primary=True).count() == 1
    assert list(org.people.all()) == [keep]


def test_member_may_not_merge_and_nothing_changes(member, make_org):
    keep, gone = make_org("A"), make_org("B")
    with pytest.raises(NotAllowed):
        merge(keep, gone, by=member)
    assert Organization.objects.filter(merged_into__isnull=False).count() == 0


def test_merge_refuses_the_same_record_and_already_merged(manager, make_org):
    a, b, c = make_org("A"), make_org("B"), make_org("C")
    with pytest.raises(InvalidInput):
        merge(a, a, by=manager)
    merge(a, b, by=manager)
    with pytest.raises(InvalidInput):
        merge(c, b, by=manager)


def test_archive_and_restore(manager, make_person):
    person = make_person()
    archive(person, by=manager)
    assert Person.objects.get(pk=person.pk).is_archived
    restore(person, by=manager)
    assert not Person.objects.get(pk=person.pk).is_archived


def test_merged_record_cannot_be_restored(manager, make_org):
    a, b = make_org("A"), make_org("B")
    merge(a, b, by=manager)
    with pytest.raises(InvalidInput):
        restore(b, by=manager)
