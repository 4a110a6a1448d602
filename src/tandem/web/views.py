from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.accounts.guards import acting_user, guarded_view
from tandem.feeds import feeds
from tandem.notifications.queries import waiting_for
from tandem.sales.queries import due_for, open_deals_of
from tandem.work.queries import due_work_for


@guarded_view(None)
def home(request: HttpRequest) -> HttpResponse:
    """What to do today, in this order: my open deals, what is due today or overdue (my work items,
    my deals' next steps and activities), the mentions and assignments waiting for me, then the
    feed of what concerns me. Each part is a query or two, however many rows there are; private
    boards stay hidden through the parts' own visibility rules."""
    user = acting_user(request)
    today = timezone.localdate()
    due_work = due_work_for(user, today=today)
    due_sales = due_for(user, today=today)
    context = {
        "deals": open_deals_of(user),
        "due_work": due_work,
        "due_sales": due_sales,
        "due_count": due_work.count + due_sales.next_step_count + due_sales.activity_count,
        "today": today,
        "waiting": waiting_for(user),
        "feed": feeds.home(user),
    }
    return render(request, "web/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and the benchmark runner: the process is up and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
