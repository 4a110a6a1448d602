from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from tandem.accounts.guards import guarded_view
from tandem.accounts.models import User
from tandem.contacts.models import Organization, Person
from tandem.feeds import feeds
from tandem.sales.services import overdue_for


@guarded_view(None)
def home(request: HttpRequest) -> HttpResponse:
    counts = {
        "organizations": Organization.objects.filter(archived_at__isnull=True).count(),
        "people": Person.objects.filter(archived_at__isnull=True).count(),
    }
    feed = feeds.home(request.user) if isinstance(request.user, User) else None
    overdue_deals, overdue_activities = (
        overdue_for(request.user) if isinstance(request.user, User) else ([], [])
    )
    context = {
        "counts": counts,
        "feed": feed,
        "overdue_deals": overdue_deals,
        "overdue_activities": overdue_activities,
    }
    return render(request, "web/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and the benchmark runner: the process is up and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
