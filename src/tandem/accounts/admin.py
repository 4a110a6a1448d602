"""The admin site for users, teams and tokens. Changes to people go through the same services as the
web UI, so the same rules hold and history records them; new people are invited, not created."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext, gettext_lazy, ngettext

from tandem.accounts import services
from tandem.accounts.forms import AdminLoginForm
from tandem.accounts.models import ApiToken, LoginFailure, LoginLockLift, Team, User
from tandem.core.admin import ReadOnlyAdmin, ServiceAdmin
from tandem.core.errors import ServiceError

# The admin site's own login page is throttled like Tandem's.
admin.site.login_form = AdminLoginForm


def _acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the admin site lets only logged-in admins in
    return request.user


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "full_name", "role", "is_active", "has_joined", "date_joined", "last_login"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["email", "full_name"]
    fields = [
        "email",
        "full_name",
        "role",
        "teams",
        "is_active",
        "language",
        "time_zone",
        "calendar",
        "invited_by",
        "date_joined",
        "last_login",
    ]
    readonly_fields = [
        "email",
        "language",
        "time_zone",
        "calendar",
        "invited_by",
        "date_joined",
        "last_login",
    ]
    filter_horizontal = ["teams"]
    actions = ["deactivate_users", "reactivate_users", "resend_invitations"]

    @admin.display(boolean=True, description=gettext_lazy("joined"))
    def has_joined(self, obj: User) -> bool:
        return obj.has_joined

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return redirect("user-invite")  # an invitation lets the person choose their own password

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ["role", "is_active"]  # the services refuse both for oneself; don't offer them
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # deactivate instead: what people did stays attributed to them

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool) -> None:
        # `obj` already carries the edits; apply them to the stored row so the services see the change.
        stored = User.objects.get(pk=obj.pk)
        data = form.cleaned_data
        services.edit_user(
            stored,
            by=_acting_user(request),
            role=data.get("role"),
            teams=data.get("teams"),
            full_name=data.get("full_name"),
            active=data.get("is_active"),  # absent when editing oneself (read only)
        )

    def save_related(self, request: HttpRequest, form: ModelForm[User], formsets: Any, change: bool) -> None:
        for formset in formsets:  # teams were saved by update_user
            self.save_formset(request, form, formset, change=change)

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[User],
        action: Callable[[User], object],
        done: Callable[[int], str],
    ) -> None:
        count = 0
        for user in queryset:
            try:
                action(user)
            except ServiceError as exc:
                self.message_user(request, f"{user.email}: {exc.message}", messages.ERROR)
            else:
                count += 1
        self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Deactivate selected users"))
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _acting_user(request)
        self._each(
            request,
            queryset,
            lambda user: services.set_user_active(user, active=False, by=by),
            lambda n: (
                ngettext("Deactivated %(count)d user.", "Deactivated %(count)d users.", n) % {"count": n}
            ),
        )

    @admin.action(description=gettext_lazy("Reactivate selected users"))
    def reactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _acting_user(request)
        self._each(
            request,
            queryset,
            lambda user: services.set_user_active(user, active=True, by=by),
            lambda n: (
                ngettext("Reactivated %(count)d user.", "Reactivated %(count)d users.", n) % {"count": n}
            ),
        )

    @admin.action(description=gettext_lazy("Resend invitations to selected users"))
    def resend_invitations(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _acting_user(request)
        self._each(
            request,
            queryset,
            lambda user: services.resend_invitation(user, by=by),
            lambda n: ngettext("Sent %(count)d invitation.", "Sent %(count)d invitations.", n) % {"count": n},
        )


class TeamForm(forms.ModelForm[Team]):
    class Meta:
        model = Team
        fields = ["name", "slug", "description"]

    def clean_name(self) -> str:
        # as the services store it, so the form's uniqueness check sees the name that is saved
        return " ".join(self.cleaned_data["name"].split())


@admin.register(Team)
class TeamAdmin(ServiceAdmin):
    """Teams are made, changed and deleted through the services, so history records each change.
    Who is in a team is set on each person (the user form here, or the team page)."""

    form = TeamForm
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Team, form: ModelForm[Team], change: bool) -> None:
        data, by = form.cleaned_data, _acting_user(request)
        if change:
            services.update_team(
                obj, by=by, name=data["name"], slug=data["slug"], description=data["description"]
            )
        else:
            saved = services.create_team(
                name=data["name"], slug=data["slug"], description=data["description"], by=by
            )
            obj.pk, obj._state.adding = saved.pk, False  # the admin's message and redirect name it

    def delete_model(self, request: HttpRequest, obj: Team) -> None:
        services.delete_team(obj, by=_acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Team]) -> None:
        by = _acting_user(request)
        for team in queryset:
            services.delete_team(team, by=by)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made by their owner (profile, `tandem token create`) and only revoked here, through
    the service, so the revocation is in the history; never edited or deleted."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    actions = ["revoke_tokens"]

    @admin.action(description=gettext_lazy("Revoke selected tokens"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        by = _acting_user(request)
        for token in queryset:
            services.revoke_api_token(token, by=by)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Failed logins, with the locks they make on top (client, account, failures, until) and a
    "Lift" button for each, through `services.lift_login_lock` (recorded in history). Read only:
    a lock is lifted through the service, never by deleting failures."""

    change_list_template = "admin/accounts/loginfailure/change_list.html"
    list_display = ["email", "ip_address", "at"]
    search_fields = ["email", "ip_address"]
    actions = ["lift"]

    def get_urls(self) -> list[URLPattern]:
        lift = path("lift/", self.admin_site.admin_view(self.lift_view), name="accounts_loginfailure_lift")
        return [lift, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(
            request, {**(extra_context or {}), "login_locks": services.login_locks()}
        )

    def lift_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        client = request.POST.get("client", "")[:45]
        email = request.POST.get("email", "")[:254]
        try:
            lift = services.lift_login_lock(client=client, email=email, by=_acting_user(request))
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            if lift is None:
                self.message_user(request, gettext("That lock had already lifted."), messages.WARNING)
            else:
                self.message_user(request, _lifted_message(lift), messages.SUCCESS)
        return redirect("admin:accounts_loginfailure_changelist")

    @admin.action(description=gettext_lazy("Lift the locks of these clients for these accounts"))
    def lift(self, request: HttpRequest, queryset: QuerySet[LoginFailure]) -> None:
        by = _acting_user(request)
        pairs = set(queryset.values_list("ip_address", "email"))
        lifted = [services.lift_login_lock(client=client, email=email, by=by) for client, email in pairs]
        for done in lifted:
            if done is not None:
                self.message_user(request, _lifted_message(done), messages.SUCCESS)


def _lifted_message(lift: LoginLockLift) -> str:
    if lift.email:
        return gettext("%(client)s may log in to %(email)s again.") % {
            "client": lift.client,
            "email": lift.email,
        }
    return gettext("%(client)s may log in again.") % {"client": lift.client}


@admin.register(LoginLockLift)
class LoginLockLiftAdmin(ReadOnlyAdmin):
    """Read only: who lifted which lock, when."""

    list_display = ["lifted_at", "client", "email", "failures", "lifted_by"]
    search_fields = ["client", "email"]
    list_select_related = ["lifted_by"]
