"""What a forged From can no longer do: speak as a colleague (skip the sender policy, thread into
any item by its number, page people), spend someone else's rate limit, have receipts sent to an
address of its choosing, or comment through a reply address; and signed reply addresses expire."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from tandem.contacts import services as contacts
from tandem.mailgate import replies, services
from tandem.mailgate.models import InboundMessage, MessageStatus, SenderPolicy, SentMessage
from tandem.work.models import Comment, Item
from tests.mailgate.conftest import mail
from tests.mailgate.signing import dmarc_pass

pytestmark = pytest.mark.django_db


def forged(item_id: int, admin_handle: str, **headers: str) -> bytes:
    return mail(
        sender="Fay Finance <fay@tandem.test>",
        subject=f"Re: [#{item_id}] Invoice 4711",
        message_id="<forged@evil.example>",
        body=f"@{admin_handle} please pay to the new account.",
        **headers,
    )


def test_a_forged_colleague_neither_threads_nor_comments_nor_mentions(
    receive, invoices, fay, admin_user, trusted_mx
):
    item = receive(mail()).item
    message = receive(forged(item.pk, admin_user.handle))
    assert not message.sender_verified
    assert message.status == MessageStatus.PROCESSED and message.item_id != item.pk  # not threaded
    assert not Comment.objects.filter(item=item).exists()
    new = message.item
    assert new.description.startswith("**Unverified sender:**")
    assert not new.watchers.filter(pk=admin_user.pk).exists()  # nobody mentioned
    assert new.people.count() == 0  # a user's address never becomes a contact
    # the same mail, verified by the company's MTA, is Fay's: it threads by the number
    genuine = receive(
        forged(item.pk, admin_user.handle, **dmarc_pass("tandem.test")).replace(b"forged@", b"real@")
    )
    assert genuine.sender_verified and genuine.status == MessageStatus.THREADED and genuine.item_id == item.pk


def test_a_forged_colleague_does_not_pass_an_address_for_known_senders(receive, invoices, fay, admin_user):
    services.update_address(invoices, by=admin_user, data={"senders": SenderPolicy.KNOWN})
    refused = receive(mail(sender=fay.email))
    assert refused.status == MessageStatus.REJECTED and Item.objects.count() == 0


def test_a_forged_colleague_through_the_reply_address_is_not_the_colleagues_comment(
    receive, invoices, settings, fay, admin_user
):
    settings.TANDEM_MAIL_REPLY_ADDRESS = "reply@tandem.test"
    item = receive(mail()).item
    address = replies.reply_address(item.pk, fay.pk)  # e.g. read off a forwarded notification
    message = receive(forged(item.pk, admin_user.handle, to=address), recipients=(address,))
    assert message.status == MessageStatus.THREADED
    comment = message.comment
    assert comment.author.is_system and comment.author != fay
    assert comment.body.startswith("**Unverified sender:**") and "By e-mail from Fay Finance" in comment.body
    assert not item.watchers.filter(pk=admin_user.pk).exists()


def test_a_forger_cannot_spend_the_quota_of_the_sender_it_names(invoices, settings, trusted_mx):
    settings.TANDEM_MAIL_RATE = 2

    def smtp(raw: bytes, sender: str, peer: str) -> None:  # as the listener spools it
        envelope = {"from": sender, "to": ["invoices@tandem.test"], "via": "smtp", "peer": peer}
        services.spool().deliver(raw, envelope)

    for n in range(3):  # from another client, with its own envelope sender, in Vera's name
        smtp(mail(message_id=f"<flood{n}@evil.example>", subject=f"n{n}"), "x@evil.example", "203.0.113.9")
    smtp(
        mail(message_id="<genuine@vendor.example>", **dmarc_pass("vendor.example")),
        "vera@vendor.example",
        "198.51.100.7",
    )
    services.process_waiting()
    statuses = dict(InboundMessage.objects.values_list("message_id", "status"))
    assert statuses == {
        "<flood0@evil.example>": MessageStatus.PROCESSED,
        "<flood1@evil.example>": MessageStatus.PROCESSED,
        "<flood2@evil.example>": MessageStatus.QUARANTINED,  # the forger's own quota
        "<genuine@vendor.example>": MessageStatus.PROCESSED,
    }
    held = InboundMessage.objects.get(message_id="<flood2@evil.example>")
    assert "203.0.113.9" in held.reason and "x@evil.example" in held.reason


def test_receipts_never_go_to_a_forged_reply_to(
    receive, invoices, admin_user, member, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }
    services.update_address(invoices, by=admin_user, data={"acknowledge": True})
    with django_capture_on_commit_callbacks(execute=True):
        # unverified, and no one knows the From: no receipt at all
        receive(mail(sender="ceo@bank.example", Reply_To="victim@elsewhere.example"))
        # a known contact's address (unverified): the receipt goes to that address, not the Reply-To
        contacts.create_person(
            by=member, data={"last_name": "Known", "emails": [{"email": "kim@client.example"}]}
        )
        receive(mail(sender="kim@client.example", Reply_To="victim@elsewhere.example", message_id="<k@x>"))
    assert [m.to for m in outbox.outbox] == [["kim@client.example"]]


def test_receipts_to_one_address_are_limited_per_day(
    receive, invoices, admin_user, settings, trusted_mx, django_capture_on_commit_callbacks
):
    settings.TANDEM_MAIL_RECEIPTS_PER_DAY = 2
    services.update_address(invoices, by=admin_user, data={"acknowledge": True})
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            receive(
                mail(message_id=f"<r{n}@vendor.example>", subject=f"n{n}", **dmarc_pass("vendor.example"))
            )
    assert Item.objects.count() == 4
    assert SentMessage.objects.filter(to="vera@vendor.example", automatic=True).count() == 2


def test_an_expired_or_undated_reply_address_is_refused(receive, invoices, settings, fay, monkeypatch):
    settings.TANDEM_MAIL_REPLY_ADDRESS = "reply@tandem.test"
    settings.TANDEM_MAIL_REPLY_DAYS = 30
    item = receive(mail()).item
    today = replies._today()
    monkeypatch.setattr(replies, "_today", lambda: today - 31)
    old = replies.reply_address(item.pk, fay.pk)
    monkeypatch.setattr(replies, "_today", lambda: today)
    expired = receive(mail(to=old, message_id="<old@x>"), recipients=(old,))
    assert expired.status == MessageStatus.REJECTED and "expired" in expired.reason
    assert "30 days" in expired.reason
    # the form given out before addresses had a day: refused the same way
    import hmac
    from hashlib import sha256

    key = settings.SECRET_KEY.encode()
    signature = hmac.new(key, f"tandem-reply:{item.pk}:{fay.pk}".encode(), sha256).hexdigest()[:20]
    undated = f"reply+{item.pk}-{fay.pk}-{signature}@tandem.test"
    refused = receive(mail(to=undated, message_id="<undated@x>"), recipients=(undated,))
    assert refused.status == MessageStatus.REJECTED and "expired" in refused.reason
    fresh = replies.reply_address(item.pk, fay.pk)
    assert receive(mail(to=fresh, message_id="<new@x>"), recipients=(fresh,)).status == MessageStatus.THREADED


def test_mail_to_reply_addresses_is_rate_limited(receive, invoices, settings, fay):
    settings.TANDEM_MAIL_REPLY_ADDRESS = "reply@tandem.test"
    settings.TANDEM_MAIL_RATE = 2
    item = receive(mail(message_id="<first@x>")).item  # one of Vera's two this hour
    address = replies.reply_address(item.pk, fay.pk)
    done = [
        receive(mail(to=address, message_id=f"<re{n}@x>", body=f"n{n}"), recipients=(address,))
        for n in range(2)
    ]
    assert [m.status for m in done] == [MessageStatus.THREADED, MessageStatus.QUARANTINED]
    assert Comment.objects.filter(item=item).count() == 1
