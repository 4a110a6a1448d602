"""Every write to users, teams and API tokens goes through these functions."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from tandem.accounts.models import (
    SYSTEM_ACCOUNTS,
    SYSTEM_ROLES,
    ApiToken,
    LoginFailure,
    LoginLockLift,
    PasswordResetRequest,
    Team,
    User,
)
from tandem.accounts.roles import Permission, Role, require
from tandem.accounts.verbs import AccountVerb
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.core import calendars
from tandem.core.errors import Conflict, InvalidInput, NotAllowed

TOKEN_PREFIX = "tdm_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for, not a secret


# --- Users ----------------------------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    return email


def invite_user(
    *, email: str, full_name: str = "", role: str = Role.MEMBER, teams: Iterable[Team] = (), by: User
) -> User:
    """Create an account that can't log in yet and mail the person a link to choose a password."""
    require(by, Permission.MANAGE_USERS)
    email = _clean_email(email)
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise Conflict(_("A user with this e-mail address already exists."), field="email")
        user = User.objects.create_user(email, full_name=full_name.strip(), role=role, invited_by=by)
        user.teams.set(list(teams))
        record(by=by, verb=AccountVerb.INVITED, target=user, changes={"role": role})
        transaction.on_commit(lambda: send_invitation.enqueue(user.pk))
    return user


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.TANDEM_BASE_URL + reverse("accept-invite", kwargs={"uidb64": uid, "token": token})


@task()
def send_invitation(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return
    inviter = user.invited_by.display_name if user.invited_by else "Tandem"
    send_mail(
        subject=_("%(inviter)s invited you to Tandem") % {"inviter": inviter},
        message=_("Choose your password to join: %(link)s\n\nThe link works once.")
        % {"link": invitation_link(user)},
        from_email=None,
        recipient_list=[user.email],
    )


def resend_invitation(user: User, *, by: User) -> User:
    """Mail a fresh invitation link to someone who has not joined yet."""
    require(by, Permission.MANAGE_USERS)
    if not user.is_active:
        raise InvalidInput(_("This account is deactivated; reactivate it before inviting again."))
    if user.has_joined:
        raise Conflict(_("%(name)s has already joined.") % {"name": user.display_name})
    with transaction.atomic():
        record(by=by, verb=AccountVerb.REINVITED, target=user)
        transaction.on_commit(lambda: send_invitation.enqueue(user.pk))
    return user


def accept_invitation(user: User, *, password: str, full_name: str = "") -> User:
    with transaction.atomic():
        user.set_password(password)
        if full_name.strip():
            user.full_name = full_name.strip()
        user.save(update_fields=["password", "full_name"])
        record(by=user, verb=AccountVerb.JOINED, target=user)
    return user


def update_user(
    user: User,
    *,
    by: User,
    role: str | None = None,
    teams: Iterable[Team] | None = None,
    full_name: str | None = None,
) -> User:
    require(by, Permission.MANAGE_USERS)
    changes: dict[str, object] = {}
    with transaction.atomic():
        if role is not None and role != user.role:
            if role not in Role.values:
                raise InvalidInput(_("Unknown role."), field="role")
            if user.pk == by.pk and role != Role.ADMIN:
                raise NotAllowed(_("You cannot take the admin role from yourself."), field="role")
            changes["role"] = [user.role, role]
            user.role = role
        if full_name is not None and full_name.strip() != user.full_name:
            changes["full_name"] = [user.full_name, full_name.strip()]
            user.full_name = full_name.strip()
        user.save(update_fields=["role", "full_name"])
        if teams is not None:
            new = sorted(t.name for t in teams)
            old = sorted(user.teams.values_list("name", flat=True))
            if new != old:
                user.teams.set(list(teams))
                changes["teams"] = [old, new]
        if changes:
            record(by=by, verb=RecordVerb.UPDATED, target=user, changes=changes)
    return user


def set_user_active(user: User, *, active: bool, by: User) -> User:
    """Deactivate (or reactivate) an account. A deactivated user cannot log in, their sessions
    and API tokens stop working, and everything they did stays attributed to them."""
    require(by, Permission.MANAGE_USERS)
    if user.pk == by.pk and not active:
        raise NotAllowed(_("You cannot deactivate yourself."))
    if user.is_system:
        raise NotAllowed(_("Tandem's own accounts cannot log in."))
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(by=by, verb=AccountVerb.REACTIVATED if active else AccountVerb.DEACTIVATED, target=user)
    return user


def edit_user(
    user: User,
    *,
    by: User,
    role: str | None = None,
    teams: Iterable[Team] | None = None,
    full_name: str | None = None,
    active: bool | None = None,
) -> User:
    """An admin's edit of a person in one go (the admin site's user form): name, role, teams and
    whether they may log in, in one transaction, so a refusal of any part leaves all of it unsaved."""
    with transaction.atomic():
        update_user(user, by=by, role=role, teams=teams, full_name=full_name)
        if active is not None:
            set_user_active(user, active=active, by=by)
    return user


def system_account(key: str) -> User:
    """The account Tandem acts as for `key` ("mail": items made from inbound mail), made on first
    use: a member by role (setup: an admin), inactive and without a password, so it never logs in,
    is never listed among people to choose and is never notified."""
    email, name = SYSTEM_ACCOUNTS[key]
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            with translation.override(settings.LANGUAGE_CODE):  # the stored name is the English one
                full_name = str(name)
            role = SYSTEM_ROLES.get(key, Role.MEMBER)
            user = User(email=email, full_name=full_name, role=role, is_active=False, is_system=True)
            user.set_unusable_password()
            user.save()
    except IntegrityError:  # made by another process meanwhile
        user = User.objects.get(email=email)
    return user


def update_profile(
    user: User, *, full_name: str, language: str, time_zone: str, calendar: str | None = None
) -> User:
    """The user's name, language, time zone and calendar (no calendar given: kept as it is)."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Unknown language."), field="language")
    from tandem.accounts.models import TIME_ZONE_CHOICES

    if time_zone not in dict(TIME_ZONE_CHOICES):
        raise InvalidInput(_("Unknown time zone."), field="time_zone")
    calendar = calendar or user.calendar
    if calendar not in dict(calendars.CHOICES):
        raise InvalidInput(_("Unknown calendar."), field="calendar")
    values = {
        "full_name": full_name.strip(),
        "language": language,
        "time_zone": time_zone,
        "calendar": calendar,
    }
    changes = {f: [getattr(user, f), v] for f, v in values.items() if getattr(user, f) != v}
    with transaction.atomic():
        for field, value in values.items():
            setattr(user, field, value)
        user.save(update_fields=list(values))
        if changes:
            record(by=user, verb=RecordVerb.UPDATED, target=user, changes=changes)
    return user


def change_password(user: User, *, password: str) -> User:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(by=user, verb=AccountVerb.CHANGED_PASSWORD, target=user)
    return user


# --- Forgotten passwords --------------------------------------------------------------------

PASSWORD_RESET_MAX_MAILS = 3  # per e-mail address within the login throttling window


def request_password_reset(email: str) -> None:
    """Mail a link to choose a new password to the active, joined user with this e-mail address.
    Does nothing for an unknown address, a deactivated account or someone who has not joined yet,
    and nothing once the address had its share of reset mails within the window: whoever asks
    sees the same answer, so it tells them nothing about who has an account."""
    email = (email or "").strip().lower()[:254]
    with transaction.atomic():
        # Locking the account makes concurrent requests for it take turns at the count below.
        user = User.objects.select_for_update().filter(email=email, is_active=True).first()
        if user is None or not user.has_joined:
            return
        PasswordResetRequest.objects.filter(at__lt=_window_start()).delete()
        if PasswordResetRequest.objects.filter(email=email).count() >= PASSWORD_RESET_MAX_MAILS:
            return
        PasswordResetRequest.objects.create(email=email)
        transaction.on_commit(lambda: send_password_reset.enqueue(user.pk))


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.TANDEM_BASE_URL + reverse(
        "password-reset-confirm", kwargs={"uidb64": uid, "token": token}
    )


@task()
def send_password_reset(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_joined:
        return
    with translation.override(user.language):  # the person chose this language in their profile
        send_mail(
            subject=_("Choose a new Tandem password"),
            message=_(
                "Someone, probably you, asked to choose a new password for %(email)s.\n\n"
                "Choose it here: %(link)s\n\n"
                "The link works once. If you did not ask, ignore this mail: your password stays as it is."
            )
            % {"email": user.email, "link": password_reset_link(user)},
            from_email=None,
            recipient_list=[user.email],
        )


def reset_password(user: User, *, password: str) -> User:
    """Set the password chosen through a reset link. Earlier failed logins no longer count: the
    person has just proven they own the address."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(by=user, verb=AccountVerb.RESET_PASSWORD, target=user)
        clear_login_failures(user.email)
    return user


# --- Teams ----------------------------------------------------------------------------------


def create_team(*, name: str, slug: str, description: str = "", by: User) -> Team:
    """A new team; the team of that slug when there is one already (so seeding twice is harmless).
    What a new installation starts with is made by the setup account (`system_account("setup")`)."""
    require(by, Permission.MANAGE_USERS)
    with transaction.atomic():
        existing = Team.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        name, slug = _team_fields(name, slug)
        team = Team.objects.create(name=name, slug=slug, description=description)
        record(by=by, verb=RecordVerb.CREATED, target=team)
    return team


def _team_fields(name: str, slug: str, *, other_than: Team | None = None) -> tuple[str, str]:
    name = " ".join(str(name or "").split())
    if not name:
        raise InvalidInput(_("A team needs a name."), field="name")
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="slug") from None
    others = Team.objects.exclude(pk=other_than.pk) if other_than is not None else Team.objects.all()
    if others.filter(name=name).exists() or others.filter(slug=slug).exists():
        raise Conflict(_("Another team has this name or slug."))
    return name, slug


def update_team(
    team: Team, *, by: User, name: str | None = None, slug: str | None = None, description: str | None = None
) -> Team:
    """Rename a team, change its slug (its address in the directory's filter) or its description."""
    require(by, Permission.MANAGE_USERS)
    with transaction.atomic():
        current = Team.objects.select_for_update().get(pk=team.pk)
        new_name, new_slug = _team_fields(
            current.name if name is None else name, current.slug if slug is None else slug, other_than=current
        )
        values = {"name": new_name, "slug": new_slug}
        if description is not None:
            values["description"] = description
        changes = {f: [getattr(current, f), v] for f, v in values.items() if getattr(current, f) != v}
        if changes:
            for field, value in values.items():
                setattr(current, field, value)
            current.save(update_fields=list(values))
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
    return current


def delete_team(team: Team, *, by: User) -> None:
    """Delete a team: its members stay, no longer in it, and its boards no longer belong to a team."""
    require(by, Permission.MANAGE_USERS)
    with transaction.atomic():
        current = Team.objects.select_for_update().get(pk=team.pk)
        boards = sorted(current.boards.values_list("name", flat=True))
        members = sorted(current.members.values_list("email", flat=True))
        record(
            by=by,
            verb=RecordVerb.DELETED,
            target=current,
            changes={"name": current.name, "boards": boards, "members": members},
        )
        current.delete()


# --- API tokens -----------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """Returns the stored token and the secret, which is shown once and never stored."""
    require(user, Permission.USE_API)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput(_("Give the token a name of at most 80 characters."), field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=secret[:12], digest=_digest(secret))
        record(by=user, verb=AccountVerb.CREATED_TOKEN, target=user, changes={"token": name})
    return token, secret


def revoke_api_token(token: ApiToken, *, by: User) -> ApiToken:
    if token.user_id != by.pk:
        require(by, Permission.MANAGE_USERS)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(
                by=by,
                verb=AccountVerb.REVOKED_TOKEN,
                target=token.user,
                changes={"token": token.name},
            )
    return token


def user_for_token(secret: str) -> User | None:
    """The active user a bearer token belongs to, or None. Touches last_used_at at most once a minute."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Login throttling -----------------------------------------------------------------------
#
# Failures are counted per client (`tandem.core.clients`: its address, the proxy's X-Forwarded-For
# entry behind a proxy) and per account and client. A client is refused for one account after
# TANDEM_LOGIN_MAX_FAILURES failures for it, and for every account after
# TANDEM_LOGIN_MAX_CLIENT_FAILURES failures for any, within the window. There is no lock on an
# account as such: its owner, on a client that has not failed, always gets in, so nobody can lock
# them out by guessing. Refused attempts are not counted again.


@dataclass(frozen=True)
class LoginLock:
    """A client refused for one account (`email`), or for every account (`email` empty)."""

    client: str
    email: str
    failures: int
    until: datetime


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.TANDEM_LOGIN_WINDOW_SECONDS)


def _email_key(email: str) -> str:
    return email.strip().lower()[:254]


def _limits(email: str, client: str) -> list[tuple[QuerySet[LoginFailure], int]]:
    recent = LoginFailure.objects.filter(at__gte=_window_start(), ip_address=client)
    return [
        (recent.filter(email=_email_key(email)), settings.TANDEM_LOGIN_MAX_FAILURES),
        (recent, settings.TANDEM_LOGIN_MAX_CLIENT_FAILURES),
    ]


def _lifts_at(failures: QuerySet[LoginFailure], allowed: int) -> datetime | None:
    """When a lock over these failures lifts: when the failure that reached the limit (the
    `allowed`-th newest) leaves the window. None when there are fewer."""
    reached = list(failures.order_by("-at").values_list("at", flat=True)[allowed - 1 : allowed])
    if not reached:
        return None
    return reached[0] + timedelta(seconds=settings.TANDEM_LOGIN_WINDOW_SECONDS)


def login_locked(email: str, client: str) -> bool:
    """Whether a login for `email` from `client` is refused, whatever the password."""
    return any(failures.count() >= allowed for failures, allowed in _limits(email, client))


def login_retry_after(email: str, client: str) -> timedelta:
    """How long until `login_locked` lifts for this e-mail and client; zero when it isn't locked."""
    now = timezone.now()
    wait = timedelta(0)
    for failures, allowed in _limits(email, client):
        until = _lifts_at(failures, allowed)
        if until is not None:
            wait = max(wait, until - now)
    return wait


def record_login_failure(email: str, client: str) -> None:
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    LoginFailure.objects.create(email=_email_key(email), ip_address=client[:45])


def clear_login_failures(email: str, client: str | None = None) -> None:
    """Forget the failures for `email` from `client` (a right password from there), or from every
    client (its owner reset the password)."""
    failures = LoginFailure.objects.filter(email=_email_key(email))
    if client is not None:
        failures = failures.filter(ip_address=client)
    failures.delete()


def login_locks() -> list[LoginLock]:
    """The locks in force now, the latest to lift first: clients refused for every account, and
    (account, client) pairs."""
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    groups: list[tuple[str, str, int]] = [
        (row["ip_address"], "", row["n"])
        for row in recent.values("ip_address")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.TANDEM_LOGIN_MAX_CLIENT_FAILURES)
    ]
    groups += [
        (row["ip_address"], row["email"], row["n"])
        for row in recent.values("ip_address", "email")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.TANDEM_LOGIN_MAX_FAILURES)
    ]
    locks = []
    for client, email, count in groups:
        failures = recent.filter(ip_address=client)
        if email:
            failures = failures.filter(email=email)
        allowed = settings.TANDEM_LOGIN_MAX_FAILURES if email else settings.TANDEM_LOGIN_MAX_CLIENT_FAILURES
        until = _lifts_at(failures, allowed)
        if until is not None:
            locks.append(LoginLock(client=client, email=email, failures=count, until=until))
    return sorted(locks, key=lambda lock: (lock.until, lock.client, lock.email), reverse=True)


def lift_login_lock(*, client: str, email: str = "", by: User) -> LoginLockLift | None:
    """An admin lets a client in again: for one account (its failures for that account are
    forgotten), or with `email` empty for every account (all of the client's failures are
    forgotten). Recorded in history; None when there was nothing to lift."""
    require(by, Permission.MANAGE_USERS)
    email = _email_key(email)
    with transaction.atomic():
        failures = LoginFailure.objects.filter(ip_address=client)
        if email:
            failures = failures.filter(email=email)
        forgiven, _deleted = failures.delete()
        if not forgiven:
            return None
        lift = LoginLockLift.objects.create(client=client[:45], email=email, failures=forgiven, lifted_by=by)
        record(
            by=by,
            verb=AccountVerb.LIFTED_LOGIN_LOCK,
            target=lift,
            changes={"client": client, "account": email or None, "failures": forgiven},
        )
    return lift
