"""/api/v1/mail (addresses, received messages, reprocessing) and /api/v1/items/{id}/files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.mailgate import services
from tandem.mailgate.models import InboundMessage, MessageStatus
from tandem.work import services as work
from tests.conftest import join_team_of
from tests.mailgate.conftest import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(admin_user):
    return work.create_board(by=admin_user, data={"name": "Finance"})


def test_managers_shape_addresses_and_members_may_not(api_as, board, manager, member):
    api = api_as(manager)
    label = work.create_label(by=manager, board=board, data={"name": "finance::new"})
    made = api.post(
        "/mail/addresses",
        {"address": "Invoices@Tandem.test", "board": board.pk, "labels": [label.pk], "assignee": member.pk,
         "senders": "domain", "domains": "tandem.test"},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["address"] == "invoices@tandem.test" and body["labels"] == [label.pk]
    assert body["assignee"]["id"] == member.pk and body["senders"] == "domain" and body["item_type"] is None
    again = api.post("/mail/addresses", {"address": "invoices@tandem.test", "board": board.pk})
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "address"
    bad = api.post("/mail/addresses", {"address": "not an address", "board": board.pk})
    assert bad.status_code == 422
    changed = api.patch(f"/mail/addresses/{body['id']}", {"senders": "anyone", "item_type": "support"})
    assert changed.status_code == 200 and changed.json()["item_type"] == "support"
    assert api.patch(f"/mail/addresses/{body['id']}", {"address": None}).status_code == 422
    assert [a["address"] for a in api.get("/mail/addresses", {"board": board.pk}).json()["items"]] == [
        "invoices@tandem.test"
    ]
    assert api_as(member).get("/mail/addresses").status_code == 403
    assert (
        api_as(member).post("/mail/addresses", {"address": "x@tandem.test", "board": board.pk}).status_code
        == 403
    )
    assert api.delete(f"/mail/addresses/{body['id']}").status_code == 204
    assert api.get("/mail/addresses").json()["items"] == []


def test_admins_read_received_mail_search_it_and_reprocess_it(api_as, admin_user, manager, board):
    services.deliver(
        mail(to="nobody@tandem.test"),
        sender="vera@vendor.example",
        recipients=["nobody@tandem.test"],
        via="smtp",
    )
    services.deliver(
        mail(subject="Other", message_id="<2@x>", sender="kim@else.example"),
        recipients=["nobody@tandem.test"],
        via="smtp",
    )
    services.process_waiting()
    api = api_as(admin_user)
    listed = api.get("/mail/messages", {"status": "rejected", "q": "4711"}).json()["items"]
    assert [m["subject"] for m in listed] == ["Invoice 4711"]
    message = listed[0]
    assert message["item"] is None and "nobody@tandem.test" in message["reason"]
    raw = api.client.get(message["raw"], headers=api._headers(None))
    assert raw.status_code == 200 and raw["Content-Type"] == "message/rfc822"
    assert b"Subject: Invoice 4711" in b"".join(raw.streaming_content)
    services.create_address(by=admin_user, board=board, data={"address": "nobody@tandem.test"})
    again = api.post(f"/mail/messages/{message['id']}/reprocess")
    assert again.status_code == 200 and again.json()["status"] == "processed" and again.json()["item"]
    assert api.get("/mail/messages", {"item": again.json()["item"]}).json()["items"][0]["id"] == message["id"]
    assert api_as(manager).get("/mail/messages").status_code == 403
    assert api_as(manager).post(f"/mail/messages/{message['id']}/reprocess").status_code == 403
    assert api.get("/mail/messages/999999").status_code == 404
    assert api.get("/mail/messages", {"status": "lost"}).status_code == 422
    assert InboundMessage.objects.filter(status=MessageStatus.PROCESSED).count() == 1


def test_files_on_items_are_uploaded_listed_downloaded_and_removed(api_as, member, guest, board):
    item = work.create_item(by=member, board=board, data={"title": "Invoice"})
    api = api_as(member)
    upload = api.client.post(
        f"/api/v1/items/{item.pk}/files",
        {
            "files": [
                SimpleUploadedFile("a.pdf", b"%PDF one", "application/pdf"),
                SimpleUploadedFile("b.txt", b"two"),
            ]
        },
        headers=api._headers(None),
    )
    assert upload.status_code == 201, upload.content
    files = api.get(f"/items/{item.pk}/files").json()
    assert [(f["name"], f["size"]) for f in files] == [("a.pdf", 8), ("b.txt", 3)]
    assert files[0]["uploaded_by"]["id"] == member.pk
    got = api.client.get(files[0]["download"], headers=api._headers(None))
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF one"
    empty = api.client.post(
        f"/api/v1/items/{item.pk}/files",
        {"files": [SimpleUploadedFile("e.txt", b"")]},
        headers=api._headers(None),
    )
    assert (
        empty.status_code == 422 and len(api.get(f"/items/{item.pk}/files").json()) == 2
    )  # nothing half done
    assert api_as(guest).delete(f"/items/{item.pk}/files/{files[0]['id']}").status_code == 404
    join_team_of(guest, board)
    assert api_as(guest).delete(f"/items/{item.pk}/files/{files[0]['id']}").status_code == 403
    assert api.delete(f"/items/{item.pk}/files/{files[0]['id']}").status_code == 204
    assert [f["name"] for f in api.get(f"/items/{item.pk}/files").json()] == ["b.txt"]
    assert api.get(f"/items/{item.pk}/files/{files[0]['id']}").status_code == 404


def test_replies_through_the_api(api_as, member, board, admin_user):
    services.create_address(by=admin_user, board=board, data={"address": "invoices@tandem.test"})
    services.deliver(mail(), sender="vera@vendor.example", recipients=["invoices@tandem.test"], via="smtp")
    services.process_waiting()
    item = InboundMessage.objects.get().item
    api = api_as(member)
    made = api.post("/mail/replies", {"item": item.pk, "body": "Received, thanks."})
    assert made.status_code == 201, made.content
    assert made.json()["to"] == "vera@vendor.example" and made.json()["comment"]
    assert [
        r["body"].split("\n")[0] for r in api.get("/mail/replies", {"item": item.pk}).json()["items"]
    ] == ["Received, thanks."]
    assert api.post("/mail/replies", {"item": item.pk, "body": ""}).status_code == 422
    by_hand = work.create_item(by=member, board=board, data={"title": "By hand"})
    assert api.post("/mail/replies", {"item": by_hand.pk, "body": "Hi"}).status_code == 409


def test_a_reply_goes_to_the_known_sender_and_a_later_reply_to_only_when_named(
    api_as, member, board, admin_user
):
    """The invoice-fraud path: Northwind's own From, the attacker's Reply-To and the item's number."""
    services.create_address(by=admin_user, board=board, data={"address": "invoices@tandem.test"})
    first = mail(
        sender="Northwind <info@northwind.example>", subject="Invoice 32", message_id="<32@n.example>"
    )
    services.deliver(first, sender="info@northwind.example", recipients=["invoices@tandem.test"], via="smtp")
    services.process_waiting()
    item = InboundMessage.objects.get().item
    fraud = mail(
        sender="Northwind <info@northwind.example>",
        subject=f"Re: [#{item.pk}] Invoice 32: new bank details",
        message_id="<fraud@evil.example>",
        Reply_To="attacker@evil.example",
    )
    services.deliver(fraud, sender="info@northwind.example", recipients=["invoices@tandem.test"], via="smtp")
    services.process_waiting()
    assert InboundMessage.objects.get(message_id="<fraud@evil.example>").item == item
    api = api_as(member)
    made = api.post("/mail/replies", {"item": item.pk, "body": "Paid as invoiced."})
    assert made.status_code == 201 and made.json()["to"] == "info@northwind.example"
    offered = api.get("/mail/replies/recipients", {"item": item.pk})
    assert offered.status_code == 200, offered.content
    assert [(r["address"], r["name"], r["why"], r["default"]) for r in offered.json()] == [
        ("info@northwind.example", "Northwind", "sender", True),
        ("attacker@evil.example", "", "reply_to", False),
    ]
    assert "(not the sender)" in offered.json()[1]["label"]
    refused = api.post("/mail/replies", {"item": item.pk, "body": "Hello", "to": "someone@else.example"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "to"
    assert "info@northwind.example" in refused.json()["detail"]
    assert [r["to"] for r in api.get("/mail/replies", {"item": item.pk}).json()["items"]] == [
        "info@northwind.example"
    ]  # the refused one sent nothing
    chosen = api.post("/mail/replies", {"item": item.pk, "body": "Checking.", "to": "attacker@evil.example"})
    assert chosen.status_code == 201 and chosen.json()["to"] == "attacker@evil.example"
    assert api_as(None).get("/mail/replies/recipients", {"item": item.pk}).status_code == 401
    assert api.get("/mail/replies/recipients", {"item": 999_999}).status_code == 404
