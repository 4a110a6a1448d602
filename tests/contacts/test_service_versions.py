import pytest

from tandem.activity.models import HistoryEntry
from tandem.contacts.models import Organization
from tandem.contacts.services import update_organization
from tandem.core.errors import StaleVersion


def test_update_based_on_current_version_bumps_it_and_records_history(member, make_org):
    org = make_org("Umbrella")
    updated = update_organization(org, by=member, version=1, data={"industry": "Pharma"})
    assert updated.version == 2
    entry = HistoryEntry.objects.filter(target_type="organization", target_id=org.pk, verb="updated").get()
    assert entry.changes == {"industry": ["", "Pharma"]}


def test_stale_update_is_refused_and_keeps_the_other_change(member, admin_user, make_org):
    org = make_org("Umbrella")
    update_organization(org, by=admin_user, version=1, data={"industry": "Pharma"})
    with pytest.raises(StaleVersion) as error:
        update_organization(org, by=member, version=1, data={"industry": "Retail", "notes": "mine"})
    assert error.value.extra["current_version"] == 2
    fresh = Organization.objects.get(pk=org.pk)
    assert (fresh.industry, fresh.notes, fresh.version) == ("Pharma", "", 2)


def test_update_without_changes_keeps_the_version(member, make_org):
    org = make_org("Umbrella", industry="Pharma")
    assert update_organization(org, by=member, version=1, data={"industry": "Pharma"}).version == 1
