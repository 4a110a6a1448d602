"""Story S1 through the API alone: a lead is qualified, moves through the stages, cannot be won
without a signed contract, is won once the contract is attached, its finance ticket appears on
the finance board blocking it, the deal cannot close until finance closes the ticket."""

from __future__ import annotations

import pytest

from tandem.work import services as work


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_sales_story_through_the_api(api_as, manager, member, make_org):
    finance = work.create_board_with_stages(
        by=manager,
        data={"name": "Finance", "default_type": "finance"},
        stages=["to invoice"],
        scope="finance",
    )
    admin_api, api = api_as(manager), api_as(member)
    made = admin_api.post(
        "/pipelines",
        {"name": "New business", "currency": "EUR", "finance_board": finance.pk,
         "stages": [{"name": "Lead", "probability": "10"},
                    {"name": "Proposal", "probability": "60", "required_fields": ["value"]}]},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    pipeline = made.json()
    stages = {s["name"]: s for s in pipeline["stages"]}
    assert list(stages) == ["Lead", "Proposal", "Won", "Lost"]

    lead = api.post(
        "/leads", {"name": "Ann Lee", "company": "Zeta Robotics", "email": "ann@zeta.example"}
    ).json()
    deal = api.post(f"/leads/{lead['id']}/qualify", {"pipeline": pipeline["id"]})
    assert deal.status_code == 201, deal.content
    deal = deal.json()
    assert deal["stage"]["name"] == "Lead" and deal["probability"] == "10.00"

    refused = api.post(f"/deals/{deal['id']}/stage", {"stage": stages["Proposal"]["id"]})
    assert refused.status_code == 409 and refused.json()["missing"] == ["Value"]
    assert api.patch(f"/deals/{deal['id']}", {"value": "12000.50"}).status_code == 200
    moved = api.post(f"/deals/{deal['id']}/stage", {"stage": stages["Proposal"]["id"]}).json()
    assert moved["stage"]["name"] == "Proposal" and moved["weighted_value"] == "7200.30"

    no_contract = api.post(f"/deals/{deal['id']}/win")
    assert no_contract.status_code == 409 and "signed contract" in no_contract.json()["detail"]
    upload = api.client.post(
        f"/api/v1/deals/{deal['id']}/documents/upload",
        {"kind": "signed_contract", "file": _file("contract.pdf", b"%PDF-1.4 signed by both")},
        headers=api._headers(None),
    )
    assert upload.status_code == 201, upload.content
    won = api.post(f"/deals/{deal['id']}/win")
    assert won.status_code == 200 and won.json()["stage"]["kind"] == "won"
    [ticket_id] = won.json()["finance_tickets"]

    ticket = api.get(f"/items/{ticket_id}").json()
    assert ticket["board"]["name"] == "Finance" and ticket["type"] == "finance"
    links = api.get(f"/items/{deal['id']}/links").json()
    assert [link["item"]["id"] for link in links["blocked_by"]] == [ticket_id]

    blocked = api.post(f"/items/{deal['id']}/close")
    assert blocked.status_code == 409 and blocked.json()["blocking"][0]["id"] == ticket_id
    assert api.post(f"/items/{ticket_id}/close").status_code == 200
    closed = api.post(f"/items/{deal['id']}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"

    # and the reports as JSON
    funnel = {row["stage"]: row for row in api.get("/reports/funnel", {"pipeline": pipeline["id"]}).json()}
    assert funnel["Won"]["count"] == 0  # closed deals are out of the funnel
    outcomes = api.get("/reports/outcomes", {"pipeline": pipeline["id"]}).json()
    assert (outcomes["won"], outcomes["lost"], outcomes["win_rate"]) == (1, 0, "100.00")
    owners = api.get("/reports/owners", {"pipeline": pipeline["id"]}).json()
    assert [(o["owner"], o["won"], o["lost"], o["win_rate"]) for o in owners] == [
        ("Bob Member", 1, 0, "100.00")
    ]
    assert owners[0]["won_value"] == {"EUR": "12000.50"} and owners[0]["open"] == 0
    later = api.get("/reports/owners", {"pipeline": pipeline["id"], "since": "2999-01-01"}).json()
    assert later == []
    assert api.get("/reports/owners", {"pipeline": pipeline["id"], "since": "yesterday"}).status_code == 422
    assert api.get("/reports/forecast", {"pipeline": 999999}).status_code == 422


def test_a_deal_that_is_neither_won_nor_lost_does_not_close(api_as, manager, member):
    api = api_as(member)
    pipeline = api_as(manager).post("/pipelines", {"name": "Renewals", "stages": [{"name": "Due"}]}).json()
    deal = api.post("/deals", {"pipeline": pipeline["id"], "title": "Acme renewal", "value": "900"}).json()
    refused = api.post(f"/items/{deal['id']}/close")
    assert refused.status_code == 409
    lost = api.post(f"/deals/{deal['id']}/lose", {"reason": "Budget cut"})
    assert lost.json()["stage"]["kind"] == "lost" and lost.json()["lost_reason"] == "Budget cut"
    assert api.post(f"/items/{deal['id']}/close").status_code == 200


def test_bad_sales_input_answers_422(api_as, manager, member):
    api = api_as(member)
    assert api_as(manager).post("/pipelines", {"name": "X", "stages": []}).status_code == 422
    pipeline = api_as(manager).post("/pipelines", {"name": "X", "stages": [{"name": "A"}]}).json()
    # a JSON number is taken as the decimal it reads as (never through binary floating point)
    as_number = api.post("/deals", {"pipeline": pipeline["id"], "title": "x", "value": 0.1})
    assert as_number.status_code == 201 and as_number.json()["value"] == "0.10"
    assert api.post("/deals", {"pipeline": pipeline["id"], "title": "x", "value": 0.125}).status_code == 422
    assert api.post("/deals", {"pipeline": pipeline["id"], "title": "x", "value": "-1"}).status_code == 422
    assert (
        api.post("/deals", {"pipeline": pipeline["id"], "title": "x", "currency": "euro"}).status_code == 422
    )
    assert api.post("/deals", {"pipeline": 999999, "title": "x"}).status_code == 422
    assert api.post("/pipelines", {"name": "Mine", "stages": [{"name": "A"}]}).status_code == 403


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_sales_story_with_a_private_finance_board(api_as, manager, member, admin_user):
    """The seller cannot see the finance board: the won deal is blocked by "a private item" and
    still does not close until finance (the board's team) closes the ticket."""
    from tandem.accounts.models import Team
    from tandem.accounts.roles import Role
    from tests.conftest import make_user

    finance_team = Team.objects.create(name="Finance", slug="finance")
    clerk = make_user("fiona@tandem.test", Role.MEMBER, full_name="Fiona Finance")
    clerk.teams.add(finance_team)
    finance = work.create_board_with_stages(
        by=manager,
        data={"name": "Finance", "default_type": "finance", "team": finance_team, "private": True},
        stages=["to invoice"],
        scope="finance",
    )
    pipeline = (
        api_as(manager)
        .post(
            "/pipelines", {"name": "New business", "finance_board": finance.pk, "stages": [{"name": "Lead"}]}
        )
        .json()
    )
    api = api_as(member)
    deal = api.post("/deals", {"pipeline": pipeline["id"], "title": "Zeta pilot", "value": "900"}).json()
    upload = api.client.post(
        f"/api/v1/deals/{deal['id']}/documents/upload",
        {"kind": "signed_contract", "file": _file("contract.pdf", b"%PDF-1.4 signed")},
        headers=api._headers(None),
    )
    assert upload.status_code == 201, upload.content
    won = api.post(f"/deals/{deal['id']}/win")
    assert won.status_code == 200, won.content
    [ticket_id] = won.json()["finance_tickets"]
    assert api.get(f"/items/{ticket_id}").status_code == 404
    links = api.get(f"/items/{deal['id']}/links").json()
    assert links["blocked_by"] == [
        {"id": links["blocked_by"][0]["id"], "kind": "blocked_by", "item": None, "private": True}
    ]
    blocked = api.post(f"/items/{deal['id']}/close")
    assert blocked.status_code == 409
    assert blocked.json()["blocking"] == [
        {"id": None, "reference": "", "title": "a private item", "url": "", "private": True}
    ]
    assert "Invoice" not in blocked.content.decode()
    finance_api = api_as(clerk)
    assert finance_api.get(f"/items/{ticket_id}").json()["title"].startswith("Invoice")
    assert finance_api.post(f"/items/{ticket_id}/close").status_code == 200
    assert api.post(f"/items/{deal['id']}/close").status_code == 200
