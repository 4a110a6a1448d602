"""/calendar/accounts/: the external CalDAV calendars a user connected, with their sync status,
last sync and last error; connect, sync now, disconnect. Views translate HTTP only: the form is
checked, agenda's services and sync do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tandem.accounts.guards import guarded_view
from tandem.accounts.models import User
from tandem.accounts.roles import Permission
from tandem.agenda import queries, services, sync
from tandem.agenda.models import Calendar
from tandem.core.errors import ServiceError
from tandem.core.forms import BootstrapForm


class AccountForm(BootstrapForm):
    url = forms.URLField(
        label=gettext_lazy("Calendar address"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "The CalDAV address of the calendar (Nextcloud, iCloud, Fastmail, Radicale…)."
        ),
    )
    username = forms.CharField(label=gettext_lazy("Username"), max_length=200)
    password = forms.CharField(
        label=gettext_lazy("Password"),
        max_length=1000,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("An app password where the service offers one. Stored encrypted."),
    )
    calendar = forms.ModelChoiceField(label=gettext_lazy("Tandem calendar"), queryset=Calendar.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        writable = [c.pk for c in queries.visible_calendars(user) if queries.may_write(user, c)]
        self.fields["calendar"].queryset = Calendar.objects.filter(pk__in=writable).order_by("name", "pk")  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page(request: HttpRequest, form: AccountForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "agenda/accounts.html",
        {"nav": "calendar", "form": form, "accounts": queries.accounts_of(_user(request))},
        status=status,
    )


@never_cache
@guarded_view(Permission.EDIT_EVENTS)
def account_list(request: HttpRequest) -> HttpResponse:
    return _page(request, AccountForm(user=_user(request)))


@never_cache
@require_POST
@guarded_view(Permission.EDIT_EVENTS)
def account_connect(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    form = AccountForm(request.POST, user=user)
    if not form.is_valid():
        return _page(request, form, 422)
    try:
        account = services.connect_account(by=user, **form.cleaned_data)
    except ServiceError as error:
        form.add_service_error(error)
        return _page(request, form, error.status)
    messages.success(request, _("“%(name)s” is connected; it syncs in a moment.") % {"name": account})
    return redirect("agenda:accounts")


@require_POST
@guarded_view(Permission.EDIT_EVENTS)
def account_sync(request: HttpRequest, pk: int) -> HttpResponseBase:
    account = queries.get_account_for_user(_user(request), pk)
    try:
        counts = sync.sync_account(account.pk)
    except sync.SyncRunning as error:
        messages.info(request, str(error))
        return redirect("agenda:accounts")
    account.refresh_from_db()
    if account.last_error:
        messages.error(request, _("The sync failed: %(error)s") % {"error": account.last_error})
    else:
        messages.success(
            request,
            _(
                "Synced: %(pulled)s from the server, %(pushed)s to it, %(conflicts)s conflicts, %(errors)s errors."
            )
            % {
                "pulled": counts.pulled_created + counts.pulled_updated + counts.pulled_deleted,
                "pushed": counts.pushed_created + counts.pushed_updated + counts.pushed_deleted,
                "conflicts": counts.conflicts,
                "errors": counts.errors,
            },
        )
    return redirect("agenda:accounts")


@require_POST
@guarded_view(Permission.EDIT_EVENTS)
def account_disconnect(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    account = queries.get_account_for_user(user, pk)
    name = str(account)
    services.disconnect_account(account, by=user)
    messages.success(request, _("“%(name)s” is disconnected; its events stay.") % {"name": name})
    return redirect("agenda:accounts")
