from __future__ import annotations

import re
import unicodedata
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.accounts.roles import Role
from tandem.accounts.roles import can as _can
from tandem.core import calendars

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


def handle_from(text: str) -> str:
    """A mention handle made from an e-mail address or a name: lower-case letters, digits, `.`, `_`, `-`."""
    local = text.split("@")[0].lower()
    ascii_only = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9._-]+", "", ascii_only).strip("._-")
    return cleaned[:32] or "user"


def free_handle(email: str, *, exclude_pk: int | None = None) -> str:
    """The handle the e-mail address suggests, numbered (`ann2`, `ann3`, ...) when it is taken."""
    base = handle_from(email)
    others = User.objects.filter(handle__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("handle", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The accounts Tandem acts as (tandem.accounts.services.system_account): key -> (address, name).
# Their name is shown in each reader's language.
# "setup" makes what a new installation starts with (the demo's teams, the test teams) and may
# manage users; it never logs in either.
SYSTEM_ACCOUNTS = {
    "mail": ("mail-gateway@system.tandem.invalid", _("Mail gateway")),
    "setup": ("setup@system.tandem.invalid", _("Tandem setup")),
    "calendar": ("calendar@system.tandem.invalid", _("Calendar reminders")),
}
SYSTEM_ROLES = {"setup": Role.ADMIN}
SYSTEM_NAMES = dict(SYSTEM_ACCOUNTS.values())


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in to Tandem. Logs in with an e-mail address; what they may do follows `role`."""

    def can(self, permission: str) -> bool:
        """The role table the services enforce (`accounts.roles.can`), for templates: `user|can:"perm"`."""
        return _can(self, permission)

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    handle = models.CharField(
        _("handle"),
        max_length=40,
        unique=True,
        help_text=_("Others mention you in comments as @handle."),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    teams = models.ManyToManyField(Team, related_name="members", blank=True, verbose_name=_("teams"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    calendar = models.CharField(
        _("calendar"), max_length=16, choices=calendars.CHOICES, default=calendars.GREGORIAN
    )
    is_active = models.BooleanField(_("active"), default=True)
    # An account Tandem itself acts as (the mail gateway): never logs in (inactive, no password),
    # never listed, never notified, but its role lets the services act (tandem.accounts.roles.can).
    is_system = models.BooleanField(_("system account"), default=False, editable=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    invited_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.handle:
            self.handle = free_handle(self.email, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def initials(self) -> str:
        """One or two letters for a card's avatar."""
        words = (self.full_name or self.email.split("@")[0]).split()
        return "".join(word[0] for word in words[:2]).upper() or "?"

    @property
    def display_name(self) -> str:
        system = SYSTEM_NAMES.get(self.email)  # by the address, which every list of users loads
        if system is not None:
            return str(system)
        return self.full_name or self.email.split("@")[0]

    @property
    def is_staff(self) -> bool:
        """Only admins reach /admin/."""
        return self.is_active and self.role == Role.ADMIN

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        # Admins are the configuration owners: every Django permission, e.g. in /admin/.
        return self.is_staff or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff or super().has_module_perms(app_label)

    @property
    def has_joined(self) -> bool:
        return self.has_usable_password()


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(models.Model):
    """One failed login, kept for the throttling window. Shared by every web process through the
    database, so throttling holds however many processes serve Tandem. `ip_address` is the client
    as `tandem.core.clients` counts it (an IPv4 address, or an IPv6 /64 network)."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.CharField(_("client"), max_length=45, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address}"


class LoginLockLift(models.Model):
    """An admin lifted a login lock: the client, the account (empty: the client's lock for every
    account) and how many failures were forgiven. The history entry of the lift points here."""

    history_type: ClassVar[str] = "login lock"

    client = models.CharField(_("client"), max_length=45)
    email = models.CharField(_("account"), max_length=254, blank=True)
    failures = models.PositiveIntegerField(_("failures"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), default=timezone.now)

    class Meta:
        verbose_name = _("lifted login lock")
        verbose_name_plural = _("lifted login locks")
        ordering = ["-lifted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client} · {self.email}" if self.email else self.client


class PasswordResetRequest(models.Model):
    """One password-reset mail sent, kept for the throttling window. In the database, like
    `LoginFailure`, so the limit holds across every process that serves Tandem."""

    email = models.CharField(max_length=254, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return self.email
