"""Inbound mail into items: one pipeline for every way in.

The SMTP/LMTP listener, `tandem ingest-mail` and the IMAP poller only put messages into the spool
(`deliver`). The worker takes them from there (`process_waiting`) and `receive` decides, for each:

1. Unreadable (no message at all) → quarantined, with the reason.
2. An auto-reply, bounce or bulk mail → rejected: it never makes an item or a notification.
3. The route, from the envelope's recipients (else To and Cc): a signed reply address of a
   notification e-mail (tandem.mailgate.replies) → a comment by that user; an active address
   (MailAddress) → its board; else the catch-all address; else rejected.
4. The address's sender policy (anyone, known contacts and colleagues, the allowed domains). A
   colleague is someone whose From is a user's address *and verified* (tandem.mailgate.trust):
   unverified mail naming a colleague is an outsider's (no privileges, no threading by number into
   an item that does not know the address, no @mentions), and is marked "unverified sender".
5. The rate limit (TANDEM_MAIL_RATE an hour) → quarantined, to reprocess later. It counts the
   verified From, else the connecting client and the envelope's sender, so a forged From cannot
   spend someone else's quota. Replies to signed reply addresses count too.
6. A reply to an item of that board (In-Reply-To/References of its messages or of Tandem's
   notification e-mails, or `[#123]` in the subject) → a comment on it; otherwise a new item with
   the address's type, labels and assignee, linked to the sender's person and organization (an
   unknown sender becomes a person flagged for review).

Attachments and inline images become files on the item; those over the size limit are named in
the item's text. The raw message is kept in file storage and can be downloaded. A message is one
row whatever happens (its identity is unique), written with the item in one transaction, so the
same message delivered twice makes one item, and a failure leaves nothing half made."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from email.utils import formataddr, getaddresses, make_msgid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, can, require
from tandem.accounts.services import system_account
from tandem.activity.services import record
from tandem.contacts.models import EmailAddress
from tandem.contacts.normalize import normalize_email
from tandem.contacts.services import Sender, known_sender, sender_for_mail
from tandem.core.errors import Conflict, InvalidInput, ServiceError
from tandem.core.files import atomic_with_files, save_file
from tandem.core.text import latin_commas
from tandem.mailgate import replies, trust
from tandem.mailgate.models import (
    InboundMessage,
    MailAddress,
    MessageStatus,
    SenderPolicy,
    SentMessage,
    SentStatus,
)
from tandem.mailgate.parsing import Parsed, Unreadable, parse
from tandem.mailgate.recipients import reply_recipients
from tandem.mailgate.spool import Spool, Spooled
from tandem.work import services as work
from tandem.work.markdown import escape_markdown
from tandem.work.models import Board, Item, ItemType, Label

logger = logging.getLogger("tandem.mailgate")

RECOVER_AFTER = 600  # seconds a taken message may stay in work/ before it is put back
_SUBJECT_REFERENCE = re.compile(r"\[#(\d{1,18})\]")
_ITEM_THREAD = re.compile(r"^<item-(\d{1,18})@([^<>@\s]+)>$")
_REPLY_CUT = re.compile(
    r"^(On .{1,300} wrote:|Am .{1,300} schrieb .{1,200}:|Le .{1,300} a écrit ?:|.{0,300}نوشت:"
    r"|-{2,} ?Original Message ?-{2,}|-{2,} ?Forwarded message ?-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
FINAL = {MessageStatus.PROCESSED, MessageStatus.THREADED, MessageStatus.REJECTED}


# --- Ways in --------------------------------------------------------------------------------


def spool() -> Spool:
    return Spool(settings.TANDEM_MAIL_SPOOL)


def deliver(
    raw: bytes, *, sender: str = "", recipients: Iterable[str] = (), via: str, peer: str = ""
) -> Spooled:
    """Store one message durably for the worker (the IMAP poller and tests; the listener and
    `tandem ingest-mail` write to the spool the same way)."""
    envelope: dict[str, Any] = {"from": sender, "to": list(recipients), "via": via}
    if peer:
        envelope["peer"] = peer
    return spool().deliver(raw, envelope)


def process_waiting(limit: int | None = None) -> int:
    """Make everything waiting in the spool into items (the worker's job); returns how many it
    took. When the database fails, the message goes back to wait and the error ends the job (the
    worker retries), so nothing is lost."""
    box = spool()
    for name in box.recover(older_than=RECOVER_AFTER):
        logger.warning("put back %s, taken over %s s ago by a worker that stopped", name, RECOVER_AFTER)
    done = 0
    for name in box.waiting():
        if limit is not None and done >= limit:
            break
        taken = box.take(name)
        if taken is None:
            continue  # another worker has it
        try:
            receive(taken.read(), taken.envelope, spool_name=name)
        except (OperationalError, InterfaceError):
            box.release(name)
            raise
        except Exception as error:  # a fault of Tandem's: keep the message, quarantined, and go on
            logger.exception("could not process %s", name)
            try:
                _quarantine_raw(taken.read(), taken.envelope, name, error)
            except (OperationalError, InterfaceError):
                box.release(name)
                raise
            except Exception:  # not even its quarantine record can be written: set it aside
                logger.exception("could not quarantine %s; it is kept in the spool's failed/ folder", name)
                box.fail(name)
                continue
        box.done(name)
        done += 1
    return done


# --- The pipeline ---------------------------------------------------------------------------


def _identity(parsed: Parsed | None, raw: bytes) -> str:
    identity = parsed.identity if parsed else f"sha256:{hashlib.sha256(raw).hexdigest()}"
    if len(identity) > 300:
        identity = f"sha256:{hashlib.sha256(identity.encode()).hexdigest()}"
    return identity


def _parse(raw: bytes) -> tuple[Parsed | None, str]:
    """The message read with the configured limits, or None and why it cannot be read."""
    try:
        return (
            parse(
                raw,
                max_attachment=settings.TANDEM_MAX_ATTACHMENT,
                max_message=settings.TANDEM_MAIL_MAX_MESSAGE,
            ),
            "",
        )
    except Unreadable as unreadable:
        return None, unreadable.reason


def _conclude(
    message: InboundMessage,
    parsed: Parsed | None,
    problem: str,
    envelope: Mapping[str, Any],
    *,
    rate_limit: bool = True,
) -> None:
    if parsed is None:
        _finish(message, MessageStatus.QUARANTINED, _("The message cannot be read: %s") % problem)
    else:
        _decide(message, parsed, envelope, rate_limit=rate_limit)


def receive(raw: bytes, envelope: Mapping[str, Any], *, spool_name: str = "") -> InboundMessage:
    """Record one message and make of it what it should be (see the module's text)."""
    parsed, problem = _parse(raw)
    identity = _identity(parsed, raw)
    # before the transaction: a DKIM check may wait on DNS
    verdict = trust.verify(raw, parsed.sender_email) if parsed is not None else None
    with atomic_with_files():
        message, new = _claim(identity)
        if not new and message.status in FINAL:
            elsewhere = _delivered_elsewhere(message, envelope)
            if elsewhere is None:
                return message  # the same message delivered again
            # the same message, delivered on its own for another board's address (an MTA that
            # delivers each recipient apart): one item there too
            message, new = _claim(_identity_for(identity, elsewhere))
            if not new and message.status in FINAL:
                return message
        _fill(message, raw, envelope, parsed, spool_name=spool_name, verdict=verdict)
        _conclude(message, parsed, problem, envelope)
        if parsed is not None and not parsed.automatic and message.address is not None:
            _deliver_to_other_boards(
                message, raw, envelope, parsed, identity, spool_name=spool_name, verdict=verdict
            )
    return message


def _deliver_to_other_boards(
    message: InboundMessage,
    raw: bytes,
    envelope: Mapping[str, Any],
    parsed: Parsed,
    identity: str,
    *,
    spool_name: str,
    verdict: trust.Verdict | None,
) -> None:
    """One delivery for several boards' addresses (To: invoices@, support@ in one LMTP transaction,
    or in the headers): each other board gets its own record and item, as it would from a delivery
    of its own; they share the stored original."""
    recipients = _addresses(_recipients(envelope, parsed))
    if len(recipients) < 2:
        return
    boards = {message.address.board_id} if message.address else set()
    for other in MailAddress.objects.filter(address__in=recipients, active=True).select_related(
        "board", "assignee"
    ):
        if other.board_id in boards:
            continue
        boards.add(other.board_id)
        copy, new = _claim(_identity_for(identity, other))
        if not new and copy.status in FINAL:
            continue
        narrowed = {**envelope, "to": [other.address]}
        copy.raw.name = copy.raw.name or message.raw.name
        _fill(copy, raw, narrowed, parsed, spool_name=spool_name, verdict=verdict)
        _conclude(copy, parsed, "", narrowed)


def _addresses(recipients: Iterable[str]) -> list[str]:
    """The bare, lower-cased addresses of recipients as written ("Ana <ana@x>", "ana@x")."""
    return [a.lower() for _name, a in getaddresses(list(recipients)) if "@" in a]


def _recipients(envelope: Mapping[str, Any], parsed: Parsed) -> list[str]:
    """Whom the message was for: the envelope's recipients, else its To and Cc."""
    return _as_list(envelope.get("to")) or [*parsed.to, *parsed.cc]


def _delivered_elsewhere(message: InboundMessage, envelope: Mapping[str, Any]) -> MailAddress | None:
    """The board address a new delivery of an already recorded message is for, when that is not
    the address the record went to (None: the same delivery again)."""
    recipients = _as_list(envelope.get("to"))
    if not recipients:
        return None
    reply, address = _route(recipients)
    if reply is not None or address is None or address.pk == message.address_id:
        return None
    return address


def _identity_for(identity: str, address: MailAddress) -> str:
    combined = f"{identity} for {address.address}"
    return combined if len(combined) <= 300 else f"sha256:{hashlib.sha256(combined.encode()).hexdigest()}"


def reprocess(message: InboundMessage, *, by: User) -> InboundMessage:
    """Run a quarantined or rejected message through the pipeline again (e.g. after an address was
    added or the sender allowed), without the rate limit. An admin's action."""
    require(by, Permission.MANAGE_MAIL)
    if message.status in {MessageStatus.PROCESSED, MessageStatus.THREADED}:
        return message
    raw = _read_raw(message)
    envelope = {"from": message.envelope_from, "to": message.recipients, "via": message.via}
    with transaction.atomic():
        current = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if current.status in {MessageStatus.PROCESSED, MessageStatus.THREADED}:
            return current  # someone else reprocessed it meanwhile
        parsed, problem = _parse(raw)
        if parsed is not None:
            current.attempts += 1
        _conclude(current, parsed, problem, envelope, rate_limit=False)
    return current


def message_html(message: InboundMessage) -> str:
    """The message's HTML as sent, sanitised (no scripts, no forms, no event handlers; links open
    apart), read from the stored original; "" when it has no HTML part."""
    parsed, _problem = _parse(_read_raw(message))
    return parsed.html if parsed is not None else ""


def _read_raw(message: InboundMessage) -> bytes:
    try:
        with message.raw.open("rb") as handle:
            return bytes(handle.read())
    except (OSError, ValueError):
        raise Conflict(_("The original of this message is missing from the file storage.")) from None


def _claim(identity: str) -> tuple[InboundMessage, bool]:
    """The row of this message, locked; made when it is the first delivery. A second delivery
    processed at the same time waits here for the first one's commit (the unique identity)."""
    existing = InboundMessage.objects.select_for_update().filter(identity=identity).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(identity=identity), True
    except IntegrityError:
        return InboundMessage.objects.select_for_update().get(identity=identity), False


def _fill(
    message: InboundMessage,
    raw: bytes,
    envelope: Mapping[str, Any],
    parsed: Parsed | None,
    *,
    spool_name: str,
    verdict: trust.Verdict | None = None,
) -> None:
    message.spool_name = _plain(spool_name)[:200]
    message.peer = _plain(envelope.get("peer"))[:64]
    message.via = _plain(envelope.get("via"))[:16]
    message.envelope_from = _plain(envelope.get("from"))[:254]
    message.recipients = [_plain(r)[:254] for r in _as_list(envelope.get("to"))][:100]
    message.size = len(raw)
    message.attempts += 1
    if parsed is not None:
        message.message_id = parsed.message_id[:300]
        message.references = " ".join(parsed.references[-20:])
        # the From header's address, else the envelope's (what the rate limit counts by)
        message.sender_email = (parsed.sender_email or message.envelope_from).lower()[:254]
        message.sender_name = parsed.sender_name[:200]
        message.reply_to = parsed.reply_to[:254]
        message.subject = parsed.subject[:500]
        message.sent_at = parsed.date
        message.automatic = parsed.automatic[:200]
        message.has_html = bool(parsed.html)
    verdict = verdict or trust.Verdict.unverified("not checked")
    message.sender_verified = verdict.verified and bool(message.sender_email)
    message.verification = verdict.how[:200]
    message.rate_key = _rate_key(message)
    if not message.raw:
        save_file(
            message.raw,
            f"{timezone.now():%d%H%M%S}-{hashlib.sha256(raw).hexdigest()[:16]}.eml",
            ContentFile(raw),
        )


def _rate_key(message: InboundMessage) -> str:
    """What the rate limit counts this message by: its verified From; else the client that handed
    it over and the envelope's sender (a forged From then spends the forger's quota, not the named
    sender's); with neither (a file, a mailbox without Return-Path), the From as written."""
    if message.sender_verified:
        return f"from:{message.sender_email}"[:400]
    envelope_from = message.envelope_from.lower()
    if message.peer or envelope_from:
        return f"peer:{message.peer} envelope:{envelope_from}"[:400]
    return f"unverified-from:{message.sender_email}"[:400]


def _plain(value: Any) -> str:
    """Text from the envelope as a database keeps it: no NUL or other control characters, no lone
    surrogates (an SMTP client or a Return-Path may send anything)."""
    text = str(value or "").encode("utf-8", "replace").decode("utf-8")
    return "".join(ch for ch in text if ch >= " " and ch != "\x7f").strip()


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return []


def _finish(message: InboundMessage, status: str, reason: str = "", **links: Any) -> None:
    message.status = status
    message.reason = reason
    message.processed_at = timezone.now()
    for name, value in links.items():
        setattr(message, name, value)
    message.save()
    logger.info("message %s from %s: %s %s", message.pk, message.sender_email, status, reason)


def _quarantine_raw(raw: bytes, envelope: Mapping[str, Any], name: str, error: Exception) -> None:
    with atomic_with_files():
        message, _new = _claim(_identity_of(raw))
        if message.status in FINAL:
            return
        _fill(message, raw, envelope, None, spool_name=name)
        _finish(message, MessageStatus.QUARANTINED, _("Tandem could not process it: %s") % error)


def _identity_of(raw: bytes) -> str:
    try:
        return _identity(_parse(raw)[0], raw)
    except Exception:  # whatever failed before may fail here too: the bytes are the identity then
        return _identity(None, raw)


# --- Deciding -------------------------------------------------------------------------------


def _decide(
    message: InboundMessage, parsed: Parsed, envelope: Mapping[str, Any], *, rate_limit: bool = True
) -> None:
    if not parsed.automatic and envelope.get("via") in {"smtp", "lmtp"} and not envelope.get("from"):
        parsed.automatic = "a bounce (the envelope's sender is empty)"  # MAIL FROM:<>
    if parsed.automatic:
        _finish(
            message,
            MessageStatus.REJECTED,
            _("Automatic mail (%s): never made into an item.") % parsed.automatic,
        )
        return
    recipients = _recipients(envelope, parsed)
    reply, address = _route(recipients)
    if reply is not None:
        _as_reply(message, parsed, reply, rate_limit=rate_limit)
        return
    if address is None:
        _finish(
            message,
            MessageStatus.REJECTED,
            _("No address here leads to a board: %s.") % (", ".join(recipients) or _("no recipient")),
        )
        return
    message.address = address
    sender = message.sender_email
    # a user's address is a colleague only when verified; unverified, it is an outsider's mail
    names_colleague = bool(sender) and _is_colleague(sender)
    colleague = names_colleague and message.sender_verified
    refusal = _sender_refused(address, sender, colleague=colleague)
    if refusal:
        _finish(message, MessageStatus.REJECTED, refusal)
        return
    if rate_limit and _over_rate(message):
        _quarantine_over_rate(message)
        return
    gateway = system_account("mail")
    known_contact = bool(sender) and _known_contact(sender)  # before this message makes a person
    try:
        with atomic_with_files():
            item = _thread_target(parsed, address, sender, colleague=colleague)
            if item is not None:
                body = _flagged(_comment_body(parsed, external=True), verified=message.sender_verified)
                comment = work.add_comment(item, by=gateway, body=body)
                _attach(item, parsed, gateway)
                known = known_sender(sender) if sender else None
                _finish(
                    message,
                    MessageStatus.THREADED,
                    "",
                    item=item,
                    comment=comment,
                    person=known.person if known else None,
                    organization=known.organization if known else None,
                )
                return
            # a user's address never becomes a contact, verified or not
            match = (
                Sender(None, None) if names_colleague else _sender_record(parsed, sender, address, gateway)
            )
            item = _new_item(parsed, address, match, gateway, verified=message.sender_verified)
            if address.acknowledge and not names_colleague and _may_receive_receipt(message, known_contact):
                _acknowledge(message, parsed, address, item, sender)
            _finish(
                message,
                MessageStatus.PROCESSED,
                "",
                item=item,
                person=match.person,
                organization=match.organization,
            )
    except ServiceError as refused:  # e.g. the board is archived: wait for someone to look
        _finish(message, MessageStatus.QUARANTINED, refused.message, item=None, comment=None)


def _route(recipients: Iterable[str]) -> tuple[replies.ReplyTo | None, MailAddress | None]:
    addresses = _addresses(recipients)
    for address in addresses:
        reply = replies.read_reply_address(address)
        if reply is not None:
            return reply, None
    known = {
        m.address: m
        for m in MailAddress.objects.filter(address__in=addresses, active=True).select_related(
            "board", "assignee"
        )
    }
    for address in addresses:
        if address in known:
            return None, known[address]
    return None, MailAddress.objects.filter(catch_all=True, active=True).select_related(
        "board", "assignee"
    ).first()


def _is_colleague(email: str) -> bool:
    return User.objects.filter(email__iexact=email, is_active=True).exists()


def _sender_refused(address: MailAddress, sender: str, *, colleague: bool) -> str:
    if address.senders == SenderPolicy.ANYONE:
        return ""
    if not sender or "@" not in sender:
        return (
            _("The message names no sender, and %s takes mail only from senders it knows.") % address.address
        )
    if address.senders == SenderPolicy.DOMAIN:
        domain = sender.rpartition("@")[2]
        if domain in address.allowed_domains():
            return ""
        return _("%(address)s takes mail only from %(domains)s; %(sender)s is not one of them.") % {
            "address": address.address,
            "domains": ", ".join(sorted(address.allowed_domains())),
            "sender": sender,
        }
    if colleague or EmailAddress.objects.filter(email=sender).exists():
        return ""
    return _("%(address)s takes mail only from known contacts and colleagues; %(sender)s is neither.") % {
        "address": address.address,
        "sender": sender,
    }


def _over_rate(message: InboundMessage) -> bool:
    if not message.rate_key:
        return False
    since = timezone.now() - timedelta(hours=1)
    made = InboundMessage.objects.filter(
        rate_key=message.rate_key,
        status__in=[MessageStatus.PROCESSED, MessageStatus.THREADED],
        processed_at__gte=since,
    ).count()
    return made >= settings.TANDEM_MAIL_RATE


def _quarantine_over_rate(message: InboundMessage) -> None:
    if message.sender_verified:
        who = message.sender_email
    else:
        who = _("%(client)s with the envelope sender %(sender)s (the From is not verified)") % {
            "client": message.peer or _("an unknown client"),
            "sender": message.envelope_from or message.sender_email or _("none"),
        }
    _finish(
        message,
        MessageStatus.QUARANTINED,
        _("%(sender)s sent more than %(limit)s messages within an hour; reprocess it to let it in.")
        % {"sender": who, "limit": settings.TANDEM_MAIL_RATE},
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


def _flagged(text: str, *, verified: bool) -> str:
    """The text of a description or comment from mail, headed by a plain warning when nothing
    confirmed that the mail comes from the address it names."""
    if verified:
        return text
    warning = _("nothing confirms that this message comes from the address it names.")
    return f"**{_('Unverified sender')}:** *{warning}*\n\n{text}"


def _thread_target(parsed: Parsed, address: MailAddress, sender: str, *, colleague: bool) -> Item | None:
    """The item of this board that the message answers, if any. The Message-IDs of its thread are
    known only to who took part in it; an item's number (`[#123]`, `<item-123@…>`) anyone can
    write, so that threads only mail from someone the item already knows (below)."""
    on_board = Item.objects.filter(board=address.board)
    ids = [*parsed.in_reply_to, *reversed(parsed.references)][:50]
    if ids:
        earlier = (
            InboundMessage.objects.filter(message_id__in=ids, item__board=address.board)
            .order_by("-received_at")
            .values_list("item_id", flat=True)
            .first()
        )
        if not earlier:  # an answer to a reply e-mailed from an item
            earlier = (
                SentMessage.objects.filter(message_id__in=ids, item__board=address.board)
                .order_by("-created_at")
                .values_list("item_id", flat=True)
                .first()
            )
        if earlier:
            return on_board.filter(pk=earlier).first()
    from tandem.notifications.mail import thread_id

    numbers = [
        int(found[1])
        for ref in ids
        if (found := _ITEM_THREAD.match(ref)) and thread_id("item", int(found[1])) == ref
    ]
    numbers += [int(number) for number in _SUBJECT_REFERENCE.findall(parsed.subject)]
    for number in numbers:
        item = on_board.filter(pk=number).first()
        if item is not None and (colleague or _knows(item, sender)):
            return item
    return None


def _knows(item: Item, sender: str) -> bool:
    """Whether `sender` (no colleague) is someone this item already has to do with: a person or an
    organization on it, or whoever it mailed with."""
    if not sender:
        return False
    return (
        InboundMessage.objects.filter(item=item, sender_email=sender).exists()
        or SentMessage.objects.filter(item=item, to=sender).exists()
        or EmailAddress.objects.filter(email=sender)
        .filter(Q(person__items=item) | Q(organization__items=item))
        .exists()
    )


def _as_reply(
    message: InboundMessage, parsed: Parsed, reply: replies.ReplyTo, *, rate_limit: bool = True
) -> None:
    """A reply to a notification e-mail: the comment of the user it was sent to."""
    if not reply.valid:
        _finish(
            message,
            MessageStatus.REJECTED,
            _("The reply address is not one Tandem gave out (changed, or forged)."),
        )
        return
    if reply.expired:
        _finish(
            message,
            MessageStatus.REJECTED,
            _(
                "The reply address has expired (reply addresses are valid for %(days)s days); reply to a newer notification e-mail, or comment on the item."
            )
            % {"days": settings.TANDEM_MAIL_REPLY_DAYS},
        )
        return
    if rate_limit and _over_rate(message):
        _quarantine_over_rate(message)
        return
    user = User.objects.filter(pk=reply.user_id, is_active=True).first()
    item = Item.objects.filter(pk=reply.item_id).first()
    if user is None or item is None or not can(user, Permission.EDIT_WORK):
        _finish(
            message,
            MessageStatus.REJECTED,
            _("The item or the person this reply is for is gone, or may not comment."),
        )
        return
    # The signature says which item and whose e-mail this answers; only mail from that person's own
    # address, verified, is their comment (a customer's reply-all to it is the customer's, and an
    # unverified From naming the user is anyone's: both by the gateway).
    own = message.sender_email == user.email.lower() and message.sender_verified
    author = user if own else system_account("mail")
    body = _comment_body(parsed, external=not own)
    try:
        with atomic_with_files():
            comment = work.add_comment(
                item, by=author, body=_flagged(body, verified=own or message.sender_verified)
            )
            _attach(item, parsed, author)
            _finish(message, MessageStatus.THREADED, "", item=item, comment=comment)
    except ServiceError as refused:
        _finish(message, MessageStatus.QUARANTINED, refused.message, item=None, comment=None)


def _sender_record(parsed: Parsed, sender: str, address: MailAddress, gateway: User) -> Sender:
    """The sender's person and organization (made when new); never called for a colleague."""
    if not sender:
        return Sender(None, None)
    note = _("Made from an e-mail to %(address)s on %(date)s; check the name and the organization.") % {
        "address": address.address,
        "date": timezone.localdate().isoformat(),
    }
    return sender_for_mail(sender, parsed.sender_name, by=gateway, note=note)


def _new_item(
    parsed: Parsed, address: MailAddress, sender: Sender, gateway: User, *, verified: bool = True
) -> Item:
    data: dict[str, Any] = {
        "title": _title(parsed, address.board),
        "description": _flagged(_description(parsed), verified=verified),
    }
    if address.item_type:
        data["type"] = address.item_type
    labels = list(address.labels.filter(Q(board__isnull=True) | Q(board=address.board)))
    if labels:
        data["labels"] = labels
    if address.assignee is not None and address.assignee.is_active:
        data["assignees"] = [address.assignee]
    if sender.person is not None:
        data["people"] = [sender.person]
    if sender.organization is not None:
        data["organizations"] = [sender.organization]
    item = work.create_item(by=gateway, board=address.board, data=data)
    _attach(item, parsed, gateway)
    return item


def _title(parsed: Parsed, board: Board) -> str:
    title = " ".join(parsed.subject.split())
    if not title:
        who = parsed.sender_name or parsed.sender_email or _("an unknown sender")
        title = _("Mail from %s") % who
    prefix = board.title_prefix
    room = work.TITLE_MAX - (0 if prefix and title.startswith(prefix) else len(prefix))
    return title[:room].strip()


def _notes(parsed: Parsed) -> list[str]:
    notes = []
    for attachment in parsed.attachments:
        if attachment.data is None:
            notes.append(
                _(
                    "Not kept: %(name)s (%(size)s MB), over the limit of %(limit)s MB for one attachment; the original message has it."
                )
                % {
                    "name": attachment.filename or _("an attachment"),
                    "size": f"{attachment.size / 1024 / 1024:.1f}",
                    "limit": f"{settings.TANDEM_MAX_ATTACHMENT / 1024 / 1024:g}",
                }
            )
    notes.extend(parsed.problems)
    return notes


def _sender_line(parsed: Parsed) -> str:
    """Who sent it, as Markdown that shows the name and the address as written."""
    if not parsed.sender_email:
        return escape_markdown(parsed.sender_name) or _("unknown")
    return escape_markdown(f"{parsed.sender_name} <{parsed.sender_email}>".strip())


# Everything a message brings (its text, its sender's name, file names, the notes on what was not
# kept) goes into an item's Markdown through escape_markdown: it reads as written and nothing in it
# becomes a link, an image or HTML. Only the frame around it ("From: …", the emphasis) is Tandem's.
_TEXT_ROOM = 45_000  # of a description or comment (50,000): the text; the rest is the frame's and the notes'


def _shown(text: str, parsed: Parsed) -> list[str]:
    """A message's text as Markdown, and the notes on what of it was not kept, as parts."""
    escaped = escape_markdown(text)
    shown = _cut(escaped, _TEXT_ROOM)
    if len(shown) < len(escaped):
        shown += "\n\n*" + _("The rest of the message is in the original.") + "*"
    parts = [shown or f"*{_('The message has no text.')}*"]
    notes = _notes(parsed)
    if notes:
        parts.append("\n".join(f"- *{_cut(escape_markdown(note), 400)}*" for note in notes[:10]))
    return parts


def _cut(markdown: str, room: int) -> str:
    """Escaped Markdown cut to `room` characters, never between a backslash and what it escapes."""
    if len(markdown) <= room:
        return markdown
    cut = markdown[:room]
    backslashes = len(cut) - len(cut.rstrip("\\"))
    return cut[:-1] if backslashes % 2 else cut


def _description(parsed: Parsed) -> str:
    parts = [f"*{_('From')}: {_sender_line(parsed)}*", *_shown(parsed.text, parsed)]
    return "\n\n".join(parts)[:50_000]


def reply_text(text: str) -> str:
    """The new part of a reply: the text above the quoted message ("On … wrote:", "> " lines)."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _REPLY_CUT.match(line.strip()):
            break
        kept.append(line)
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()
    new = "\n".join(line for line in kept if not line.startswith(">")).strip()
    return new or text.strip()


def _comment_body(parsed: Parsed, *, external: bool) -> str:
    parts = _shown(reply_text(parsed.text), parsed)
    if external:
        parts.insert(0, f"*{_('By e-mail from %s') % _sender_line(parsed)}:*")
    return "\n\n".join(parts)[:50_000]


def _attach(item: Item, parsed: Parsed, by: User) -> None:
    kept = [
        work.NewFile(
            name=a.filename or f"attachment-{n}",
            content=a.data,
            content_type=a.content_type,
            inline=a.inline,
        )
        for n, a in enumerate(parsed.attachments, start=1)
        if a.data  # over the limit (None) is noted in the text; an empty part is nothing to keep
    ]
    if kept:
        work.attach_files(item, by=by, files=kept)


# --- Addresses --------------------------------------------------------------------------------

ADDRESS_FIELDS = (
    "address",
    "item_type",
    "assignee",
    "senders",
    "domains",
    "catch_all",
    "acknowledge",
    "active",
)


def _clean_address(value: Any) -> str:
    try:
        address = normalize_email(str(value or ""))
    except ValueError:
        raise InvalidInput(
            _("Enter a valid e-mail address, e.g. invoices@example.com."), field="address"
        ) from None
    if replies.is_reply_address(address):
        raise InvalidInput(_("This is the reply address of notification e-mails."), field="address")
    return address


def _apply_address(mail_address: MailAddress, data: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ADDRESS_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "address":
            value = _clean_address(value)
        elif name == "item_type":
            value = str(value or "")
            if value and value not in ItemType.values:
                raise InvalidInput(_("Choose one of the offered item types."), field="item_type")
        elif name == "senders":
            if value not in SenderPolicy.values:
                raise InvalidInput(_("Choose who may write to this address."), field="senders")
        elif name == "domains":
            value = ", ".join(
                d.strip().lower().lstrip("@")
                for d in latin_commas(str(value or "")).replace(",", " ").split()
            )
            if len(value) > 500 or any("." not in d or "/" in d for d in value.split(", ") if d):
                raise InvalidInput(_("List domains like example.com, separated by commas."), field="domains")
        elif name == "assignee":
            if value is not None and (not isinstance(value, User) or not value.is_active):
                raise InvalidInput(_("Choose an active user."), field="assignee")
        else:
            value = bool(value)
        old = getattr(mail_address, name)
        if old != value:
            changes[name] = [str(old) if old is not None else "", str(value) if value is not None else ""]
            setattr(mail_address, name, value)
    return changes


def _check_unique(mail_address: MailAddress) -> None:
    others = MailAddress.objects.exclude(pk=mail_address.pk)
    if others.filter(address=mail_address.address).exists():
        raise Conflict(_("%s already leads to a board.") % mail_address.address, field="address")
    if mail_address.catch_all and others.filter(catch_all=True).exists():
        raise Conflict(
            _("Another address is the catch-all already; take it off there first."), field="catch_all"
        )


def _set_address_labels(mail_address: MailAddress, labels: Iterable[Label] | None) -> dict[str, Any]:
    if labels is None:
        return {}
    chosen = list(dict.fromkeys(labels))
    if any(label.board_id not in (None, mail_address.board_id) for label in chosen):
        raise InvalidInput(_("Choose labels of this board."), field="labels")
    old = sorted(label.name for label in mail_address.labels.all()) if mail_address.pk else []
    mail_address.labels.set(chosen)
    new = sorted(label.name for label in chosen)
    return {"labels": [old, new]} if old != new else {}


def create_address(*, by: User, board: Board, data: Mapping[str, Any]) -> MailAddress:
    """A new address whose mail becomes items on `board`."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        mail_address = MailAddress(board=board)
        _apply_address(mail_address, {"senders": SenderPolicy.ANYONE, **data})
        if not mail_address.address:
            raise InvalidInput(_("Enter the address."), field="address")
        _check_unique(mail_address)
        mail_address.save()
        _set_address_labels(mail_address, data.get("labels"))
        record(actor=by, verb="added mail address", target=board, target_type="board",
               changes={"address": mail_address.address})  # fmt: skip
    return mail_address


def update_address(mail_address: MailAddress, *, by: User, data: Mapping[str, Any]) -> MailAddress:
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        current = MailAddress.objects.select_for_update().get(pk=mail_address.pk)
        changes = _apply_address(current, data)
        _check_unique(current)
        current.save()
        changes.update(_set_address_labels(current, data.get("labels")))
        if changes:
            record(actor=by, verb="changed mail address", target=current.board, target_type="board",
                   changes={"address": current.address, **changes})  # fmt: skip
    return current


def delete_address(mail_address: MailAddress, *, by: User) -> None:
    """Mail to it is refused from now on; the messages it received stay, with their items."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        board = mail_address.board
        address = mail_address.address
        mail_address.delete()
        record(actor=by, verb="removed mail address", target=board, target_type="board",
               changes={"address": address})  # fmt: skip


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
