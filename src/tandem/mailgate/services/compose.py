"""What a message makes: the item of its board it answers (a comment there) or a new item, with
its sender's person and organization, its attachments as files, and its text as Markdown that reads
as written (tandem.mailgate.services.inbound decides which, and whether at all)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.contacts.models import EmailAddress
from tandem.contacts.services import Sender, sender_for_mail
from tandem.mailgate import threads
from tandem.mailgate.models import InboundMessage, MailAddress, SentMessage
from tandem.mailgate.parsing import Parsed
from tandem.work import services as work
from tandem.work.markdown import escape_markdown
from tandem.work.models import Board, Item

_SUBJECT_REFERENCE = re.compile(r"\[#(\d{1,18})\]")
_ITEM_THREAD = re.compile(r"^<item-(\d{1,18})@([^<>@\s]+)>$")
_REPLY_CUT = re.compile(
    r"^(On .{1,300} wrote:|Am .{1,300} schrieb .{1,200}:|Le .{1,300} a écrit ?:|.{0,300}نوشت:"
    r"|-{2,} ?Original Message ?-{2,}|-{2,} ?Forwarded message ?-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)


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
    numbers = [
        int(found[1])
        for ref in ids
        if (found := _ITEM_THREAD.match(ref)) and threads.is_thread_id(ref, "item", int(found[1]))
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
