"""/api/v1/boards, /api/v1/labels and /api/v1/items. Endpoints translate HTTP only: ids become
records (a 422 naming the field when one names nothing), reads go through work.queries and
work.filters, every write through work.services — so the blocking-close rule and the others hold
here as everywhere."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import BaseModel

from tandem.accounts.auth import acting_user
from tandem.accounts.models import Team, User
from tandem.accounts.roles import Permission, require
from tandem.activity.models import HistoryEntry
from tandem.activity.queries import mask_private_links
from tandem.activity.schemas import HistoryOut
from tandem.contacts.models import Organization, Person
from tandem.core.api.concurrency import IfMatch, edit_precondition, set_etag, stale_as_412
from tandem.core.api.errors import errors
from tandem.core.api.pagination import Page, PageParams, paginate
from tandem.core.api.types import Int64, NoNul, PathId
from tandem.core.errors import InvalidInput, NotFound
from tandem.work import markdown, queries, services
from tandem.work.filters import ItemFilters
from tandem.work.models import Board, Column, Comment, Item, ItemFile, ItemLink, Label, LinkKind
from tandem.work.schemas import (
    BoardIn,
    BoardOut,
    BoardPatch,
    BulkIn,
    BulkOut,
    ColumnIn,
    ColumnOut,
    ColumnPage,
    ColumnPatch,
    CommentIn,
    CommentOut,
    FileOut,
    ItemIn,
    ItemListOut,
    ItemOut,
    ItemPatch,
    LabelIn,
    LabelOut,
    LabelPatch,
    LinkIn,
    LinksOut,
    MoveIn,
)

boards = Router(tags=["Boards"])
labels = Router(tags=["Labels"])
items = Router(tags=["Items"])


# --- Ids to records ---------------------------------------------------------------------------


def _many[M: (User, Label, Organization, Person)](
    model: type[M], ids: list[int], field: str, queryset: QuerySet[M] | None = None
) -> list[M]:
    """The records the ids name, in the order sent; a 422 naming `field` if one names nothing."""
    found = {
        record.pk: record
        for record in (queryset if queryset is not None else model.objects.all()).filter(pk__in=ids)
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(
            _("No such record: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)}, field=field
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _item_data(payload: BaseModel, board: Board, *, user: User) -> dict[str, Any]:
    """What the client sent, as the services take it: only the fields present change."""
    data = payload.model_dump(exclude_unset=True, exclude={"version", "board"})
    if "assignees" in data:
        data["assignees"] = _many(User, data["assignees"], "assignees", User.objects.filter(is_active=True))
    if "watchers" in data:
        data["watchers"] = _many(User, data["watchers"], "watchers", User.objects.filter(is_active=True))
    if "labels" in data:
        data["labels"] = _many(Label, data["labels"], "labels", queries.labels_for_board(board))
    if "organizations" in data:
        data["organizations"] = _many(
            Organization,
            data["organizations"],
            "organizations",
            Organization.objects.filter(merged_into__isnull=True),
        )
    if "people" in data:
        data["people"] = _many(
            Person, data["people"], "people", Person.objects.filter(merged_into__isnull=True)
        )
    if data.get("parent") is not None:
        parent = queries.items_visible_to(user).filter(pk=data["parent"]).first()
        if parent is None:
            raise InvalidInput(_("There is no such item."), field="parent")
        data["parent"] = parent
    return data


def _item(user: User, pk: int) -> Item:
    return queries.get_item_for_user(user, pk)


def _item_out(request: HttpRequest, response: HttpResponse, pk: int) -> Item:
    """The item as it is now, with its rendered description, card data and ETag."""
    item = queries.get_item_for_user(acting_user(request), pk)
    item.description_html = markdown.render(  # type: ignore[attr-defined]
        item.description, references=queries.references_for(acting_user(request)), mentions=queries.mentions
    )
    (counted,) = queries.with_progress(Item.objects.filter(pk=pk))
    item.children_total, item.children_closed = counted.children_total, counted.children_closed  # type: ignore[attr-defined]
    set_etag(response, item.version)
    return item


def _board(user: User, pk: int) -> Board:
    return queries.get_board_for_user(user, pk)


def _column(board: Board, pk: int) -> Column:
    column = board.columns.select_related("label").filter(pk=pk).first()
    if column is None:
        raise NotFound(_("This board has no such column."))
    return column


# --- Boards -----------------------------------------------------------------------------------


@boards.get("", response={200: Page[BoardOut], **errors()})
def list_boards(request: HttpRequest, page: Query[PageParams], archived: bool = False) -> dict[str, Any]:
    """Active boards by name (archived ones with `archived=true`)."""
    return paginate(queries.boards_for(acting_user(request), archived=archived).select_related("team"), page)


@boards.post("", response={201: BoardOut, **errors(403)})
def create_board(request: HttpRequest, payload: BoardIn, response: HttpResponse) -> Status[Board]:
    """With `stages`, each becomes a label `scope::stage` and a column between Open and Closed."""
    user = acting_user(request)
    require(user, Permission.MANAGE_BOARDS)
    data = payload.model_dump(exclude={"stages", "scope"})
    data["team"] = Team.objects.filter(pk=data["team"]).first() if data["team"] else None
    if payload.team and data["team"] is None:
        raise InvalidInput(_("There is no such team."), field="team")
    board = services.create_board_with_stages(by=user, data=data, stages=payload.stages, scope=payload.scope)
    set_etag(response, board.version)
    response["Location"] = f"{request.path.rstrip('/')}/{board.pk}"
    return Status(201, board)


@boards.get("/{id}", response={200: BoardOut, **errors(404)})
def get_board(request: HttpRequest, id: PathId, response: HttpResponse) -> Board:
    board = _board(acting_user(request), id)
    set_etag(response, board.version)
    return board


@boards.patch("/{id}", response={200: BoardOut, **errors(403, 404, 409, 412, 428)})
def update_board(
    request: HttpRequest, id: PathId, payload: BoardPatch, response: HttpResponse, if_match: IfMatch = None
) -> Board:
    user = acting_user(request)
    board = _board(user, id)
    require(user, Permission.MANAGE_BOARDS)
    precondition = edit_precondition(if_match, payload.version)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "team" in data:
        team = Team.objects.filter(pk=data["team"]).first() if data["team"] else None
        if data["team"] and team is None:
            raise InvalidInput(_("There is no such team."), field="team")
        data["team"] = team
    with stale_as_412(precondition.from_header):
        board = services.update_board(board, by=user, version=precondition.version, data=data)
    set_etag(response, board.version)
    return board


@boards.post("/{id}/archive", response={200: BoardOut, **errors(403, 404)})
def archive_board(request: HttpRequest, id: PathId) -> Board:
    user = acting_user(request)
    return services.archive_board(_board(user, id), by=user)


@boards.post("/{id}/restore", response={200: BoardOut, **errors(403, 404)})
def restore_board(request: HttpRequest, id: PathId) -> Board:
    user = acting_user(request)
    return services.restore_board(_board(user, id), by=user)


@boards.get("/{id}/columns", response={200: list[ColumnOut], **errors(404)})
def list_columns(request: HttpRequest, id: PathId) -> list[dict[str, Any]]:
    """The columns in board order, each with its item count (and the board's sum, if it has one)."""
    user = acting_user(request)
    board = _board(user, id)
    views = queries.board_columns(board, ItemFilters(), user=user)
    return [
        {**{f: getattr(v.column, f) for f in ("id", "name", "kind", "label", "position", "wip_limit")},
         "count": v.count, "total": v.total}
        for v in views
    ]  # fmt: skip


@boards.post("/{id}/columns", response={201: ColumnOut, **errors(403, 404)})
def add_column(request: HttpRequest, id: PathId, payload: ColumnIn) -> Status[Column]:
    user = acting_user(request)
    board = _board(user, id)
    spec: dict[str, Any] = payload.model_dump()
    if payload.label is not None:
        spec["label"] = _many(Label, [payload.label], "label", queries.labels_for_board(board))[0]
    column = services.add_column(board, by=user, spec=spec)
    return Status(201, column)


@boards.patch("/{id}/columns/{column_id}", response={200: ColumnOut, **errors(403, 404)})
def update_column(request: HttpRequest, id: PathId, column_id: PathId, payload: ColumnPatch) -> Column:
    user = acting_user(request)
    column = _column(_board(user, id), column_id)
    return services.update_column(column, by=user, data=payload.model_dump(exclude_unset=True))


@boards.delete("/{id}/columns/{column_id}", response={204: None, **errors(403, 404)})
def delete_column(request: HttpRequest, id: PathId, column_id: PathId) -> Status[None]:
    user = acting_user(request)
    services.delete_column(_column(_board(user, id), column_id), by=user)
    return Status(204, None)


@boards.get("/{id}/columns/{column_id}/items", response={200: ColumnPage, **errors(404)})
def column_items(
    request: HttpRequest,
    id: PathId,
    column_id: PathId,
    after: Annotated[str, NoNul] = "",
    limit: Int64 = queries.CARDS_PER_PAGE,
) -> dict[str, Any]:
    """A column's items in board order, 50 at a time: pass `next_after` back as `after`."""
    user = acting_user(request)
    board = _board(user, id)
    limit = max(1, min(limit, 200))
    cards, more = queries.column_cards(
        board, _column(board, column_id), ItemFilters(), user=user, after=after[:64], limit=limit
    )
    return {"items": cards, "next_after": cards[-1].rank if more and cards else None}


# --- Labels -----------------------------------------------------------------------------------


@labels.get("", response={200: Page[LabelOut], **errors(404)})
def list_labels(request: HttpRequest, page: Query[PageParams], board: PathId | None = None) -> dict[str, Any]:
    """All labels, or those a board's items may carry (`board`: its own and the global ones)."""
    user = acting_user(request)
    require(user, Permission.VIEW_WORK)
    qs = (
        queries.labels_for_board(_board(user, board))
        if board
        else queries.labels_for(user).order_by("name", "id")
    )
    return paginate(qs, page)


@labels.post("", response={201: LabelOut, **errors(403, 404)})
def create_label(request: HttpRequest, payload: LabelIn) -> Status[Label]:
    user = acting_user(request)
    board = _board(user, payload.board) if payload.board else None
    label = services.create_label(by=user, board=board, data=payload.model_dump(exclude={"board"}))
    return Status(201, label)


def _label(user: User, pk: int) -> Label:
    require(user, Permission.VIEW_WORK)
    label = queries.labels_for(user).filter(pk=pk).first()
    if label is None:
        raise NotFound(_("Not found."))
    return label


@labels.patch("/{id}", response={200: LabelOut, **errors(403, 404)})
def update_label(request: HttpRequest, id: PathId, payload: LabelPatch) -> Label:
    user = acting_user(request)
    return services.update_label(_label(user, id), by=user, data=payload.model_dump(exclude_unset=True))


@labels.delete("/{id}", response={204: None, **errors(403, 404, 409)})
def delete_label(request: HttpRequest, id: PathId) -> Status[None]:
    user = acting_user(request)
    services.delete_label(_label(user, id), by=user)
    return Status(204, None)


# --- Items ------------------------------------------------------------------------------------


@items.get("", response={200: Page[ItemListOut], **errors()})
def list_items(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Filters, as on the board: `board`, `column`, `label` (repeat for several: all must match),
    `assignee` (an id, `me` or `none`), `state` (open, closed, all), `type`, `due` (overdue, today,
    week, month, none), `due_after` / `due_before` (YYYY-MM-DD), `q` (text or #number), `parent`,
    `ordering` (rank, created, -created, updated, -updated, due, -due, priority, -priority, title,
    -title, id, -id; default: newest first)."""
    user = acting_user(request)
    filters = ItemFilters.parse(request.GET)
    qs = filters.order(filters.apply(queries.items_for(user), user=user), default="-id")
    result = paginate(qs.select_related("board", "column"), page)
    queries.prefetch_cards(result["items"])
    return result


@items.post("", response={201: ItemOut, **errors(403, 409)})
def create_item(request: HttpRequest, payload: ItemIn, response: HttpResponse) -> Status[Item]:
    """`board` and `title` are required; the board's title prefix and default type apply."""
    user = acting_user(request)
    require(user, Permission.EDIT_WORK)
    board = queries.visible_boards(user).filter(pk=payload.board).first()
    if board is None:
        raise InvalidInput(_("There is no such board."), field="board")
    data = _item_data(payload, board, user=user)
    data.setdefault("type", board.default_type)
    data["title"] = payload.title
    item = services.create_item(by=user, board=board, data=data)
    response["Location"] = f"{request.path.rstrip('/')}/{item.pk}"
    return Status(201, _item_out(request, response, item.pk))


# before the /{id} routes, which would take "bulk" for an id
@items.post("/bulk", response={200: BulkOut, **errors(403, 409)})
def bulk(request: HttpRequest, payload: BulkIn) -> dict[str, int]:
    """One action on many items, all or nothing (a refused close names every blocked item)."""
    user = acting_user(request)
    require(user, Permission.EDIT_WORK)
    chosen = list(queries.items_for(user).filter(pk__in=payload.items))
    if len(chosen) != len(set(payload.items)):
        raise InvalidInput(_("Some of these items do not exist."), field="items")
    value: Any = None
    if payload.action in {"assign", "unassign"}:
        value = _many(User, [payload.value or 0], "value", User.objects.filter(is_active=True))[0]
    elif payload.action in {"label", "unlabel"}:
        value = _many(Label, [payload.value or 0], "value")[0]
    elif payload.action == "move":
        value = Column.objects.filter(pk=payload.value or 0).first()
        if value is None:
            raise InvalidInput(_("There is no such column."), field="value")
    return {"changed": services.bulk_update(chosen, by=user, action=payload.action, value=value)}


@items.get("/{id}", response={200: ItemOut, **errors(404)})
def get_item(request: HttpRequest, id: PathId, response: HttpResponse) -> Item:
    """The ETag header carries the version to send back with an edit."""
    return _item_out(request, response, id)


@items.patch("/{id}", response={200: ItemOut, **errors(403, 404, 409, 412, 428)})
def update_item(
    request: HttpRequest, id: PathId, payload: ItemPatch, response: HttpResponse, if_match: IfMatch = None
) -> Item:
    """Only the fields sent change. Name the version you edited (`version` or If-Match)."""
    user = acting_user(request)
    item = _item(user, id)
    require(user, Permission.EDIT_WORK)
    precondition = edit_precondition(if_match, payload.version)
    with stale_as_412(precondition.from_header):
        services.update_item(
            item, by=user, version=precondition.version, data=_item_data(payload, item.board, user=user)
        )
    return _item_out(request, response, id)


@items.post("/{id}/move", response={200: ItemOut, **errors(403, 404, 409)})
def move_item(request: HttpRequest, id: PathId, payload: MoveIn, response: HttpResponse) -> Item:
    """To a column (its label or state follows), below `after` or above `before` (neither: the top).
    Moving to Closed is refused with 409 while an open item blocks this one."""
    user = acting_user(request)
    item = _item(user, id)
    column = item.board.columns.filter(pk=payload.column).first()
    if column is None:
        raise InvalidInput(_("The item's board has no such column."), field="column")

    def anchor(pk: int | None, field: str) -> Item | None:
        if pk is None:
            return None
        found = Item.objects.filter(pk=pk, board=item.board).first()
        if found is None:
            raise InvalidInput(_("That item is not on this board."), field=field)
        return found

    services.move_item(
        item,
        by=user,
        column=column,
        after=anchor(payload.after, "after"),
        before=anchor(payload.before, "before"),
    )
    return _item_out(request, response, id)


@items.post("/{id}/close", response={200: ItemOut, **errors(403, 404, 409)})
def close_item(request: HttpRequest, id: PathId, response: HttpResponse) -> Item:
    """409 `blocked` while open items block this one; `blocking` lists them."""
    user = acting_user(request)
    services.close_item(_item(user, id), by=user)
    return _item_out(request, response, id)


@items.post("/{id}/reopen", response={200: ItemOut, **errors(403, 404)})
def reopen_item(request: HttpRequest, id: PathId, response: HttpResponse) -> Item:
    user = acting_user(request)
    services.reopen_item(_item(user, id), by=user)
    return _item_out(request, response, id)


def _links_out(item: Item, *, user: User) -> dict[str, list[dict[str, Any]]]:
    """An other end on a board the user may not see is `"item": null, "private": true`."""
    links = queries.links_of(item, user=user)

    def out(link: ItemLink, kind: str, other: Item) -> dict[str, Any]:
        if other.hidden:  # type: ignore[attr-defined]
            return {"id": link.pk, "kind": kind, "item": None, "private": True}
        return {"id": link.pk, "kind": kind, "item": other, "private": False}

    return {
        "blocks": [out(link, "blocks", link.target) for link in links.blocks],
        "blocked_by": [out(link, "blocked_by", link.source) for link in links.blocked_by],
        "relates_to": [out(link, "relates_to", other) for link, other in links.relates_to],
    }


@items.get("/{id}/links", response={200: LinksOut, **errors(404)})
def list_links(request: HttpRequest, id: PathId) -> dict[str, Any]:
    user = acting_user(request)
    return _links_out(_item(user, id), user=user)


@items.post("/{id}/links", response={201: LinksOut, **errors(403, 404, 409)})
def add_link(request: HttpRequest, id: PathId, payload: LinkIn) -> Status[dict[str, Any]]:
    """`{"kind": "blocks", "target": 7}`: this item blocks item 7 (which then cannot be closed while
    this one is open). Answers the item's links. 409 for a duplicate or a cycle of `blocks`."""
    user = acting_user(request)
    item = _item(user, id)
    target = queries.items_visible_to(user).filter(pk=payload.target).first()
    if target is None:
        raise InvalidInput(_("There is no such item."), field="target")
    services.link_items(item, target, kind=LinkKind(payload.kind), by=user)
    return Status(201, _links_out(item, user=user))


@items.delete("/{id}/links/{link_id}", response={204: None, **errors(403, 404)})
def delete_link(request: HttpRequest, id: PathId, link_id: PathId) -> Status[None]:
    user = acting_user(request)
    item = _item(user, id)
    link = ItemLink.objects.filter(Q(source=item) | Q(target=item), pk=link_id).first()
    if link is None:
        raise NotFound(_("This item has no such link."))
    services.unlink_items(link, by=user)
    return Status(204, None)


def _rendered(comment: Comment, *, user: User) -> Comment:
    comment.body_html = markdown.render(  # type: ignore[attr-defined]
        comment.body, references=queries.references_for(user), mentions=queries.mentions
    )
    return comment


@items.get("/{id}/comments", response={200: Page[CommentOut], **errors(404)})
def list_comments(request: HttpRequest, id: PathId, page: Query[PageParams]) -> dict[str, Any]:
    user = acting_user(request)
    result = paginate(queries.comments_of(_item(user, id)), page)
    result["items"] = [_rendered(comment, user=user) for comment in result["items"]]
    return result


@items.post("/{id}/comments", response={201: CommentOut, **errors(403, 404)})
def add_comment(request: HttpRequest, id: PathId, payload: CommentIn) -> Status[Comment]:
    """Markdown; `@handle` mentions a user, who starts watching the item."""
    user = acting_user(request)
    comment = services.add_comment(_item(user, id), by=user, body=payload.body)
    return Status(201, _rendered(comment, user=user))


def _comment(user: User, item_id: int, pk: int) -> Comment:
    comment = queries.comments_of(_item(user, item_id)).filter(pk=pk).first()
    if comment is None:
        raise NotFound(_("This item has no such comment."))
    return comment


@items.patch("/{id}/comments/{comment_id}", response={200: CommentOut, **errors(403, 404)})
def edit_comment(request: HttpRequest, id: PathId, comment_id: PathId, payload: CommentIn) -> Comment:
    user = acting_user(request)
    return _rendered(
        services.edit_comment(_comment(user, id, comment_id), by=user, body=payload.body), user=user
    )


@items.delete("/{id}/comments/{comment_id}", response={204: None, **errors(403, 404)})
def delete_comment(request: HttpRequest, id: PathId, comment_id: PathId) -> Status[None]:
    user = acting_user(request)
    services.delete_comment(_comment(user, id, comment_id), by=user)
    return Status(204, None)


@items.get("/{id}/files", response={200: list[FileOut], **errors(404)})
def list_files(request: HttpRequest, id: PathId) -> list[ItemFile]:
    """The item's files (uploads and the attachments of the mail it came from), oldest first."""
    return list(_item(acting_user(request), id).files.select_related("uploaded_by"))


@items.post("/{id}/files", response={201: list[FileOut], **errors(403, 404)})
def add_files(request: HttpRequest, id: PathId, files: File[list[UploadedFile]]) -> Status[list[ItemFile]]:
    """Upload one or more files (multipart/form-data, field `files`), each at most
    TANDEM_MAX_ATTACHMENT bytes; refused whole when one is empty or too big."""
    user = acting_user(request)
    made = services.attach_files(
        _item(user, id),
        by=user,
        files=[services.NewFile.uploaded(upload) for upload in files],
    )
    return Status(201, made)


def _file(user: User, item_id: int, pk: int) -> ItemFile:
    stored = ItemFile.objects.filter(pk=pk, item=_item(user, item_id)).select_related("uploaded_by").first()
    if stored is None:
        raise NotFound(_("This item has no such file."))
    return stored


@items.get("/{id}/files/{file_id}", response={200: None, **errors(404)})
def download_file(request: HttpRequest, id: PathId, file_id: PathId) -> FileResponse:
    """The file's bytes, as an attachment."""
    stored = _file(acting_user(request), id, file_id)
    try:
        handle = stored.file.open("rb")
    except OSError:
        raise NotFound(_("The file is missing from the storage.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@items.delete("/{id}/files/{file_id}", response={204: None, **errors(403, 404)})
def remove_file(request: HttpRequest, id: PathId, file_id: PathId) -> Status[None]:
    user = acting_user(request)
    services.remove_file(_file(user, id, file_id), by=user)
    return Status(204, None)


@items.get("/{id}/history", response={200: Page[HistoryOut], **errors(404)})
def item_history(request: HttpRequest, id: PathId, page: Query[PageParams]) -> dict[str, Any]:
    """Newest first; edits of the title and description keep the old and the new text."""
    user = acting_user(request)
    item = _item(user, id)
    result = paginate(
        HistoryEntry.objects.filter(target_type="item", target_id=item.pk).select_related("actor"), page
    )
    mask_private_links(result["items"], user)  # a link to a private item keeps its title to itself
    return result
