"""The admin changes pipelines, stages and deals only through the sales services (history written,
the services' rules hold, a refusal is a message and saves nothing), adds and deletes none of them,
and disqualifies leads through the service too."""

from __future__ import annotations

import re

import pytest

from tandem.activity.models import HistoryEntry
from tandem.sales import services
from tandem.sales.models import Deal, LeadStatus, Stage
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _form(client, path: str) -> dict[str, str]:
    """What the change page would post as it stands: its inputs, selected options and text areas."""
    page = client.get(path).content.decode()
    form = page[page.index('id="' + path.split("/")[3] + '_form"') :]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag and 'type="submit"' not in tag:
            data[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(r'<select name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = text.strip()
    return data


def _save(client, path: str, **changes: str):
    return client.post(path, {**_form(client, path), **changes}, follow=True)


def test_renaming_a_pipeline_renames_its_board_and_is_recorded(admin_user, pipeline):
    client = login(admin_user)
    path = f"/admin/sales/pipeline/{pipeline.pk}/change/"
    response = _save(client, path, name="Renewals", currency="usd")
    assert response.status_code == 200
    pipeline.refresh_from_db()
    pipeline.board.refresh_from_db()
    assert (pipeline.name, pipeline.board.name, pipeline.currency) == ("Renewals", "Renewals", "USD")
    entry = HistoryEntry.objects.get(target_type="pipeline", target_id=pipeline.pk, verb="updated")
    assert entry.actor == admin_user
    assert entry.changes == {"name": ["New business", "Renewals"], "currency": ["EUR", "USD"]}


def test_a_refusal_is_shown_and_saves_nothing(admin_user, pipeline):
    client = login(admin_user)
    path = f"/admin/sales/pipeline/{pipeline.pk}/change/"
    response = _save(client, path, name="Renewals", currency="E1R")
    assert "A currency is a three-letter code such as EUR or USD." in response.content.decode()
    pipeline.refresh_from_db()
    pipeline.board.refresh_from_db()
    assert (pipeline.name, pipeline.board.name, pipeline.currency) == ("New business", "New business", "EUR")
    assert not HistoryEntry.objects.filter(target_type="pipeline", verb="updated").exists()


def test_a_stage_is_changed_through_the_services(admin_user, pipeline):
    stage = pipeline.stages.get(name="Qualified")
    client = login(admin_user)
    _save(client, f"/admin/sales/stage/{stage.pk}/change/", name="Discovery", probability="35")
    stage = Stage.objects.select_related("label").get(pk=stage.pk)
    assert (stage.name, str(stage.probability), stage.label.name) == (
        "Discovery",
        "35.00",
        "stage::Discovery",
    )
    entry = HistoryEntry.objects.get(target_type="pipeline", verb="updated stage")
    assert entry.changes["name"] == ["Qualified", "Discovery"]
    assert entry.changes["probability"] == ["30.00", "35.00"]


def test_a_deal_is_changed_through_the_services(admin_user, member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Big order")
    client = login(admin_user)
    _save(client, f"/admin/sales/deal/{deal.pk}/change/", value="1200.50", owner=str(admin_user.pk))
    deal = Deal.objects.get(pk=deal.pk)
    assert (str(deal.value), deal.owner) == ("1200.50", admin_user)
    assert list(deal.item.assignees.all()) == [admin_user]  # the service's rule: the owner is assigned
    entries = HistoryEntry.objects.filter(
        target_type="item", target_id=deal.pk, verb="updated", actor=admin_user
    )
    assert [None, "1200.50"] in [entry.changes.get("value") for entry in entries]


def test_pipelines_stages_and_deals_are_not_added_or_deleted_there(admin_user, member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Big order")
    client = login(admin_user)
    for model, pk in [("pipeline", pipeline.pk), ("stage", pipeline.stages.first().pk), ("deal", deal.pk)]:
        assert client.get(f"/admin/sales/{model}/").status_code == 200
        assert client.get(f"/admin/sales/{model}/add/").status_code == 403
        assert client.get(f"/admin/sales/{model}/{pk}/delete/").status_code == 403


def test_leads_are_read_and_disqualified_through_the_service(admin_user, member):
    lead = services.create_lead(by=member, data={"name": "Ann Lee"})
    client = login(admin_user)
    assert client.get(f"/admin/sales/lead/{lead.pk}/change/").status_code == 200  # read only
    assert client.post(f"/admin/sales/lead/{lead.pk}/change/", {"name": "Bob"}).status_code == 403
    page = client.post(
        "/admin/sales/lead/", {"action": "disqualify_leads", "_selected_action": [lead.pk]}, follow=True
    ).content.decode()
    assert "Disqualified 1 lead." in page
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DISQUALIFIED
    assert HistoryEntry.objects.filter(target_type="lead", verb="disqualified", actor=admin_user).exists()
    page = client.post(
        "/admin/sales/lead/", {"action": "disqualify_leads", "_selected_action": [lead.pk]}, follow=True
    ).content.decode()
    assert "This lead was qualified or disqualified already." in page
