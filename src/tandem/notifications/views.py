"""The inbox, its settings, and the live poll every open page makes (tandem.notifications.live)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.roles import Permission
from tandem.core.errors import InvalidInput
from tandem.core.htmx import is_htmx_partial
from tandem.core.views import int_or_none, posted
from tandem.notifications import live, queries, services
from tandem.notifications.kinds import Channel, Kind
from tandem.notifications.links import target_url


@guarded_view(Permission.VIEW_WORK)
def inbox(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    unread_only = request.GET.get("show") == "unread"
    page = queries.inbox_page(user, unread_only=unread_only, before=int_or_none(request.GET.get("before")))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread": queries.unread_count(user),
        "newest": page.notifications[0].pk
        if page.notifications and request.GET.get("before") is None
        else None,
        "live_topic": "inbox",
        "nav": "inbox",
    }
    if is_htmx_partial(request) and request.GET.get("before"):
        return render(request, "notifications/partials/rows.html", context)
    return render(request, "notifications/inbox.html", context)


@guarded_view(Permission.VIEW_WORK)
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to its record, reading it on the way."""
    user = acting_user(request)
    notification = queries.get_notification(user, pk)
    services.mark_read(user, notification)
    return HttpResponseRedirect(target_url(notification.target_type, notification.target_id))


@require_POST
@guarded_view(Permission.VIEW_WORK)
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    notification = queries.get_notification(user, pk)
    services.mark_read(user, notification, read=request.POST.get("read", "1") != "0")
    if is_htmx_partial(request):
        return render(request, "notifications/partials/row.html", {"notification": notification})
    return HttpResponseRedirect(reverse("notifications:inbox"))


@require_POST
@guarded_view(Permission.VIEW_WORK)
def mark_all(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    count = services.mark_all_read(user, up_to=int_or_none(request.POST.get("up_to")))
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return HttpResponseRedirect(reverse("notifications:inbox"))


@guarded_view(Permission.VIEW_WORK)
def settings_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    problem = ""
    if request.method == "POST":
        data = posted(request) or {}
        choices = {kind: data.get(kind, "") for kind in Kind.values if kind in data}
        try:
            services.set_preferences(user, choices=choices)
        except InvalidInput as error:
            problem = str(error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return HttpResponseRedirect(reverse("notifications:settings"))
    chosen = queries.preferences(user)
    rows = [(kind, label, chosen[kind]) for kind, label in Kind.choices]
    return render(
        request,
        "notifications/settings.html",
        {"rows": rows, "channels": Channel.choices, "problem": problem, "nav": "inbox"},
        status=400 if problem else 200,
    )


@guarded_view(Permission.VIEW_WORK)
def poll(request: HttpRequest) -> HttpResponse:
    """What an open page asks every few seconds: the unread count, and whether what it shows was
    changed by someone else since its last look."""
    user = acting_user(request)
    state = live.look(
        user,
        topic=request.GET.get("topic", "")[:60],
        history_after=int_or_none(request.GET.get("h")),
        notification_after=int_or_none(request.GET.get("n")),
    )
    response = render(request, "notifications/partials/live.html", {"live": state})
    if state.changed:
        response["HX-Trigger"] = "tandem:changed"
    response["Cache-Control"] = "no-store"
    return response
