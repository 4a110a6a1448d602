"""The item page, the item form and what is done on an item (close, move, link, comment, watch,
files). The page is composed of its own parts and the panels other apps register for it
(tandem.core.panels): the deal, the e-mail, the history."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.models import User
from tandem.accounts.roles import Permission, can
from tandem.contacts.queries import organizations_for, people_for
from tandem.core.errors import ServiceError
from tandem.core.files import serve
from tandem.core.panels import Panel, panels_for
from tandem.core.views import go, int_or_none, posted
from tandem.work import markdown, queries, rules, services
from tandem.work.forms import CommentForm, ItemForm, LinkForm, MoveForm, customer_option, show_error
from tandem.work.models import Comment, Item, ItemFile, ItemLink
from tandem.work.views.boards import moved_card


def render_markdown(text: str, *, user: User) -> str:
    return markdown.render(text, references=queries.references_for(user), mentions=queries.mentions)


# --- The item page --------------------------------------------------------------------------

# The item page's own parts, in the order of its main column. The panels other apps register for
# the page (tandem.core.panels) take their places among them by their order: sales' deal (10) above
# the description, the mail gateway's e-mail (30) under it, feeds' history (90) last.
ITEM_PARTS = (
    Panel(key="description", template="work/partials/item_description.html", order=20),
    Panel(key="files", template="work/partials/item_files.html", order=40),
    Panel(key="subtasks", template="work/partials/item_subtasks.html", order=50),
    Panel(key="links", template="work/partials/item_links.html", order=60),
    Panel(key="comments", template="work/partials/item_comments.html", order=70),
)


@guarded_view(Permission.VIEW_WORK)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    item = queries.get_item_for_user(user, pk)
    links = queries.links_of(item, user=user)
    blockers = [link.source for link in links.blocked_by if link.source.is_open]
    flags = rules.text_flags(item)  # other apps' badges on the description and the comments
    comments = list(queries.comments_of(item))
    for comment in comments:
        comment.html = render_markdown(comment.body, user=user)  # type: ignore[attr-defined]
        comment.flags = flags.get(f"comment:{comment.pk}", [])  # type: ignore[attr-defined]
    children = queries.children_of(item, user=user)
    can_edit = can(user, Permission.EDIT_WORK)
    file_rows, upload_template = _files_card(item, can_edit=can_edit)
    context = {
        "item": item,
        "description_html": render_markdown(item.description, user=user),
        "description_flags": flags.get("description", []),
        "links": links,
        "open_blockers": blockers,
        # another app's calm line in place of the "Blocked" alarm (a won deal waiting for its invoice)
        "waiting_note": rules.blocked_note(item, blockers) if blockers else None,
        "children": children,
        "children_closed": sum(1 for c in children if not c.is_open),
        "comments": comments,
        "file_rows": file_rows,
        "upload_template": upload_template,
        "comment_form": CommentForm(),
        "link_form": LinkForm(user=user),
        "move_targets": list(item.board.columns.all()),
        "can_edit": can_edit,
        # the side list's fields other apps leave out for this type of item (a deal: no estimate)
        "left_out": rules.fields_left_out(item),
        "is_watching": any(w.pk == user.pk for w in item.watchers.all()),
        "nav": "boards",
        "live_topic": f"item:{item.pk}",
        # what other apps show in the page's header (a deal: its value, stage, owner, Won and Lost)
        "header_panels": panels_for("item-header", request, item),
        "panels": panels_for("item", request, item, own=ITEM_PARTS),
    }
    return render(request, "work/item_detail.html", context)


def _files_card(item: Item, *, can_edit: bool) -> tuple[list[rules.FileRow], str]:
    """The Files card's rows, the item's own files and what other apps add (a deal's documents),
    by date; and the upload form another app shows in place of the plain one ("" for none)."""
    rows = [
        rules.FileRow(
            name=stored.name,
            url=reverse("work:item-file", args=[item.pk, stored.pk]),
            download_url=reverse("work:item-file", args=[item.pk, stored.pk]) + "?download=1",
            remove_url=reverse("work:item-file-remove", args=[item.pk, stored.pk]) if can_edit else "",
            at=stored.uploaded_at,
            by=stored.uploaded_by.display_name if stored.uploaded_by else "",
            size=stored.size,
            note=_("in the mail's text") if stored.inline else "",
        )
        for stored in item.files.select_related("uploaded_by")
    ]
    upload_template = ""
    for added in rules.item_files(item):
        rows += added.rows
        upload_template = upload_template or added.upload_template
    rows.sort(key=lambda row: (row.at is None, row.at))
    return rows, upload_template


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
            messages.success(request, _("%(ref)s saved.") % {"ref": item.reference})
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
    left = item.column_id
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
            {
                "id": moved.pk,
                "column": moved.column_id,
                "state": moved.state,
                "version": moved.version,
                **moved_card(request, moved, left=left),
            }
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
