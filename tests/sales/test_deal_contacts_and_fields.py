"""A deal's people with their roles, its owner, source and organization: from the deal panel and
the API, shown on the deal's item (so the customer pages find the deal), with history."""

from __future__ import annotations

import pytest

from tandem.activity.models import HistoryEntry
from tandem.core.errors import InvalidInput
from tandem.sales import services
from tandem.sales.models import Deal, DealContact
from tests.conftest import login


@pytest.fixture
def deal(member, pipeline):
    return services.create_deal(by=member, pipeline=pipeline, title="Acme rollout", data={"value": "900"})


def test_contacts_with_roles_are_linked_to_the_item(member, deal, make_person):
    ada, bo = make_person("Ada", "Lovelace"), make_person("Bo", "Diddley")
    services.add_contact(deal, ada, by=member, role=" decision   maker ")
    services.add_contact(deal, bo, by=member, role="champion")
    services.add_contact(deal, ada, by=member, role="sponsor")  # again: the role changes
    roles = dict(DealContact.objects.filter(deal=deal).values_list("person__last_name", "role"))
    assert roles == {"Lovelace": "sponsor", "Diddley": "champion"}
    assert set(deal.item.people.values_list("last_name", flat=True)) == {"Lovelace", "Diddley"}
    services.remove_contact(deal, bo, by=member)
    assert list(deal.item.people.values_list("last_name", flat=True)) == ["Lovelace"]
    verbs = list(
        HistoryEntry.objects.filter(target_type="item", target_id=deal.pk).values_list("verb", flat=True)
    )
    assert verbs.count("added contact") == 2 and "removed contact" in verbs
    with pytest.raises(InvalidInput):
        services.remove_contact(deal, bo, by=member)
    with pytest.raises(InvalidInput):
        services.add_contact(deal, ada, by=member, role="x" * 101)


def test_owner_and_organization_follow_onto_the_item(member, manager, deal, make_org):
    acme, globex = make_org("Acme"), make_org("Globex")
    services.update_deal(deal, by=member, data={"organization": acme, "owner": manager, "source": "fair"})
    item = Deal.objects.get(pk=deal.pk).item
    assert list(item.organizations.all()) == [acme] and manager in item.assignees.all()
    services.update_deal(deal, by=member, data={"organization": globex, "owner": None})
    item = Deal.objects.get(pk=deal.pk).item
    assert list(item.organizations.all()) == [globex] and manager not in item.assignees.all()


def test_the_deal_panel_edits_fields_and_contacts(member, manager, deal, make_org, make_person):
    acme, ada = make_org("Acme"), make_person("Ada", "Lovelace")
    client = login(member)
    edited = client.post(f"/deals/{deal.pk}/edit/", {"value": "1200", "currency": "EUR", "source": "Web",
                                                     "owner": manager.pk, "add_organization": f"Acme (#{acme.pk})"})  # fmt: skip
    assert edited.status_code == 302
    deal.refresh_from_db()
    assert (deal.source, deal.owner, deal.organization) == ("Web", manager, acme)
    added = client.post(f"/deals/{deal.pk}/contacts/", {"add_person": f"#{ada.pk}", "role": "buyer"})
    assert added.status_code == 302
    page = client.get(f"/items/{deal.pk}/").content.decode()
    contacts = page.split('id="deal-contacts"')[1].split("</ul>")[0]
    assert "Ada Lovelace" in contacts and "buyer" in contacts
    assert "Mona Manager" in page and f"Acme (#{acme.pk})" in page

    # a name that is not offered is refused, nothing changes
    refused = client.post(f"/deals/{deal.pk}/contacts/", {"add_person": "Somebody", "role": "x"}, follow=True)
    assert "Pick one of the offered names." in refused.content.decode()
    assert DealContact.objects.filter(deal=deal).count() == 1
    wrong = client.post(
        f"/deals/{deal.pk}/edit/", {"value": "1", "currency": "EUR", "add_organization": "Nope"}
    )
    assert wrong.status_code == 302 and Deal.objects.get(pk=deal.pk).value == 1200

    assert client.post(f"/deals/{deal.pk}/contacts/", {"remove": ada.pk}).status_code == 302
    assert not DealContact.objects.filter(deal=deal).exists()
    assert client.post(f"/deals/{deal.pk}/contacts/", {"remove": ada.pk}).status_code == 404
