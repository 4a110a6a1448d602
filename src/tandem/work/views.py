"""The board pages (kanban, list, settings), the item page and its forms. Views translate HTTP only:
reads through tandem.work.queries, every change through tandem.work.services; a refusal (such as
the blocking-close rule) becomes a message on the page, or a 409 with the message for the board's
drag and drop, which puts the card back and shows it."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.roles import Permission, can
from tandem.contacts.queries import organizations_for, people_for
from tandem.core.errors import InvalidInput, ServiceError
from tandem.core.files import serve
from tandem.core.pagination import paginate
from tandem.core.views import go, int_or_none, page_or_partial, posted
from tandem.feeds.views import timeline_context
from tandem.mailgate.views import board_addresses, item_mail
from tandem.notifications.live import record_page
from tandem.work import colors, markdown, queries, services
from tandem.work.filters import ORDERINGS, ItemFilters
from tandem.work.forms import (
    BoardForm,
    BulkForm,
    ColumnEditForm,
    ColumnForm,
    CommentForm,
    ItemForm,
    LabelForm,
    LinkForm,
    MoveForm,
    NewBoardForm,
    SaveViewForm,
    active_users,
    customer_option,
    show_error,
)
from tandem.work.models import Board, Comment, Item, ItemFile, ItemLink, ItemType, SavedView

LIST_PAGE_SIZE = 50


def item_prefix() -> str:
    """`/items/`: cards build their links from it instead of reversing two URLs per card."""
    return reverse("work:item", args=[0]).removesuffix("0/")


def render_markdown(text: str, *, user: Any) -> str:
    return markdown.render(text, references=queries.references_for(user), mentions=queries.mentions)


def _filters(request: HttpRequest) -> tuple[ItemFilters, str]:
    """The filters in the URL, and a message when one of them means nothing (then: no filters)."""
    try:
        return ItemFilters.parse(request.GET), ""
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
        # read only when the page's header shows them (not for a partial refresh)
        "mail_addresses": board.mail_addresses.filter(active=True).order_by("address"),
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
        board, column, filters, user=user, after=request.GET.get("after", "")[:64]
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
        | {"team": board.team_id},
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
        **board_addresses(board),
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


# --- Items ----------------------------------------------------------------------------------


@guarded_view(Permission.VIEW_WORK)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    links = queries.links_of(item, user=user)
    blockers = [link.source for link in links.blocked_by if link.source.is_open]
    comments = list(queries.comments_of(item))
    for comment in comments:
        comment.html = render_markdown(comment.body, user=user)  # type: ignore[attr-defined]
    children = queries.children_of(item, user=user)
    context = {
        "item": item,
        "description_html": render_markdown(item.description, user=user),
        "links": links,
        "open_blockers": blockers,
        "children": children,
        "children_closed": sum(1 for c in children if not c.is_open),
        "comments": comments,
        "files": list(item.files.select_related("uploaded_by")),
        **item_mail(item),
        "comment_form": CommentForm(),
        "link_form": LinkForm(user=user),
        "timeline": timeline_context("item", item, request),
        "move_targets": list(item.board.columns.all()),
        "can_edit": can(user, Permission.EDIT_WORK),
        "is_watching": any(w.pk == user.pk for w in item.watchers.all()),
        "nav": "boards",
        **record_page(request, "item", item),
    }
    return render(request, "work/item_detail.html", context)


@guarded_view(Permission.EDIT_WORK)
def item_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    board = queries.get_board_for_user(
        user, int_or_none(request.GET.get("board") or request.POST.get("board")) or 0
    )
    initial: dict[str, Any] = {"parent": int_or_none(request.GET.get("parent")), "priority": 0}
    for name, param in (("organizations", "organization"), ("people", "person")):
        number = int_or_none(request.GET.get(param))
        initial[name] = [number] if number else []
    form = ItemForm(posted(request), board=board, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(by=user, board=board, data=form.service_data())
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(ref)s created.") % {"ref": item.reference})
            return go(request, item.get_absolute_url())
    return render(request, "work/item_form.html", {"form": form, "board": board, "nav": "boards"})


@guarded_view(Permission.EDIT_WORK)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    initial = {
        **{
            f: getattr(item, f)
            for f in ("title", "type", "description", "priority", "start_date", "due_date", "estimate")
        },
        "parent": item.parent_id,
        "labels": list(item.labels.all()),
        "assignees": list(item.assignees.all()),
        "organizations": list(item.organizations.all()),
        "people": list(item.people.all()),
    }
    form = ItemForm(posted(request), board=item.board, user=user, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(
                item, by=user, version=int_or_none(request.POST.get("version")), data=form.service_data()
            )
        except ServiceError as error:
            show_error(form, error)
        else:
            return go(request, item.get_absolute_url())
    return render(
        request, "work/item_form.html", {"form": form, "board": item.board, "item": item, "nav": "boards"}
    )


def _back(request: HttpRequest, item: Item) -> HttpResponse:
    return HttpResponseRedirect(item.get_absolute_url())


@guarded_view(Permission.EDIT_WORK)
def customer_options(request: HttpRequest) -> HttpResponse:
    """The item form's customer pickers: up to 20 organizations or people matching what was typed."""
    user = acting_user(request)
    kind = request.GET.get("kind")
    # the picker sends what was typed under its own field name
    text = (request.GET.get("q") or request.GET.get(f"add_{kind}") or "").strip()[:100]
    found: list[Any] = []
    if len(text) >= 2:
        search = organizations_for if kind == "organization" else people_for
        found = list(search(user, q=text)[:20])
    return render(
        request, "work/partials/customer_options.html", {"options": [customer_option(r) for r in found]}
    )


@guarded_view(Permission.EDIT_WORK)
@require_POST
def item_state(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Close or reopen. A refused close shows which items block it, with links."""
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    try:
        if action == "close":
            services.close_item(item, by=user)
        else:
            services.reopen_item(item, by=user)
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(request, item)


@guarded_view(Permission.EDIT_WORK)
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A card dropped on the board (answers JSON: 200, or 409/422 with the message to show) or
    moved with the "Move to" menu (redirects back). GET answers the menu itself, which a card
    loads when its "⋯" is used, so the board does not carry a form for every card."""
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    if request.method != "POST":
        shown = urlsplit(request.headers.get("HX-Current-URL", ""))  # the board page, filters and all
        back = (
            f"{shown.path}?{shown.query}"
            if shown.path.startswith("/boards/")
            else item.board.get_absolute_url()
        )
        context = {"item": item, "move_targets": list(item.board.columns.all()), "next": back}
        return render(request, "work/partials/move_menu.html", context)
    form = MoveForm(request.POST, board=item.board)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not form.is_valid():
        message = _("That place is not on this board any more. Reload the board.")
        if wants_json:
            return JsonResponse({"detail": message, "code": "invalid"}, status=422)
        messages.error(request, message)
        return HttpResponseRedirect(item.board.get_absolute_url())
    try:
        moved = services.move_item(
            item,
            by=user,
            column=form.cleaned_data["column"],
            after=form.cleaned_data["after"],
            before=form.cleaned_data["before"],
        )
    except ServiceError as error:
        if wants_json:
            return JsonResponse(
                {"detail": error.message, "code": error.code, "blocking": error.extra.get("blocking", [])},
                status=error.status,
            )
        messages.error(request, error.message)
        return HttpResponseRedirect(request.POST.get("next") or item.board.get_absolute_url())
    if wants_json:
        return JsonResponse(
            {"id": moved.pk, "column": moved.column_id, "state": moved.state, "version": moved.version}
        )
    next_url = request.POST.get("next", "")
    return HttpResponseRedirect(
        next_url
        if next_url.startswith("/") and not next_url.startswith("//")
        else moved.board.get_absolute_url()
    )


@guarded_view(Permission.EDIT_WORK)
@require_POST
def item_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    form = LinkForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(request, item)
    other = form.cleaned_data["target"]
    kind = form.cleaned_data["kind"]
    try:
        if kind == "blocked_by":
            services.link_items(other, item, kind="blocks", by=user)
        else:
            services.link_items(item, other, kind=kind, by=user)
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(request, item)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def item_unlink(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    link = (
        ItemLink.objects.filter(pk=link_pk).filter(source=item).first()
        or ItemLink.objects.filter(pk=link_pk, target=item).first()
    )
    if link is not None:
        services.unlink_items(link, by=user)
    return _back(request, item)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def item_comment(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(item, by=user, body=form.cleaned_data["body"])
        except ServiceError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Write a comment first."))
    return HttpResponseRedirect(item.get_absolute_url() + "#comments")


@guarded_view(Permission.EDIT_WORK)
@require_POST
def comment_edit(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    comment = Comment.objects.filter(pk=comment_pk, item=item).first()
    if comment is None:
        return HttpResponse(status=404)
    try:
        if request.POST.get("action") == "delete":
            services.delete_comment(comment, by=user)
        else:
            services.edit_comment(comment, by=user, body=request.POST.get("body", ""))
    except ServiceError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(item.get_absolute_url() + "#comments")


@guarded_view(Permission.VIEW_WORK)
@require_POST
def item_watch(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    services.watch_item(item, by=user, watching=request.POST.get("watch") == "1")
    return _back(request, item)


# --- Files ----------------------------------------------------------------------------------


@guarded_view(Permission.VIEW_WORK)
def item_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    item = queries.get_item_for_user(acting_user(request), pk)
    stored = ItemFile.objects.filter(pk=file_pk, item=item).first()
    if stored is None:
        raise Http404(_("Not found."))
    inline = request.GET.get("download") is None
    return serve(stored.file, name=stored.name, content_type=stored.content_type, inline=inline)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def item_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    uploads = request.FILES.getlist("files")
    try:
        services.attach_files(
            item,
            by=user,
            files=[services.NewFile.uploaded(upload) for upload in uploads],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("File attached.", "%(count)s files attached.", len(uploads)) % {"count": len(uploads)},
        )
    return _back(request, item)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def item_file_remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    stored = ItemFile.objects.filter(pk=file_pk, item=item).first()
    if stored is None:
        raise Http404(_("Not found."))
    services.remove_file(stored, by=user)
    messages.success(request, _("File removed."))
    return _back(request, item)
