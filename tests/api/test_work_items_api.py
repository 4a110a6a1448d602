"""The items API: create (board prefix applied), read, edit with versions, filter, move, links,
close refused while blocked (409 naming the blockers), reopen, comments, history and bulk."""

from __future__ import annotations

import pytest

from tandem.work import services
from tandem.work.models import Board, Item, ItemLink, ItemState
from tests.api.conftest import ApiClient
from tests.conftest import join_team_of


@pytest.fixture
def board(manager) -> Board:
    return services.create_board_with_stages(
        by=manager,
        data={"name": "Sales funnel", "title_prefix": "Deal: "},
        stages=["lead", "won"],
        scope="sales",
    )


def create(api: ApiClient, board: Board, title: str, **fields) -> dict:
    response = api.post("/items", {"board": board.pk, "title": title, **fields})
    assert response.status_code == 201, response.content
    return response.json()


def test_create_read_and_edit(api_as, member, board):
    api = api_as(member)
    lead = board.labels.get(name="sales::lead")
    body = create(
        api, board, "Acme", labels=[lead.pk], assignees=[member.pk], due_date="2026-12-24", estimate="2.5"
    )
    assert body["title"] == "Deal: Acme" and body["reference"] == f"#{body['id']}"
    assert body["column"]["name"] == "lead" and [lab["name"] for lab in body["labels"]] == ["sales::lead"]
    assert body["estimate"] == "2.50" and body["due_date"] == "2026-12-24"
    got = api.get(f"/items/{body['id']}")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    edited = api.patch(f"/items/{body['id']}", {"description": "Call **Mon**", "version": 1})
    assert edited.status_code == 200
    assert edited.json()["description_html"] == "<p>Call <strong>Mon</strong></p>\n"
    stale = api.patch(f"/items/{body['id']}", {"title": "Other", "version": 1})
    assert stale.status_code == 409
    no_version = api.patch(f"/items/{body['id']}", {"title": "Other"})
    assert no_version.status_code == 428
    assert Item.objects.get(pk=body["id"]).title == "Deal: Acme"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": 5}, "title"),
        ({"title": "x", "labels": [999999]}, "labels"),
        ({"title": "x", "assignees": [999999]}, "assignees"),
        ({"title": "x", "colour": "red"}, "colour"),
        ({"title": "x", "estimate": "-1"}, "estimate"),
        ({"title": "x", "due_date": "tomorrow"}, "due_date"),
    ],
)
def test_bad_bodies_answer_422_and_write_nothing(api_as, member, board, fields, field):
    response = api_as(member).post("/items", {"board": board.pk, **fields})
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json().get("errors", [])] or response.json()["detail"]
    assert not Item.objects.exists()


def test_labels_of_another_board_and_unknown_boards_are_refused(api_as, member, manager, board):
    other = services.create_board(by=manager, data={"name": "Finance"})
    theirs = services.create_label(by=manager, board=other, data={"name": "finance::due"})
    api = api_as(member)
    assert api.post("/items", {"board": board.pk, "title": "x", "labels": [theirs.pk]}).status_code == 422
    assert api.post("/items", {"board": 999999, "title": "x"}).status_code == 422
    assert not Item.objects.exists()


def test_close_is_refused_while_blocked_then_allowed(api_as, member, board):
    api = api_as(member)
    deal = create(api, board, "Acme")
    invoice = create(api, board, "Invoice")
    linked = api.post(f"/items/{invoice['id']}/links", {"kind": "blocks", "target": deal["id"]})
    assert linked.status_code == 201 and linked.json()["blocks"][0]["item"]["id"] == deal["id"]
    refused = api.post(f"/items/{deal['id']}/close")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "blocked" and [b["id"] for b in body["blocking"]] == [invoice["id"]]
    assert body["blocking"][0]["url"] == f"/items/{invoice['id']}/"
    assert Item.objects.get(pk=deal["id"]).state == ItemState.OPEN
    assert api.post(f"/items/{invoice['id']}/close").status_code == 200
    closed = api.post(f"/items/{deal['id']}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    reopened = api.post(f"/items/{invoice['id']}/reopen")
    assert reopened.json()["state"] == "open" and Item.objects.get(pk=deal["id"]).state == ItemState.CLOSED


def test_links_both_ends_duplicates_and_cycles(api_as, member, board):
    api = api_as(member)
    a, b = create(api, board, "A"), create(api, board, "B")
    assert api.post(f"/items/{a['id']}/links", {"kind": "blocks", "target": b["id"]}).status_code == 201
    assert api.post(f"/items/{a['id']}/links", {"kind": "blocks", "target": b["id"]}).status_code == 409
    assert api.post(f"/items/{b['id']}/links", {"kind": "blocks", "target": a["id"]}).status_code == 409
    assert api.post(f"/items/{a['id']}/links", {"kind": "blocks", "target": a["id"]}).status_code == 422
    assert api.post(f"/items/{a['id']}/links", {"kind": "duplicates", "target": b["id"]}).status_code == 422
    seen_from_b = api.get(f"/items/{b['id']}/links").json()
    assert [link["item"]["id"] for link in seen_from_b["blocked_by"]] == [a["id"]]
    link_id = seen_from_b["blocked_by"][0]["id"]
    assert api.delete(f"/items/{b['id']}/links/{link_id}").status_code == 204
    assert not ItemLink.objects.exists()


def test_move_changes_column_label_and_position(api_as, member, board):
    api = api_as(member)
    first, second = create(api, board, "First"), create(api, board, "Second")  # second is on top
    won = board.columns.get(name="won")
    moved = api.post(f"/items/{second['id']}/move", {"column": won.pk})
    assert moved.status_code == 200
    assert moved.json()["column"]["id"] == won.pk and [lab["name"] for lab in moved.json()["labels"]] == [
        "sales::won"
    ]
    api.post(f"/items/{first['id']}/move", {"column": won.pk, "after": second["id"]})
    page = api.get(f"/boards/{board.pk}/columns/{won.pk}/items").json()
    assert [item["id"] for item in page["items"]] == [second["id"], first["id"]] and page[
        "next_after"
    ] is None
    closed = board.columns.get(kind="closed")
    assert api.post(f"/items/{first['id']}/move", {"column": closed.pk}).json()["state"] == "closed"
    assert api.post(f"/items/{first['id']}/move", {"column": 999999}).status_code == 422


def test_filters_and_sorting(api_as, member, manager, board):
    api = api_as(member)
    create(api, board, "Acme renewal", assignees=[member.pk], due_date="2020-01-01")
    create(api, board, "Globex pilot")
    other = services.create_board(by=manager, data={"name": "Support"})
    create(api, other, "Printer on fire")
    assert [
        i["title"] for i in api.get("/items", {"board": board.pk, "ordering": "title"}).json()["items"]
    ] == [
        "Deal: Acme renewal",
        "Deal: Globex pilot",
    ]
    assert [i["title"] for i in api.get("/items", {"assignee": "me"}).json()["items"]] == [
        "Deal: Acme renewal"
    ]
    assert [i["title"] for i in api.get("/items", {"due": "overdue"}).json()["items"]] == [
        "Deal: Acme renewal"
    ]
    assert [i["title"] for i in api.get("/items", {"q": "printer"}).json()["items"]] == ["Printer on fire"]
    assert api.get("/items", {"due": "someday"}).status_code == 422
    assert api.get("/items", {"ordering": "colour"}).status_code == 422


def test_comments_history_and_bulk(api_as, member, manager, board):
    api = api_as(member)
    item = create(api, board, "Acme")
    comment = api.post(f"/items/{item['id']}/comments", {"body": f"@{manager.handle} see #{item['id']}"})
    assert comment.status_code == 201
    assert (
        'class="mention"' in comment.json()["body_html"] and 'class="item-ref"' in comment.json()["body_html"]
    )
    assert manager.pk in [w["id"] for w in api.get(f"/items/{item['id']}").json()["watchers"]]
    assert api.get(f"/items/{item['id']}/comments").json()["count"] == 1
    verbs = [entry["verb"] for entry in api.get(f"/items/{item['id']}/history").json()["items"]]
    assert verbs == ["commented", "created"]
    other = create(api, board, "Globex")
    done = api.post(
        "/items/bulk", {"items": [item["id"], other["id"]], "action": "assign", "value": manager.pk}
    )
    assert done.status_code == 200 and done.json() == {"changed": 2}
    assert set(Item.objects.filter(assignees=manager).values_list("pk", flat=True)) == {
        item["id"],
        other["id"],
    }


def test_guests_read_but_do_not_write(api_as, guest, member, board):
    item = create(api_as(member), board, "Acme")
    api = api_as(guest)
    # a guest reads only the boards of their teams
    assert api.get(f"/items/{item['id']}").status_code == 404
    assert api.get("/boards").json()["count"] == 0
    join_team_of(guest, board)
    assert api.get(f"/items/{item['id']}").status_code == 200
    assert api.get("/boards").json()["count"] == 1
    assert api.post("/items", {"board": board.pk, "title": "x"}).status_code == 403
    assert api.post(f"/items/{item['id']}/close").status_code == 403
    assert api.post("/boards", {"name": "Mine"}).status_code == 403
    assert api_as(member).post("/boards", {"name": "Mine"}).status_code == 403


def test_boards_columns_and_labels(api_as, manager):
    api = api_as(manager)
    created = api.post("/boards", {"name": "Support", "stages": ["triage", "doing"], "scope": "support"})
    assert created.status_code == 201
    board_id = created.json()["id"]
    columns = api.get(f"/boards/{board_id}/columns").json()
    assert [c["name"] for c in columns] == ["Open", "triage", "doing", "Closed"]
    label = api.post("/labels", {"name": "support::waiting", "board": board_id}).json()
    added = api.post(f"/boards/{board_id}/columns", {"kind": "label", "label": label["id"]})
    assert added.status_code == 201 and added.json()["name"] == "waiting"
    assert (
        api.patch(f"/boards/{board_id}/columns/{added.json()['id']}", {"wip_limit": 3}).json()["wip_limit"]
        == 3
    )
    assert api.delete(f"/labels/{label['id']}").status_code == 409  # a column shows it
    assert api.delete(f"/boards/{board_id}/columns/{added.json()['id']}").status_code == 204
    assert api.delete(f"/labels/{label['id']}").status_code == 204
    renamed = api.patch(f"/boards/{board_id}", {"title_prefix": "Ticket: "}, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200 and renamed.json()["title_prefix"] == "Ticket: "
