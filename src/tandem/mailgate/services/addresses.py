"""The addresses whose mail becomes items on a board: each with its item type, labels, assignee,
sender policy and receipt; at most one catch-all for mail to no address of its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.contacts.normalize import normalize_email
from tandem.core.errors import Conflict, InvalidInput
from tandem.core.text import latin_commas
from tandem.mailgate import replies
from tandem.mailgate.models import MailAddress, SenderPolicy
from tandem.mailgate.verbs import MailVerb
from tandem.work.models import Board, ItemType, Label

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
        record(
            by=by,
            verb=MailVerb.ADDED_MAIL_ADDRESS,
            target=board,
            changes={"address": mail_address.address},
        )
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
            record(
                by=by,
                verb=MailVerb.CHANGED_MAIL_ADDRESS,
                target=current.board,
                changes={"address": current.address, **changes},
            )
    return current


def delete_address(mail_address: MailAddress, *, by: User) -> None:
    """Mail to it is refused from now on; the messages it received stay, with their items."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        board = mail_address.board
        address = mail_address.address
        mail_address.delete()
        record(
            by=by,
            verb=MailVerb.REMOVED_MAIL_ADDRESS,
            target=board,
            changes={"address": address},
        )
