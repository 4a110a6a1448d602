"""/api/v1/mail: the mail addresses that lead to boards (those who manage boards), the received
messages with what became of each (admins), reprocessing included, and replies e-mailed from
items to the people whose mail made them. Writes go through tandem.mailgate.services."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from tandem.accounts.auth import acting_user
from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.core.api.errors import errors
from tandem.core.api.pagination import Page, PageParams, paginate
from tandem.core.api.types import PathId, SearchText
from tandem.core.errors import InvalidInput, NotFound
from tandem.mailgate import recipients, services
from tandem.mailgate.models import InboundMessage, MailAddress, MessageStatus, SentMessage
from tandem.mailgate.schemas import (
    InboundMessageOut,
    MailAddressIn,
    MailAddressOut,
    MailAddressPatch,
    ReplyIn,
    ReplyRecipientOut,
    SentReplyOut,
)
from tandem.work.models import Board, Label
from tandem.work.queries import board_visibility, get_board_for_user, get_item_for_user

mail = Router(tags=["Mail gateway"])


def _addresses(user: User) -> QuerySet[MailAddress]:
    """The addresses of the boards `user` may see."""
    return (
        MailAddress.objects.filter(board_visibility(user, through="board__"))
        .select_related("assignee")
        .prefetch_related("labels")
        .order_by("address")
    )


def _address(user: User, pk: int) -> MailAddress:
    require(user, Permission.MANAGE_BOARDS)
    found = _addresses(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Not found."))
    return found


def _data(payload: MailAddressIn | MailAddressPatch, board: Board) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude={"board"})
    for name in ("address", "senders", "domains", "catch_all", "acknowledge", "active"):
        if name in data and data[name] is None:
            raise InvalidInput(_("This field cannot be null."), field=name)
    if "item_type" in data:
        data["item_type"] = data["item_type"] or ""
    if "labels" in data:
        ids = data["labels"] or []
        found = {label.pk: label for label in Label.objects.filter(pk__in=ids)}
        if any(pk not in found for pk in ids):
            raise InvalidInput(_("No such label."), field="labels")
        data["labels"] = [found[pk] for pk in ids]
    if "assignee" in data and data["assignee"] is not None:
        assignee = User.objects.filter(pk=data["assignee"], is_active=True).first()
        if assignee is None:
            raise InvalidInput(_("No such active user."), field="assignee")
        data["assignee"] = assignee
    return data


@mail.get("/addresses", response={200: Page[MailAddressOut], **errors(403, 404)})
def list_addresses(
    request: HttpRequest, page: Query[PageParams], board: PathId | None = None
) -> dict[str, Any]:
    """Every address, or one board's (`board`)."""
    user = acting_user(request)
    require(user, Permission.MANAGE_BOARDS)
    qs = _addresses(user)
    if board:
        qs = qs.filter(board=get_board_for_user(user, board))
    return paginate(qs, page)


@mail.post("/addresses", response={201: MailAddressOut, **errors(403, 404, 409)})
def create_address(request: HttpRequest, payload: MailAddressIn) -> Status[MailAddress]:
    user = acting_user(request)
    board = get_board_for_user(user, payload.board)
    made = services.create_address(by=user, board=board, data=_data(payload, board))
    return Status(201, _address(user, made.pk))


@mail.patch("/addresses/{id}", response={200: MailAddressOut, **errors(403, 404, 409)})
def update_address(request: HttpRequest, id: PathId, payload: MailAddressPatch) -> MailAddress:
    user = acting_user(request)
    found = _address(user, id)
    services.update_address(found, by=user, data=_data(payload, found.board))
    return _address(user, id)


@mail.delete("/addresses/{id}", response={204: None, **errors(403, 404)})
def delete_address(request: HttpRequest, id: PathId) -> Status[None]:
    user = acting_user(request)
    services.delete_address(_address(user, id), by=user)
    return Status(204, None)


def _messages(user: User) -> QuerySet[InboundMessage]:
    require(user, Permission.MANAGE_MAIL)
    return InboundMessage.objects.select_related("address").order_by("-received_at", "-id")


def _message(user: User, pk: int) -> InboundMessage:
    found = _messages(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Not found."))
    return found


@mail.get("/messages", response={200: Page[InboundMessageOut], **errors(403)})
def list_messages(
    request: HttpRequest,
    page: Query[PageParams],
    status: MessageStatus | None = None,
    q: SearchText = "",
    item: PathId | None = None,
) -> dict[str, Any]:
    """Newest first. `status` (e.g. quarantined), `q` (in the sender and the subject), `item`."""
    qs = _messages(acting_user(request))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(sender_email__icontains=q) | Q(sender_name__icontains=q) | Q(subject__icontains=q))
    if item:
        qs = qs.filter(item_id=item)
    return paginate(qs, page)


@mail.get("/messages/{id}", response={200: InboundMessageOut, **errors(403, 404)})
def get_message(request: HttpRequest, id: PathId) -> InboundMessage:
    return _message(acting_user(request), id)


@mail.post("/messages/{id}/reprocess", response={200: InboundMessageOut, **errors(403, 404)})
def reprocess_message(request: HttpRequest, id: PathId) -> InboundMessage:
    """Run a quarantined or rejected message through the gateway again (the rate limit aside)."""
    user = acting_user(request)
    services.reprocess(_message(user, id), by=user)
    return _message(user, id)


@mail.get("/messages/{id}/raw", response={200: None, **errors(403, 404)})
def raw_message(request: HttpRequest, id: PathId) -> FileResponse:
    """The message exactly as received (message/rfc822)."""
    found = _message(acting_user(request), id)
    try:
        handle = found.raw.open("rb")
    except (OSError, ValueError):
        raise NotFound(_("The message is missing from the storage.")) from None
    return FileResponse(
        handle, as_attachment=True, filename=f"message-{found.pk}.eml", content_type="message/rfc822"
    )


@mail.get("/replies", response={200: Page[SentReplyOut], **errors(404)})
def list_replies(request: HttpRequest, item: PathId, page: Query[PageParams]) -> dict[str, Any]:
    """The replies e-mailed from an item, oldest first."""
    found = get_item_for_user(acting_user(request), item)
    return paginate(found.sent_messages.select_related("sent_by").order_by("created_at", "id"), page)


@mail.get("/replies/recipients", response={200: list[ReplyRecipientOut], **errors(404)})
def reply_recipients(request: HttpRequest, item: PathId) -> list[dict[str, Any]]:
    """Whom a reply from the item may go to, the default first: the sender of the mail that made
    it, its contacts; then, only when named in `to`, a Reply-To or a later sender it does not
    know. Empty when the item did not come by mail through an address that still takes mail."""
    offered = recipients.reply_recipients(get_item_for_user(acting_user(request), item))
    default = offered.default
    return [
        {"address": c.address, "name": c.name, "why": c.why, "label": c.label, "default": c is default}
        for c in offered.choices
    ]


@mail.post("/replies", response={201: SentReplyOut, **errors(403, 404, 409)})
def send_reply(request: HttpRequest, payload: ReplyIn) -> Status[SentMessage]:
    """E-mail a reply from the item's board address to `to`, one of its offered recipients, by
    default the sender of the mail that made the item (422 for an address not offered, 409 when it
    did not come by mail); it is also the item's comment, and their answer threads back."""
    user = acting_user(request)
    item = get_item_for_user(user, payload.item)
    sent = services.email_reply(item, by=user, body=payload.body, to=payload.to)
    return Status(201, SentMessage.objects.select_related("sent_by").get(pk=sent.pk))
