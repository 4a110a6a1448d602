"""Forms for people and access. They validate input; the views hand the result to the services."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tandem.accounts import services
from tandem.accounts.models import TIME_ZONE_CHOICES, Team, User
from tandem.accounts.roles import Role
from tandem.core import calendars
from tandem.core.clients import client_address
from tandem.core.forms import BootstrapForm


class ThrottledLoginMixin:
    """Refuses logins from a client with too many recent failures for this e-mail, or for any,
    even with the right password, and counts failed attempts (`services.login_locked`). The count
    lives in the database, so it holds across every process that serves Tandem."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]
    user_cache: User | None

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return super().clean()  # type: ignore[misc]
        client = client_address(self.request)
        if services.login_locked(email, client):
            wait = services.login_retry_after(email, client)
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            raise ValidationError(
                ngettext(
                    "Too many failed attempts; try again in %(minutes)d minute.",
                    "Too many failed attempts; try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="locked",
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except ValidationError:
            # A right password refused for another reason (the admin site's staff check) is no guess.
            if self.user_cache is None:
                services.record_login_failure(email, client)
            raise
        services.clear_login_failures(email, client)
        return cleaned


class LoginForm(BootstrapForm, ThrottledLoginMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        # Same words for a wrong password, an unknown address and a deactivated account.
        "invalid_login": _("The e-mail address or password is not right."),
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's login form, throttled like the main one so it is no way around it."""


class AcceptInvitationForm(BootstrapForm, SetPasswordForm[User]):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    field_order = ["full_name", "new_password1", "new_password2"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Password")
        self.fields["new_password2"].label = _("Password again")


class PasswordForm(BootstrapForm, PasswordChangeForm):
    """Checks the old password and the new one; `services.change_password` stores it."""


class PasswordResetRequestForm(BootstrapForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class NewPasswordForm(BootstrapForm, SetPasswordMixin[User]):
    """A new password typed twice. Whether it is good enough is `services.reset_password`'s rule;
    its refusal lands next to `password`."""

    password, password_again = SetPasswordMixin.create_password_fields(
        label1=_("New password"), label2=_("New password again")
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        self.validate_passwords("password", "password_again")
        return cleaned


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


def _teams_field() -> forms.ModelMultipleChoiceField[Team]:
    return forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class InviteForm(BootstrapForm):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = _role_field()
    teams = _teams_field()


class UserEditForm(BootstrapForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = _role_field()
    teams = _teams_field()


class DirectoryFilterForm(BootstrapForm):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All teams"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False)


class ProfileForm(BootstrapForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    calendar = forms.ChoiceField(
        label=_("Calendar"),
        choices=calendars.CHOICES,
        required=False,
        help_text=_("Which calendar dates are shown in, on the pages and in your e-mails."),
    )


class TokenForm(BootstrapForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “laptop scripts” or “reporting job”."),
    )
