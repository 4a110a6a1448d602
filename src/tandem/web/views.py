from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django import forms
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.models import User
from tandem.accounts.queries import directory
from tandem.contacts.models import Organization, Person
from tandem.core.forms import BootstrapForm, PickerSelect, PickerSelectMultiple
from tandem.feeds import feeds
from tandem.notifications.queries import waiting_for
from tandem.sales.queries import due_for, open_deals_of
from tandem.work.models import Label, label_scope
from tandem.work.queries import due_work_for

ICON_DIR = Path(__file__).resolve().parent / "static" / "vendor" / "bootstrap-icons-1.13.2" / "icons"


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
        "nav": "home",
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


class DesignForm(BootstrapForm):
    """The design page's sample form: a plain field, a date, and the three typeahead pickers."""

    title = forms.CharField(label=_("Title"), required=False, help_text=_("What people see first."))
    due = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(merged_into__isnull=True),
        required=False,
        widget=PickerSelect("organization"),
    )
    person = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=Person.objects.filter(merged_into__isnull=True),
        required=False,
        widget=PickerSelectMultiple("person"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=PickerSelect("user"),
    )


@guarded_view(None)
def design(request: HttpRequest) -> HttpResponse:
    """/design/: the design system's pieces, live (docs/design.md; the browser tests screenshot it)."""
    now = timezone.now()
    labels = list(Label.objects.filter(board__isnull=True).order_by("name")[:6]) or [
        Label(name="stage::Lead", color="#6366f1"),
        Label(name="priority::high", color="#dc2626"),
        Label(name="customer", color="#16a34a"),
        Label(name="waiting", color="#f59e0b"),
    ]
    for label in labels:
        label.scope = label_scope(label.name)
    context = {
        "nav": "design",
        "now": now,
        "earlier": now - timedelta(hours=3),
        "amount": Decimal("24000"),
        "labels": labels,
        "people": directory(acting_user(request)).filter(is_active=True).order_by("full_name")[:6],
        "icons": sorted(p.stem for p in ICON_DIR.glob("*.svg")),
        "form": DesignForm(initial={"title": _("Acme renewal")}),
    }
    return render(request, "web/design.html", context)
