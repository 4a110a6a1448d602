"""Secret iCalendar addresses: the page listing them (copy, new address, revoke, how to subscribe)
and the feed itself, which answers without a login — the secret in its address is the credential."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.agenda import ical, queries, services
from tandem.agenda.models import CalendarKind, FeedToken
from tandem.core.errors import NotFound


def feed_url(request: HttpRequest, token: FeedToken) -> str:
    return request.build_absolute_uri(reverse("calendar-feed", args=[token.secret]))


@never_cache
@guarded_view(None)
def feed_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    tokens = {token.calendar_id: token for token in queries.feeds_of(user)}
    calendars = queries.visible_calendars(user).filter(kind__in=[CalendarKind.TEAM, CalendarKind.RESOURCE])
    rows: list[dict[str, Any]] = [{"label": _("My events"), "calendar": None, "token": tokens.get(None)}]
    rows += [
        {"label": calendar.name, "calendar": calendar, "token": tokens.get(calendar.pk)}
        for calendar in calendars.order_by("kind", "name", "pk")
    ]
    for row in rows:
        row["url"] = feed_url(request, row["token"]) if row["token"] else ""
    return render(request, "agenda/feeds.html", {"nav": "calendar", "rows": rows})


def _token(request: HttpRequest, pk: int) -> FeedToken:
    token = FeedToken.objects.filter(pk=pk, user=acting_user(request)).first()
    if token is None:
        raise NotFound(_("There is no such feed."))
    return token


@require_POST
@guarded_view(None)
def feed_create(request: HttpRequest) -> HttpResponseBase:
    user = acting_user(request)
    calendar = None
    if request.POST.get("calendar"):
        try:
            calendar = queries.get_calendar_for_user(user, int(request.POST["calendar"]))
        except ValueError:
            raise Http404 from None
    services.create_feed(by=user, calendar=calendar)
    messages.success(request, _("The feed's address is ready: copy it into your calendar app."))
    return redirect("agenda:feeds")


@require_POST
@guarded_view(None)
def feed_rotate(request: HttpRequest, pk: int) -> HttpResponseBase:
    services.rotate_feed(_token(request, pk), by=acting_user(request))
    messages.success(request, _("The feed has a new address; the old one no longer works."))
    return redirect("agenda:feeds")


@require_POST
@guarded_view(None)
def feed_revoke(request: HttpRequest, pk: int) -> HttpResponseBase:
    services.revoke_feed(_token(request, pk), by=acting_user(request))
    messages.success(request, _("The feed is revoked; its address no longer works."))
    return redirect("agenda:feeds")


def _rendered(token: FeedToken) -> tuple[bytes, str, float]:
    """The feed's body, ETag and last change (a timestamp), rendered at most once in
    TANDEM_FEED_TTL seconds: a busy user's feed is thousands of events, and calendar apps ask for
    it again and again. The key names the address, so a new address never gets the old one's."""
    key = f"agenda:feed:{token.pk}:{token.digest}"
    cached = cache.get(key) if settings.TANDEM_FEED_TTL else None
    if cached is not None:
        return cached
    series = list(queries.feed_series(token, now=timezone.now()))
    name = str(token) if token.calendar_id else _("%(name)s (Tandem)") % {"name": token.user.display_name}
    body = ical.calendar_bytes(series, name=name)
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    changed = max(
        [
            token.rotated_at,
            *(row.updated_at for row in series),
            *(o.updated_at for row in series for o in row.overrides.all()),
        ]
    ).timestamp()
    if settings.TANDEM_FEED_TTL:
        cache.set(key, (body, etag, changed), timeout=settings.TANDEM_FEED_TTL)
    return body, etag, changed


@require_GET
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed's VCALENDAR: 404 for an unknown, revoked or no longer permitted secret; 304 when
    the subscriber has it already."""
    token = queries.feed_by_secret(secret)
    if token is None:
        raise Http404
    body, etag, changed = _rendered(token)
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(changed),
        "Cache-Control": f"private, max-age={settings.TANDEM_FEED_TTL}",
        "Referrer-Policy": "no-referrer",
    }
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    for key, value in headers.items():
        response[key] = value
    return response
