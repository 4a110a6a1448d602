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
from tandem.sales.services import overdue_for
from tandem.work.models import Label, label_scope

ICON_DIR = Path(__file__).resolve().parent / "static" / "vendor" / "bootstrap-icons-1.13.2" / "icons"


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
        "nav": "home",
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
