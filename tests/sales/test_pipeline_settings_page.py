"""The pipeline's settings page: a manager renames the pipeline, edits a stage's probability,
requirements and checklist, adds, reorders and removes stages; bad input is shown beside its field
and changes nothing; members and guests cannot reach it."""

from __future__ import annotations

from tandem.sales import services
from tandem.sales.models import Stage
from tests.conftest import login


def names(pipeline):
    return list(pipeline.stages.order_by("position").values_list("name", flat=True))


def test_a_manager_shapes_the_stages_from_the_page(manager, pipeline):
    client = login(manager)
    url = f"/pipelines/{pipeline.pk}/settings/"
    page = client.get(url)
    assert page.status_code == 200 and "Demo given" in page.content.decode()
    qualified = pipeline.stages.get(name="Qualified")
    prefix = f"stage-{qualified.pk}"
    saved = client.post(url, {"action": prefix, f"{prefix}-name": "Qualified", f"{prefix}-probability": "35",
                              f"{prefix}-required_fields": ["value", "expected_close"],
                              f"{prefix}-required_document": "quote", f"{prefix}-checklist": "Budget known\n\nCall held",
                              f"{prefix}-stale_after_days": "14"})  # fmt: skip
    assert saved.status_code == 302
    qualified.refresh_from_db()
    assert (str(qualified.probability), qualified.required_fields, qualified.required_document) == (
        "35.00", ["value", "expected_close"], "quote"
    )  # fmt: skip
    assert (qualified.checklist, qualified.stale_after_days) == (["Budget known", "Call held"], 14)

    added = client.post(
        url, {"action": "add", "new-name": "Negotiation", "new-probability": "80", "position": ""}
    )
    assert added.status_code == 302 and names(pipeline)[3] == "Negotiation"
    negotiation = pipeline.stages.get(name="Negotiation")
    assert client.post(url, {"action": "up", "stage": negotiation.pk}).status_code == 302
    assert names(pipeline) == ["Lead", "Qualified", "Negotiation", "Proposal", "Won", "Lost"]
    assert client.post(url, {"action": "remove", "stage": negotiation.pk}).status_code == 302
    assert names(pipeline) == ["Lead", "Qualified", "Proposal", "Won", "Lost"]

    renamed = client.post(
        url, {"action": "pipeline", "name": "Enterprise", "currency": "USD", "finance_board": ""}
    )
    assert renamed.status_code == 302
    pipeline.refresh_from_db()
    assert (pipeline.name, pipeline.board.name, pipeline.finance_board) == ("Enterprise", "Enterprise", None)
    board_settings = client.get(f"/boards/{pipeline.board_id}/settings/").content.decode()
    assert url in board_settings


def test_bad_input_is_shown_and_changes_nothing(manager, member, pipeline):
    client = login(manager)
    url = f"/pipelines/{pipeline.pk}/settings/"
    lead = pipeline.stages.get(name="Lead")
    prefix = f"stage-{lead.pk}"
    clash = client.post(url, {"action": prefix, f"{prefix}-name": "Proposal", f"{prefix}-probability": "10"})
    assert clash.status_code == 200 and "already has a stage of that name" in clash.content.decode()
    wrong = client.post(url, {"action": prefix, f"{prefix}-name": "Lead", f"{prefix}-probability": "250",
                              f"{prefix}-required_fields": ["shoe size"]})  # fmt: skip
    assert wrong.status_code == 200 and "is-invalid" in wrong.content.decode()
    lead.refresh_from_db()
    assert (lead.name, str(lead.probability), lead.required_fields) == ("Lead", "10.00", [])
    services.create_deal(by=member, pipeline=pipeline, title="Acme")
    busy = client.post(url, {"action": "remove", "stage": lead.pk}, follow=True)
    assert "move them to another stage first" in busy.content.decode()
    assert Stage.objects.filter(pk=lead.pk).exists()
    assert client.post(url, {"action": "stage-999999"}).status_code == 404
    assert client.post(url, {"action": "up", "stage": "x"}).status_code == 404
    assert client.post(url, {"action": "add", "new-name": "", "new-probability": "1"}).status_code == 200
    assert len(names(pipeline)) == 5


def test_members_and_guests_cannot_reach_it(member, guest, pipeline):
    url = f"/pipelines/{pipeline.pk}/settings/"
    for user in (member, guest):
        assert login(user).get(url).status_code == 403
        assert (
            login(user).post(url, {"action": "add", "new-name": "Mine", "new-probability": "1"}).status_code
            == 403
        )
    assert len(names(pipeline)) == 5
    assert login(member).get("/pipelines/999999/settings/").status_code == 403
