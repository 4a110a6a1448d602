"""Mail Tandem sends from a board's address: replies e-mailed from an item (also its comments), and
the receipt that tells a sender the number of the item their mail made. Both are recorded, then
sent by the worker after the commit (`send_reply`), retried until the mail server takes them."""

from __future__ import annotations

from datetime import timedelta
from email.utils import formataddr, make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.contacts.models import EmailAddress
from tandem.core.errors import Conflict, InvalidInput
from tandem.mailgate.models import InboundMessage, MailAddress, SentMessage, SentStatus
from tandem.mailgate.parsing import Parsed
from tandem.mailgate.recipients import reply_recipients
from tandem.work import services as work
from tandem.work.markdown import escape_markdown
from tandem.work.models import Item

# --- Replies e-mailed from an item ------------------------------------------------------------


def email_reply(item: Item, *, by: User, body: str, to: str | None = None) -> SentMessage:
    """E-mail `body` from the board's address to `to`, one of the addresses the item offers
    (tandem.mailgate.recipients); by default the sender of the mail that made the item, never an
    address a message named by itself. It answers that address's newest message, so their answer
    threads back here; the reply is also the item's comment. Sent by the worker after the commit,
    retried until the mail server takes it."""
    require(by, Permission.EDIT_WORK)
    text = str(body or "").strip()
    if not text:
        raise InvalidInput(_("Write the reply first."), field="body")
    if len(text) > 49_000:  # with the "E-mailed to …" line, a comment
        raise InvalidInput(_("A reply has at most 49,000 characters."), field="body")
    offered = reply_recipients(item)
    board_address = offered.board_address
    if board_address is None or not offered.choices:
        raise Conflict(
            _(
                "This item did not come by e-mail through an address that still takes mail, so there is no one to reply to."
            )
        )
    recipient = offered.find(to) if to else offered.default
    if recipient is None:
        choices = ", ".join(c.address for c in offered.choices)
        if to:
            message = _("%(to)s is not one of the addresses a reply from this item may go to: %(choices)s.")
        else:
            message = _("Choose whom the reply goes to: %(choices)s.")
        raise InvalidInput(message % {"to": to, "choices": choices}, field="to")
    answered = recipient.answers
    references = ""
    if answered is not None:
        references = " ".join(dict.fromkeys([*answered.references.split(), answered.message_id])).strip()
    with transaction.atomic():
        shown = escape_markdown(recipient.shown)
        comment = work.add_comment(item, by=by, body=f"*{_('E-mailed to %s') % shown}:*\n\n{text}")
        return _send_later(
            item,
            offered.sent_from(recipient) or board_address,
            comment=comment,
            in_reply_to=answered.message_id if answered else "",
            references=references,
            to=recipient.address,
            subject=_reply_subject(item, answered.subject if answered else ""),
            body=f"{text}\n\n-- \n{by.display_name}\n{item.board.name}",
            sent_by=by,
        )


# --- Receipts ---------------------------------------------------------------------------------


def _acknowledge(
    message: InboundMessage, parsed: Parsed, address: MailAddress, item: Item, sender: str
) -> None:
    """Tell the sender the new item's number, from the address (a receipt: Auto-Submitted, so a
    well-behaved auto-responder does not answer it, and Tandem never answers automatic mail)."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Thank you for your message “%(subject)s”. It has reached %(board)s as #%(id)s, and we "
            "will come back to you.\n\nTo add to it, reply to this e-mail and keep [#%(id)s] in the subject."
        ) % {"subject": parsed.subject or _("(no subject)"), "board": address.board.name, "id": item.pk}
    _send_later(
        item,
        address,
        in_reply_to=parsed.message_id,
        references=" ".join([*parsed.references[-20:], parsed.message_id]).strip(),
        to=sender,
        subject=_reply_subject(item, parsed.subject),
        body=body,
        automatic=True,
    )


def _known_contact(email: str) -> bool:
    """Whether a person someone has looked at, or an organization, has this address (a person the
    gateway made from earlier mail, still flagged for review, does not count)."""
    return (
        EmailAddress.objects.filter(email=email)
        .filter(Q(organization__isnull=False) | Q(person__isnull=False, person__review_note=""))
        .exists()
    )


def _may_receive_receipt(message: InboundMessage, known_contact: bool) -> bool:
    """A receipt goes to the From, when it is verified or a known contact's, at most
    TANDEM_MAIL_RECEIPTS_PER_DAY a day to one address: never a relay for someone else's address."""
    to = message.sender_email
    if not to or not (message.sender_verified or known_contact):
        return False
    today = SentMessage.objects.filter(
        to=to, automatic=True, created_at__gte=timezone.now() - timedelta(days=1)
    ).count()
    return today < settings.TANDEM_MAIL_RECEIPTS_PER_DAY


# --- Sending ----------------------------------------------------------------------------------


def _reply_subject(item: Item, subject: str) -> str:
    """`Re: [#123] …` for mail from an item: the number lets any answer find its way back."""
    subject = " ".join(subject.split()) or item.title
    if f"[#{item.pk}]" not in subject:
        subject = f"[#{item.pk}] {subject}"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _send_later(
    item: Item, address: MailAddress, *, references: str, subject: str, **fields: Any
) -> SentMessage:
    """Record one e-mail from the board's address and have the worker send it after the commit."""
    sent = SentMessage.objects.create(
        item=item,
        message_id=make_msgid(domain=address.address.rpartition("@")[2]),
        from_address=formataddr((item.board.name, address.address)),
        references=references[:10_000],
        subject=subject[:500],
        **fields,
    )
    transaction.on_commit(lambda: send_reply.enqueue(sent.pk))
    return sent


@task()
def send_reply(sent_id: int) -> bool:
    """Send one reply (the worker's job; a failure is retried with backoff, never sent twice)."""
    sent = SentMessage.objects.filter(pk=sent_id).first()
    if sent is None or sent.status == SentStatus.SENT:
        return False
    message = EmailMessage(subject=sent.subject, body=sent.body, from_email=sent.from_address, to=[sent.to])
    message.extra_headers["Message-ID"] = sent.message_id
    if sent.automatic:
        message.extra_headers["Auto-Submitted"] = "auto-replied"
        message.extra_headers["X-Auto-Response-Suppress"] = "All"
    if sent.in_reply_to:
        message.extra_headers["In-Reply-To"] = sent.in_reply_to
    if sent.references:
        message.extra_headers["References"] = sent.references
    try:
        message.send()
    except Exception as error:
        SentMessage.objects.filter(pk=sent.pk).update(error=str(error)[:2000])
        raise
    SentMessage.objects.filter(pk=sent.pk).update(status=SentStatus.SENT, sent_at=timezone.now(), error="")
    return True
