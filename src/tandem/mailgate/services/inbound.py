"""The way in: messages put into the spool (`deliver`), taken from it by the worker
(`process_waiting`), each recorded once and decided (`receive`, see tandem.mailgate.services): made
into an item or a comment (tandem.mailgate.services.compose), rejected, or quarantined."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, can, require
from tandem.accounts.services import system_account
from tandem.contacts.models import EmailAddress
from tandem.contacts.services import Sender, known_sender
from tandem.core.errors import Conflict, ServiceError
from tandem.core.files import atomic_with_files, save_file
from tandem.mailgate import replies, trust
from tandem.mailgate.models import InboundMessage, MailAddress, MessageStatus, SenderPolicy
from tandem.mailgate.parsing import Parsed, Unreadable, parse
from tandem.mailgate.services.compose import (
    _attach,
    _comment_body,
    _flagged,
    _new_item,
    _sender_record,
    _thread_target,
)
from tandem.mailgate.services.outbound import _acknowledge, _known_contact, _may_receive_receipt
from tandem.mailgate.spool import Spool, Spooled
from tandem.work import services as work
from tandem.work.models import Item

logger = logging.getLogger("tandem.mailgate")

RECOVER_AFTER = 600  # seconds a taken message may stay in work/ before it is put back
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
