"""What the API reads and writes for boards, columns, labels, items, links and comments.

Input schemas forbid unknown fields and use strict types, as the customer schemas do: a typo or a
number sent as text is a 422 naming the field. Relations are sent as ids and answered as small
references."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from tandem.accounts.schemas import UserRef
from tandem.core.api.types import NoNul, RecordId
from tandem.work.models import (
    ColumnKind,
    Item,
    ItemState,
    ItemType,
    LinkKind,
    Priority,
    SumField,
    TeamNotifications,
)

Title = Annotated[str, Field(strict=True, min_length=1, max_length=255), NoNul]
Name100 = Annotated[str, Field(strict=True, min_length=1, max_length=100), NoNul]
Name150 = Annotated[str, Field(strict=True, min_length=1, max_length=150), NoNul]
Text = Annotated[str, Field(strict=True, max_length=50_000), NoNul]
Short = Annotated[str, Field(strict=True, max_length=300), NoNul]
Prefix = Annotated[str, Field(strict=True, max_length=100), NoNul]
Color = Annotated[str, Field(strict=True, pattern=r"^#[0-9a-fA-F]{6}$")]
Ids = Annotated[list[RecordId], Field(max_length=50)]
Hours = Annotated[Decimal, Field(ge=0, lt=10_000_000, max_digits=9, decimal_places=2)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


class LabelOut(Schema):
    id: int
    name: str
    scope: str
    color: str
    description: str
    board: int | None = Field(description="The board's id; null for a label of every board.")

    @staticmethod
    def resolve_board(obj: Any) -> int | None:
        return int(obj.board_id) if obj.board_id else None


class LabelIn(_Input):
    name: Name100 = Field(description="scope::value for a scoped label, e.g. sales::qualified.")
    color: Color = "#6c757d"
    description: Short = ""
    board: RecordId | None = Field(None, description="The board the label belongs to; null: every board.")


class LabelPatch(_Input):
    name: Name100 = ""
    color: Color = "#6c757d"
    description: Short = ""


class BoardIn(_Input):
    name: Name150
    description: Text = ""
    team: RecordId | None = None
    default_type: ItemType = ItemType.TASK
    title_prefix: Prefix = Field("", description="Put in front of every new item's title.")
    sum_field: SumField = SumField.NONE
    team_notifications: TeamNotifications = Field(
        TeamNotifications.ASSIGNMENTS, description="What the board's team is notified of."
    )
    private: bool = Field(
        False, description="Only the team's members and admins see the board (needs a `team`; else 422)."
    )
    stages: Annotated[
        list[Annotated[str, Field(strict=True, min_length=1, max_length=50), NoNul]], Field(max_length=20)
    ] = Field([], description="A column per stage, in order, between Open and Closed (labels scope::stage).")
    scope: Annotated[str, Field(strict=True, max_length=40), NoNul] = Field(
        "", description="The stage labels' scope."
    )


class BoardPatch(_Input):
    version: RecordId | None = Field(None, description="The version you edited; or send If-Match.")
    name: Name150 = ""
    description: Text = ""
    team: RecordId | None = None
    default_type: ItemType = ItemType.TASK
    title_prefix: Prefix = ""
    sum_field: SumField = SumField.NONE
    team_notifications: TeamNotifications = TeamNotifications.ASSIGNMENTS
    private: bool = Field(False, description="Only the team's members and admins see the board.")


class BoardOut(Schema):
    id: int
    version: int
    name: str
    description: str
    team: Ref | None
    default_type: ItemType
    title_prefix: str
    sum_field: str
    team_notifications: TeamNotifications
    private: bool = Field(description="Only the members of `team` and admins see the board.")
    archived_at: datetime | None
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())


class ColumnOut(Schema):
    id: int
    name: str
    kind: ColumnKind
    label: LabelOut | None
    position: int
    wip_limit: int | None
    count: int = Field(0, description="Items in the column.")
    total: Decimal | None = Field(None, description="The board's column sum, when it has one.")


class ColumnIn(_Input):
    kind: ColumnKind = ColumnKind.LABEL
    label: RecordId | None = Field(None, description="For a label column: the label's id.")
    name: Annotated[str, Field(strict=True, max_length=100), NoNul] = ""
    wip_limit: Annotated[int, Field(strict=True, ge=1, le=100_000)] | None = None


class ColumnPatch(_Input):
    name: Name100 = ""
    wip_limit: Annotated[int, Field(strict=True, ge=1, le=100_000)] | None = None
    position: Annotated[int, Field(strict=True, ge=0, le=1000)] = 0


class Progress(Schema):
    total: int
    closed: int


class ItemRef(Schema):
    id: int
    reference: str
    title: str
    state: ItemState
    url: str

    @staticmethod
    def resolve_url(obj: Item) -> str:
        return obj.get_absolute_url()


class ItemListOut(Schema):
    id: int
    reference: str
    version: int
    board: Ref
    column: Ref | None
    type: ItemType
    title: str
    state: ItemState
    priority: Priority
    due_date: date | None
    estimate: Decimal | None
    parent: int | None
    labels: list[LabelOut]
    assignees: list[UserRef]
    is_blocked: bool
    progress: Progress
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_parent(obj: Item) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_labels(obj: Any) -> list[Any]:
        # lists read for a whole page at once (queries.prefetch_cards), else the item's own
        return list(obj.label_list if hasattr(obj, "label_list") else obj.labels.all())

    @staticmethod
    def resolve_assignees(obj: Any) -> list[Any]:
        return list(obj.assignee_list if hasattr(obj, "assignee_list") else obj.assignees.all())

    @staticmethod
    def resolve_progress(obj: Any) -> dict[str, int]:
        return {"total": getattr(obj, "children_total", 0), "closed": getattr(obj, "children_closed", 0)}

    @staticmethod
    def resolve_url(obj: Item) -> str:
        return obj.get_absolute_url()


class ItemOut(ItemListOut):
    description: str
    description_html: str = Field(description="The description rendered from Markdown, sanitised.")
    start_date: date | None
    watchers: list[UserRef]
    organizations: list[Ref]
    people: list[Ref]
    created_by: UserRef | None
    closed_at: datetime | None
    closed_by: UserRef | None

    @staticmethod
    def resolve_watchers(obj: Item) -> list[Any]:
        return list(obj.watchers.all())

    @staticmethod
    def resolve_organizations(obj: Item) -> list[dict[str, Any]]:
        return [{"id": o.pk, "name": o.name} for o in obj.organizations.all()]

    @staticmethod
    def resolve_people(obj: Item) -> list[dict[str, Any]]:
        return [{"id": p.pk, "name": p.full_name} for p in obj.people.all()]

    @staticmethod
    def resolve_description_html(obj: Any) -> str:
        return str(getattr(obj, "description_html", ""))


class _ItemFields(_Input):
    description: Text = ""
    type: ItemType = ItemType.TASK
    priority: Priority = Priority.NONE
    start_date: date | None = None
    due_date: date | None = None
    estimate: Hours | None = None
    parent: RecordId | None = Field(None, description="The id of the item this one is part of.")
    assignees: Ids = []
    watchers: Ids = []
    labels: Ids = Field([], description="Label ids; of two labels of one scope the later one stays.")
    organizations: Ids = []
    people: Ids = []


class ItemIn(_ItemFields):
    board: RecordId = Field(description="The board's id.")
    title: Title = Field(description="The board's title prefix is put in front.")


class ItemPatch(_ItemFields):
    """Only the fields sent change; lists replace what was there."""

    version: RecordId | None = Field(None, description="The version you edited; or send If-Match.")
    title: Title = ""


class MoveIn(_Input):
    column: RecordId
    after: RecordId | None = Field(None, description="Put the item just below this item.")
    before: RecordId | None = Field(None, description="Put the item just above this item (when no `after`).")


class LinkIn(_Input):
    kind: LinkKind = Field(description="blocks: this item blocks the target; relates_to: they are related.")
    target: RecordId


class LinkOut(Schema):
    id: int
    kind: str = Field(description="blocks, blocked_by or relates_to, seen from this item.")
    item: ItemRef | None = Field(
        description="The item at the other end; null when it is on a private board you may not see."
    )
    private: bool = Field(False, description="The other end is a private item you may not see.")


class LinksOut(Schema):
    blocks: list[LinkOut]
    blocked_by: list[LinkOut]
    relates_to: list[LinkOut]


class CommentIn(_Input):
    body: Annotated[str, Field(strict=True, min_length=1, max_length=50_000), NoNul]


class CommentOut(Schema):
    id: int
    author: UserRef | None
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None

    @staticmethod
    def resolve_body_html(obj: Any) -> str:
        return str(getattr(obj, "body_html", ""))


class ColumnPage(Schema):
    items: list[ItemListOut]
    next_after: str | None = Field(description="Pass as `after` for the next page; null at the end.")


BulkAction = Literal["assign", "unassign", "label", "unlabel", "move", "close", "reopen"]


class BulkIn(_Input):
    items: Annotated[list[RecordId], Field(min_length=1, max_length=200)]
    action: BulkAction
    value: RecordId | None = Field(None, description="The user, label or column id the action needs.")


class BulkOut(Schema):
    changed: int


class FileOut(Schema):
    """A file on an item; `download` is the API path that serves its bytes."""

    id: int
    name: str
    content_type: str
    size: int
    inline: bool
    uploaded_by: UserRef | None
    uploaded_at: datetime
    download: str

    @staticmethod
    def resolve_download(obj: Any) -> str:
        return f"/api/v1/items/{obj.item_id}/files/{obj.pk}"
