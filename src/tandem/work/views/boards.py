"""The board pages: the kanban, the list with its bulk actions, the settings (columns, labels) and
saved views. Other apps add to a board's header and settings through panels (tandem.core.panels:
the mail gateway shows the board's mail addresses)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.roles import Permission, can
from tandem.core.errors import InvalidInput, ServiceError
from tandem.core.pagination import paginate
from tandem.core.panels import panels_for
from tandem.core.views import go, int_or_none, page_or_partial, posted
from tandem.work import colors, queries, services
from tandem.work.filters import ORDERINGS, ItemFilters
from tandem.work.forms import (
    BoardForm,
    BulkForm,
    ColumnEditForm,
    ColumnForm,
    LabelForm,
    NewBoardForm,
    SaveViewForm,
    active_users,
    show_error,
)
from tandem.work.models import Board, Item, ItemType, SavedView

LIST_PAGE_SIZE = 50


def item_prefix() -> str:
    """`/items/`: cards build their links from it instead of reversing two URLs per card."""
    return reverse("work:item", args=[0]).removesuffix("0/")


def _filters(request: HttpRequest, params: QueryDict | None = None) -> tuple[ItemFilters, str]:
    """The filters in the URL (or in `params`), and a message when one of them means nothing (then:
    no filters)."""
    try:
        return ItemFilters.parse(request.GET if params is None else params), ""
    except InvalidInput as error:
        return ItemFilters(), error.message


def _filter_context(request: HttpRequest, board: Board, filters: ItemFilters) -> dict[str, Any]:
    user = acting_user(request)
    return {
        "filters": filters,
        "filter_query": filters.query_string(),
        "assignee_choices": active_users(),
        "label_choices": queries.labels_for_board(board),
        "saved_views": SavedView.objects.filter(user=user, board=board),
        "save_view_form": SaveViewForm(initial={"query": filters.query_string()}),
        # what other apps show in the header (read only when the page's header shows them, not for
        # a partial refresh)
        "header_panels": panels_for("board", request, board),
    }


# --- Boards ---------------------------------------------------------------------------------


@guarded_view(Permission.VIEW_WORK)
def label_colors(request: HttpRequest) -> HttpResponse:
    """`/labels.css`: a class per label colour (see `tandem.work.colors`). The browser asks again on
    each page (no-cache) and mostly gets 304: a new colour shows on the next page."""
    css = colors.stylesheet()
    etag = '"' + hashlib.sha256(css.encode()).hexdigest()[:32] + '"'
    response: HttpResponse = get_conditional_response(request, etag=etag) or HttpResponse(
        css, content_type="text/css; charset=utf-8"
    )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@guarded_view(Permission.VIEW_WORK)
def board_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    archived = request.GET.get("archived") == "1"
    boards = list(queries.boards_for(user, archived=archived).select_related("team"))
    counts = queries.open_counts([b.pk for b in boards])
    for board in boards:
        board.open_count = counts.get(board.pk, 0)  # type: ignore[attr-defined]
    return render(request, "work/board_list.html", {"boards": boards, "archived": archived, "nav": "boards"})


@guarded_view(Permission.MANAGE_BOARDS)
def board_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = NewBoardForm(posted(request), initial={"default_type": ItemType.TASK})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        stages, scope = data.pop("stages"), data.pop("scope")
        try:
            board = services.create_board_with_stages(by=user, data=data, stages=stages, scope=scope)
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Board “%(name)s” created.") % {"name": board.name})
            return go(request, board.get_absolute_url())
    return render(request, "work/board_form.html", {"form": form, "nav": "boards"})


@guarded_view(Permission.VIEW_WORK)
def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    filters, problem = _filters(request)
    if problem:
        messages.error(request, problem)
    columns = queries.board_view(board, filters, user=user)
    context = {
        "board": board,
        "columns": columns,
        "has_zones": any(view.zone for view in columns),
        "can_edit": can(user, Permission.EDIT_WORK),
        "can_manage": can(user, Permission.MANAGE_BOARDS),
        "item_prefix": item_prefix(),
        "nav": "boards",
        "live_topic": f"board:{board.pk}",
        **_filter_context(request, board, filters),
    }
    return page_or_partial(request, "work/board_detail.html", "work/partials/board_columns.html", context)


@guarded_view(Permission.VIEW_WORK)
def column_page(request: HttpRequest, pk: int, column_pk: int) -> HttpResponse:
    """The next cards of one column, after the rank `after` (the board loads them on scroll)."""
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    column = board.columns.filter(pk=column_pk).first()
    if column is None:
        return HttpResponse(status=404)
    filters, _problem = _filters(request)
    cards, more = queries.column_cards(
        board, column, filters, user=user, after=request.GET.get("after", "")[:64], details=True
    )
    context = {
        "board": board,
        "column": column,
        "cards": cards,
        "more": more,
        "next_after": cards[-1].rank if cards else "",
        "filter_query": filters.query_string(),
        "can_edit": can(user, Permission.EDIT_WORK),
        "item_prefix": item_prefix(),
    }
    return render(request, "work/partials/column_cards.html", context)


def moved_card(request: HttpRequest, item: Item, *, left: int | None) -> dict[str, Any]:
    """What the board shows again after a card was dropped (the drop's JSON answer): the card, its
    labels and figures as they are now (`card`), and the headers of the column it left and of the
    one it entered, counted afresh under the board's filters (`headers`: column id -> HTML)."""
    user = acting_user(request)
    filters, _problem = _filters(request, QueryDict(str(request.POST.get("filters", ""))[:2000]))
    context: dict[str, Any] = {
        "board": item.board,
        "filter_query": filters.query_string(),
        "can_edit": can(user, Permission.EDIT_WORK),
        "item_prefix": item_prefix(),
    }
    ids = [pk for pk in (left, item.column_id) if pk is not None]
    views = queries.board_columns(item.board, filters, user=user, facts=True, only=ids)
    headers = {
        view.column.pk: render_to_string(
            "work/partials/board_column_header.html", {**context, "view": view, "zone": view.zone}, request
        )
        for view in views
    }
    card = render_to_string(
        "work/partials/column_cards.html", {**context, "cards": queries.board_cards([item.pk])}, request
    )
    return {"card": card, "headers": headers}


@guarded_view(Permission.VIEW_WORK)
def board_items(request: HttpRequest, pk: int) -> HttpResponse:
    """The board as a sortable list, with bulk actions."""
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    filters, problem = _filters(request)
    if problem:
        messages.error(request, problem)
    items = filters.order(filters.apply(Item.objects.filter(board=board), user=user), default="rank")
    page = paginate(request, items.select_related("column"), LIST_PAGE_SIZE)
    queries.prefetch_cards(list(page.object_list))
    context = {
        "board": board,
        "page": page,
        "orderings": ORDERINGS,
        "ordering": filters.ordering or "rank",
        "bulk_form": BulkForm(board=board),
        "can_edit": can(user, Permission.EDIT_WORK),
        "nav": "boards",
        **_filter_context(request, board, filters),
    }
    return page_or_partial(request, "work/board_items.html", "work/partials/item_table.html", context)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def board_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    form = BulkForm(request.POST, board=board)
    back = reverse("work:board-items", args=[board.pk]) + "?" + str(request.POST.get("query", ""))[:1000]
    if not form.is_valid():
        messages.error(request, _("Select items and an action (and its value)."))
        return HttpResponseRedirect(back)
    try:
        count = services.bulk_update(
            list(form.cleaned_data["items"]),
            by=user,
            action=form.cleaned_data["action"],
            value=form.cleaned_data["value"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d items changed.") % {"count": count})
    return HttpResponseRedirect(back)


@guarded_view(Permission.MANAGE_BOARDS)
def board_settings(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    form = BoardForm(
        posted(request),
        initial={
            f: getattr(board, f)
            for f in (
                "name",
                "description",
                "default_type",
                "title_prefix",
                "sum_field",
                "team_notifications",
                "private",
            )
        }
        | {"team": board.team_id, "default_assignee": board.default_assignee_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_board(
                board, by=user, version=int_or_none(request.POST.get("version")), data=form.cleaned_data
            )
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Board saved."))
            return go(request, reverse("work:board-settings", args=[board.pk]))
    context = {
        "board": board,
        "form": form,
        "columns": board.columns.select_related("label"),
        "labels": queries.labels_for_board(board),
        "column_form": ColumnForm(board=board),
        "label_form": LabelForm(),
        "nav": "boards",
        "panels": panels_for("board-settings", request, board),
    }
    return render(request, "work/board_settings.html", context)


def _settings(board: Board) -> HttpResponse:
    return HttpResponseRedirect(reverse("work:board-settings", args=[board.pk]))


@guarded_view(Permission.MANAGE_BOARDS)
@require_POST
def board_archive(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    if board.archived_at:
        services.restore_board(board, by=user)
        messages.success(request, _("Board restored."))
        return HttpResponseRedirect(board.get_absolute_url())
    services.archive_board(board, by=user)
    messages.success(request, _("Board archived. Its items stay; find it under archived boards."))
    return HttpResponseRedirect(reverse("work:board-list"))


@guarded_view(Permission.MANAGE_BOARDS)
@require_POST
def column_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    form = ColumnForm(request.POST, board=board)
    if form.is_valid():
        try:
            services.add_column(board, by=user, spec=form.spec())
        except ServiceError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose a label for the column."))
    return _settings(board)


@guarded_view(Permission.MANAGE_BOARDS)
@require_POST
def column_edit(request: HttpRequest, pk: int, column_pk: int) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    column = board.columns.filter(pk=column_pk).first()
    if column is None:
        return HttpResponse(status=404)
    action = request.POST.get("action")
    try:
        if action == "delete":
            services.delete_column(column, by=user)
        elif action in {"left", "right"}:
            ids = list(board.columns.values_list("pk", flat=True))
            index = ids.index(column.pk) + (-1 if action == "left" else 1)
            services.update_column(column, by=user, data={"position": max(index, 0)})
        else:
            form = ColumnEditForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("A column needs a name; a limit is a whole number above zero."))
                return _settings(board)
            services.update_column(column, by=user, data=form.cleaned_data)
    except ServiceError as error:
        messages.error(request, error.message)
    return _settings(board)


@guarded_view(Permission.MANAGE_BOARDS)
@require_POST
def label_save(request: HttpRequest, pk: int, label_pk: int | None = None) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    label = queries.labels_for_board(board).filter(pk=label_pk).first() if label_pk else None
    if label_pk and label is None:
        return HttpResponse(status=404)
    try:
        if label is not None and request.POST.get("action") == "delete":
            services.delete_label(label, by=user)
            return _settings(board)
        form = LabelForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
            return _settings(board)
        if label is None:
            on = None if request.POST.get("everywhere") == "1" else board
            services.create_label(by=user, board=on, data=form.cleaned_data)
        else:
            services.update_label(label, by=user, data=form.cleaned_data)
    except ServiceError as error:
        messages.error(request, error.message)
    return _settings(board)


@guarded_view(Permission.VIEW_WORK)
@require_POST
def view_save(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    form = SaveViewForm(request.POST)
    if form.is_valid():
        view = services.save_view(
            by=user, board=board, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
        )
        messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
        return HttpResponseRedirect(f"{board.get_absolute_url()}?{view.query}")
    messages.error(request, _("Give the view a name."))
    return HttpResponseRedirect(board.get_absolute_url())


@guarded_view(Permission.VIEW_WORK)
@require_POST
def view_delete(request: HttpRequest, pk: int, view_pk: int) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(user, pk)
    view = SavedView.objects.filter(pk=view_pk, user=user, board=board).first()
    if view is not None:
        services.delete_view(view, by=user)
    return HttpResponseRedirect(board.get_absolute_url())
