"""Through the API: people put on a deal with their roles and taken off; a pipeline renamed, its
stages added, edited, moved and removed — with bad input answered 4xx and nothing changed."""

from __future__ import annotations

from tandem.work.models import Board
from tests.conftest import join_team_of


def test_the_api_puts_people_on_a_deal(api_as, manager, member, guest, make_person):
    ada = make_person("Ada", "Lovelace")
    api = api_as(member)
    pipeline = api_as(manager).post("/pipelines", {"name": "Renewals", "stages": [{"name": "Due"}]}).json()
    deal = api.post("/deals", {"pipeline": pipeline["id"], "title": "Acme renewal"}).json()
    added = api.post(f"/deals/{deal['id']}/contacts", {"person": ada.pk, "role": "decision maker"})
    assert added.status_code == 200
    assert added.json()["contacts"] == [{"person": ada.pk, "name": "Ada Lovelace", "role": "decision maker"}]
    assert api.get(f"/deals/{deal['id']}").json()["contacts"][0]["role"] == "decision maker"
    assert api.post(f"/deals/{deal['id']}/contacts", {"person": 999999}).status_code == 422
    assert api.post(f"/deals/{deal['id']}/contacts", {"person": ada.pk, "role": 5}).status_code == 422
    assert api_as(guest).post(f"/deals/{deal['id']}/contacts", {"person": ada.pk}).status_code == 404
    join_team_of(guest, Board.objects.get(pk=pipeline["board"]))
    assert api_as(guest).post(f"/deals/{deal['id']}/contacts", {"person": ada.pk}).status_code == 403
    assert api.delete(f"/deals/{deal['id']}/contacts/{ada.pk}").json()["contacts"] == []
    assert api.delete(f"/deals/{deal['id']}/contacts/{ada.pk}").status_code == 404


def test_the_api_shapes_a_pipeline(api_as, manager, member):
    admin_api = api_as(manager)
    pipeline = admin_api.post(
        "/pipelines", {"name": "Renewals", "stages": [{"name": "Due"}, {"name": "Offer"}]}
    ).json()
    base = f"/pipelines/{pipeline['id']}"
    added = admin_api.post(f"{base}/stages", {"name": "Call", "probability": "20", "position": 0,
                                              "checklist": ["Numbers checked"], "required_fields": ["value"]})  # fmt: skip
    assert added.status_code == 201 and added.json()["checklist"] == ["Numbers checked"]
    names = [s["name"] for s in admin_api.get(base).json()["stages"]]
    assert names == ["Call", "Due", "Offer", "Won", "Lost"]
    offer = next(s for s in admin_api.get(base).json()["stages"] if s["name"] == "Offer")
    moved = admin_api.patch(f"{base}/stages/{offer['id']}", {"position": 0, "probability": "55"})
    assert moved.status_code == 200 and moved.json()["probability"] == "55.00"
    assert [s["name"] for s in admin_api.get(base).json()["stages"]] == [
        "Offer",
        "Call",
        "Due",
        "Won",
        "Lost",
    ]
    renamed = admin_api.patch(base, {"name": "Renewals 2027", "currency": "USD"})
    assert renamed.status_code == 200 and (renamed.json()["name"], renamed.json()["currency"]) == (
        "Renewals 2027",
        "USD",
    )

    assert admin_api.delete(f"{base}/stages/{added.json()['id']}").status_code == 204
    assert [s["name"] for s in admin_api.get(base).json()["stages"]] == ["Offer", "Due", "Won", "Lost"]
    api_as(member).post("/deals", {"pipeline": pipeline["id"], "title": "In Offer"})
    assert admin_api.delete(f"{base}/stages/{offer['id']}").status_code == 409
    won = next(s for s in admin_api.get(base).json()["stages"] if s["kind"] == "won")
    assert admin_api.delete(f"{base}/stages/{won['id']}").status_code == 409
    assert admin_api.post(f"{base}/stages", {"name": "Won again", "kind": "won"}).status_code == 422
    assert admin_api.post(f"{base}/stages", {"name": "due"}).status_code == 422  # a name in use
    assert admin_api.patch(f"{base}/stages/{offer['id']}", {"name": "Due"}).status_code == 422
    assert admin_api.patch(f"{base}/stages/{won['id']}", {"position": 0}).status_code == 422
    assert admin_api.patch(f"{base}/stages/999999", {"probability": "1"}).status_code == 404
    assert api_as(member).post(f"{base}/stages", {"name": "Mine"}).status_code == 403
    assert api_as(member).patch(base, {"name": "Mine"}).status_code == 403
    assert [s["name"] for s in admin_api.get(base).json()["stages"]] == ["Offer", "Due", "Won", "Lost"]
