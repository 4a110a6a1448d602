"""People and access in the browser: logging in, accepting an invitation, the team directory, one's
profile and personal API tokens. Views translate HTTP only; every change goes through
`tandem.accounts.services`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tandem.accounts import queries, services
from tandem.accounts.forms import (
    AcceptInvitationForm,
    DirectoryFilterForm,
    InviteForm,
    LoginForm,
    NewPasswordForm,
    PasswordForm,
    PasswordResetRequestForm,
    ProfileForm,
    TokenForm,
    UserEditForm,
)
from tandem.accounts.guards import guarded_view
from tandem.accounts.models import ApiToken, User
from tandem.accounts.roles import Permission, can
from tandem.core.errors import ServiceError
from tandem.core.htmx import is_htmx_partial
from tandem.core.pagination import paginate

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class AuthenticatedRequest(HttpRequest):
    user: User


def _invalid(request: HttpRequest, template: str, context: dict[str, Any], status: int = 422) -> HttpResponse:
    """Shows a form again with its errors, answering with a 4xx status."""
    return render(request, template, context, status=status)


# --- Logging in -----------------------------------------------------------------------------


class TandemLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 429 if form.has_error("__all__", "locked") else 422
        return response


def _invited_user(uidb64: str, token: str) -> User | None:
    """The person an invitation link is for, while the link is still good: right token, not yet
    used (choosing a password changes the token), not expired, account still active."""
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, ValidationError, User.DoesNotExist):
        return None
    if user.has_joined or not default_token_generator.check_token(user, token):
        return None
    return user


@never_cache
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invite_invalid.html", status=400)
    form = AcceptInvitationForm(
        user, request.POST if request.method == "POST" else None, initial={"full_name": user.full_name}
    )
    context = {"form": form, "invited": user}
    if not form.is_bound:
        return render(request, "accounts/invite_accept.html", context)
    if not form.is_valid():
        return _invalid(request, "accounts/invite_accept.html", context)
    services.accept_invitation(
        user, password=form.cleaned_data["new_password1"], full_name=form.cleaned_data["full_name"]
    )
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, _("Welcome to Tandem, %(name)s.") % {"name": user.display_name})
    return redirect("home")


# --- Forgotten passwords --------------------------------------------------------------------


def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if not form.is_bound:
        return render(request, "accounts/password_reset.html", {"form": form})
    if not form.is_valid():
        return _invalid(request, "accounts/password_reset.html", {"form": form})
    services.request_password_reset(form.cleaned_data["email"])
    # The same page whether or not the address has an account, so it reveals nothing.
    return render(request, "accounts/password_reset_sent.html", {"email": form.cleaned_data["email"]})


def _resetting_user(uidb64: str, token: str) -> User | None:
    """The person a reset link is for, while the link is still good: right token, not yet used
    (a new password or a login changes the token), not expired, account active and joined. An
    invitation link's token is never good here, nor this one there: one needs a joined account,
    the other one that has not joined."""
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, ValidationError, User.DoesNotExist):
        return None
    if not user.has_joined or not default_token_generator.check_token(user, token):
        return None
    return user


@never_cache
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _resetting_user(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "resetting": user}
    if not form.is_bound:
        return render(request, "accounts/password_reset_confirm.html", context)
    if not form.is_valid():
        return _invalid(request, "accounts/password_reset_confirm.html", context)
    try:
        services.reset_password(user, password=form.cleaned_data["password"])
    except ServiceError as exc:
        form.add_service_error(exc)
        return _invalid(request, "accounts/password_reset_confirm.html", context, status=exc.status)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(
        request, _("Your new password is set. Welcome back, %(name)s.") % {"name": user.display_name}
    )
    return redirect("home")


# --- The team directory ---------------------------------------------------------------------


@guarded_view(Permission.VIEW_PEOPLE_DIRECTORY)
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    manages = can(request.user, Permission.MANAGE_USERS)
    filters = DirectoryFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    users = queries.directory(request.user, team=chosen.get("team"), role=chosen.get("role"))
    context = {
        "nav": "team",
        "page": paginate(request, users),
        "filters": filters,
        "manages": manages,
        "teams": queries.teams_with_member_counts(),
    }
    if is_htmx_partial(request):
        return render(request, "accounts/user_list.html#user-table", context)
    return render(request, "accounts/user_list.html", context)


@guarded_view(Permission.MANAGE_USERS)
def user_invite(request: AuthenticatedRequest) -> HttpResponse:
    form = InviteForm(request.POST if request.method == "POST" else None)
    context = {"nav": "team", "form": form}
    if not form.is_bound:
        return render(request, "accounts/user_invite.html", context)
    if not form.is_valid():
        return _invalid(request, "accounts/user_invite.html", context)
    data = form.cleaned_data
    try:
        invited = services.invite_user(
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            teams=data["teams"],
            by=request.user,
        )
    except ServiceError as exc:
        form.add_service_error(exc)
        return _invalid(request, "accounts/user_invite.html", context, status=exc.status)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invited.email})
    return redirect("user-list")


@guarded_view(Permission.MANAGE_USERS)
def user_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.prefetch_related("teams"), pk=pk)
    initial = {"full_name": person.full_name, "role": person.role, "teams": list(person.teams.all())}
    form = UserEditForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"nav": "team", "form": form, "person": person}
    if not form.is_bound:
        return render(request, "accounts/user_edit.html", context)
    if not form.is_valid():
        return _invalid(request, "accounts/user_edit.html", context)
    data = form.cleaned_data
    try:
        services.update_user(
            person, by=request.user, role=data["role"], teams=data["teams"], full_name=data["full_name"]
        )
    except ServiceError as exc:
        form.add_service_error(exc)
        return _invalid(request, "accounts/user_edit.html", context, status=exc.status)
    messages.success(request, _("Saved changes to %(name)s.") % {"name": person.display_name})
    return redirect("user-list")


def _user_action(
    request: AuthenticatedRequest, pk: int, done: str, action: Callable[[User], object]
) -> HttpResponse:
    """Runs one admin action on a user from a button, then goes back to the directory with its outcome."""
    person = get_object_or_404(User, pk=pk)
    try:
        action(person)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"name": person.display_name})
    return redirect("user-list")


@require_POST
@guarded_view(Permission.MANAGE_USERS)
def user_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _user_action(
        request,
        pk,
        _("%(name)s is deactivated and can no longer log in."),
        lambda person: services.set_user_active(person, active=False, by=request.user),
    )


@require_POST
@guarded_view(Permission.MANAGE_USERS)
def user_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _user_action(
        request,
        pk,
        _("%(name)s can log in again."),
        lambda person: services.set_user_active(person, active=True, by=request.user),
    )


@require_POST
@guarded_view(Permission.MANAGE_USERS)
def user_resend_invitation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _user_action(
        request,
        pk,
        _("A new invitation is on its way to %(name)s."),
        lambda person: services.resend_invitation(person, by=request.user),
    )


# --- Profile --------------------------------------------------------------------------------


def _profile_forms(request: AuthenticatedRequest, **forms: Form) -> dict[str, Any]:
    user = request.user
    initial = {
        "full_name": user.full_name,
        "language": user.language,
        "time_zone": user.time_zone,
        "calendar": user.calendar,
    }
    context: dict[str, Any] = {
        "nav": "profile",
        "profile_form": ProfileForm(initial=initial),
        "password_form": PasswordForm(user),
    }
    context.update(forms)
    return context


@guarded_view(None)
def profile(request: AuthenticatedRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "accounts/profile.html", _profile_forms(request))
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _invalid(request, "accounts/profile.html", _profile_forms(request, profile_form=form))
    try:
        user = services.update_profile(request.user, **form.cleaned_data)
    except ServiceError as exc:
        form.add_service_error(exc)
        return _invalid(
            request, "accounts/profile.html", _profile_forms(request, profile_form=form), exc.status
        )
    translation.activate(user.language)  # the confirmation speaks the language just chosen
    messages.success(request, _("Your profile is saved."))
    return redirect("profile")


@require_POST
@guarded_view(None)
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    form = PasswordForm(request.user, request.POST)
    if form.is_valid():
        try:
            services.change_password(request.user, password=form.cleaned_data["new_password1"])
        except ServiceError as exc:
            form.add_error("new_password2", exc.message)
        else:
            update_session_auth_hash(request, request.user)  # stay logged in on this device
            messages.success(request, _("Your password is changed."))
            return redirect("profile")
    return _invalid(request, "accounts/profile.html", _profile_forms(request, password_form=form))


# --- API tokens -----------------------------------------------------------------------------


def _token_page(request: AuthenticatedRequest, form: TokenForm) -> dict[str, Any]:
    return {"nav": "tokens", "form": form, "tokens": queries.tokens_of(request.user)}


@guarded_view(Permission.USE_API)
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/token_list.html", _token_page(request, TokenForm()))


@never_cache
@require_POST
@guarded_view(Permission.USE_API)
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _invalid(request, "accounts/token_list.html", _token_page(request, form))
    try:
        token, secret = services.create_api_token(request.user, name=form.cleaned_data["name"])
    except ServiceError as exc:
        form.add_service_error(exc)
        return _invalid(request, "accounts/token_list.html", _token_page(request, form), exc.status)
    # The secret is stored nowhere: this response is the only place it ever appears.
    return render(request, "accounts/token_created.html", {"nav": "tokens", "token": token, "secret": secret})


@require_POST
@guarded_view(None)
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("token-list")
