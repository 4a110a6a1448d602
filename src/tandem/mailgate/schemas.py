from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from tandem.accounts.schemas import UserRef
from tandem.core.api.types import NoNul, RecordId
from tandem.mailgate.models import MessageStatus, SenderPolicy
from tandem.work.models import ItemType

Address = Annotated[str, Field(min_length=3, max_length=254), NoNul]
Domains = Annotated[str, Field(max_length=500), NoNul]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MailAddressIn(_Input):
    address: Address = Field(
        description="Mail to it becomes an item on the board, e.g. invoices@example.com."
    )
    board: RecordId
    item_type: ItemType | None = Field(None, description="null: the board's default type.")
    labels: list[RecordId] = Field(
        default_factory=list, description="Labels of the board (or of every board)."
    )
    assignee: RecordId | None = None
    senders: SenderPolicy = SenderPolicy.ANYONE
    domains: Domains = Field("", description="For senders=domain; empty: the address's own domain.")
    catch_all: bool = Field(
        False, description="Also take mail for addresses no board has (one address at most)."
    )
    active: bool = True


class MailAddressPatch(_Input):
    address: Address | None = None
    item_type: ItemType | None = None
    labels: list[RecordId] | None = None
    assignee: RecordId | None = None
    senders: SenderPolicy | None = None
    domains: Domains | None = None
    catch_all: bool | None = None
    acknowledge: bool | None = None
    active: bool | None = None


class MailAddressOut(Schema):
    id: int
    address: str
    board: int
    item_type: str | None
    labels: list[int]
    assignee: UserRef | None
    senders: str
    domains: str
    catch_all: bool
    acknowledge: bool
    active: bool

    @staticmethod
    def resolve_board(obj: Any) -> int:
        return int(obj.board_id)

    @staticmethod
    def resolve_item_type(obj: Any) -> str | None:
        return obj.item_type or None

    @staticmethod
    def resolve_labels(obj: Any) -> list[int]:
        return sorted(label.pk for label in obj.labels.all())


class InboundMessageOut(Schema):
    id: int
    received_at: datetime
    processed_at: datetime | None
    status: MessageStatus
    reason: str
    sender_email: str
    sender_name: str
    subject: str
    message_id: str
    via: str
    recipients: list[str]
    address: str | None
    item: int | None
    comment: int | None
    person: int | None
    organization: int | None
    automatic: str
    size: int
    raw: str = Field(description="Where to download the message as received (.eml).")
    sender_verified: bool = Field(
        description="Whether the From's domain vouched for it (DMARC, or an aligned DKIM signature)."
    )
    verification: str = Field(
        description='How it was verified or why not, e.g. "dkim=pass d=example.com", "unverified: no signature".'
    )

    @staticmethod
    def resolve_address(obj: Any) -> str | None:
        return obj.address.address if obj.address_id else None

    @staticmethod
    def resolve_item(obj: Any) -> int | None:
        return obj.item_id

    @staticmethod
    def resolve_comment(obj: Any) -> int | None:
        return obj.comment_id

    @staticmethod
    def resolve_person(obj: Any) -> int | None:
        return obj.person_id

    @staticmethod
    def resolve_organization(obj: Any) -> int | None:
        return obj.organization_id

    @staticmethod
    def resolve_raw(obj: Any) -> str:
        return f"/api/v1/mail/messages/{obj.pk}/raw"


class ReplyIn(_Input):
    item: RecordId
    body: Annotated[str, Field(min_length=1, max_length=50_000), NoNul]
    to: Address | None = Field(
        None,
        description="One of the item's offered recipients (GET /mail/replies/recipients); "
        "null or absent: the default, the sender of the mail that made the item.",
    )


class ReplyRecipientOut(Schema):
    address: str
    name: str
    why: Literal["sender", "contact", "reply_to", "new_sender"] = Field(
        description="sender: the From of the mail that made the item; contact: an e-mail address of "
        "a person or organization on the item; reply_to: a message's Reply-To that is not its sender; "
        "new_sender: the sender of a later message, unknown to the item otherwise."
    )
    label: str = Field(description="What the item page shows for it, in the reader's language.")
    default: bool = Field(
        description="Where a reply goes when `to` is not given (only `sender` or `contact` ever is)."
    )


class SentReplyOut(Schema):
    id: int
    item: int
    comment: int | None
    to: str
    from_address: str
    subject: str
    body: str
    message_id: str
    status: str
    automatic: bool
    sent_by: UserRef | None
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_item(obj: Any) -> int:
        return int(obj.item_id)

    @staticmethod
    def resolve_comment(obj: Any) -> int | None:
        return obj.comment_id
