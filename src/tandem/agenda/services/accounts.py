"""External CalDAV calendars a user connects to one of their Tandem calendars (tandem.agenda.sync
keeps the two in step). Connecting checks the address and the credentials against the server
first (outside any transaction), so a bad address, a wrong password or an address that is not a
calendar is a clear 422 and nothing is saved. The password is stored encrypted
(tandem.core.secrets) and is never answered nor written into history."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.agenda import queries
from tandem.agenda.davremote import AuthFailed, NotACalendar, Remote, RemoteError
from tandem.agenda.models import Calendar, CalendarAccount, SyncStatus
from tandem.agenda.verbs import AgendaVerb
from tandem.core import secrets
from tandem.core.errors import InvalidInput, NotAllowed
from tandem.core.locking import lock_version

MAX_PASSWORD = 1000


def _clean_url(url: Any) -> str:
    url = (url or "").strip() if isinstance(url, str) else ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise InvalidInput(_("Enter the calendar's address (https://…)."), field="url") from error
    if len(url) > 500:
        raise InvalidInput(_("Enter at most 500 characters."), field="url")
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise InvalidInput(
            _("Enter the username and password in their own fields, not in the address."), field="url"
        )
    return url


def _clean_credentials(username: Any, password: Any) -> tuple[str, str]:
    if not isinstance(username, str) or not username.strip() or len(username) > 200:
        raise InvalidInput(_("Enter the username (at most 200 characters)."), field="username")
    if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD:
        raise InvalidInput(_("Enter the password."), field="password")
    return username.strip(), password


def _writable(by: User, calendar: Calendar) -> None:
    if not queries.may_write(by, calendar) or calendar.archived_at is not None:
        raise InvalidInput(_("Choose a calendar you may put events on."), field="calendar")


def check_connection(url: str, username: str, password: str) -> tuple[str, str]:
    """(remote calendar URL, its name) after asking the server; InvalidInput naming the field at fault."""
    try:
        with Remote(url, username, password, timeout=settings.TANDEM_CALDAV_TIMEOUT) as remote:
            return remote.find_calendar()
    except AuthFailed as error:
        raise InvalidInput(str(error), field="password") from None
    except NotACalendar as error:
        raise InvalidInput(str(error), field="url") from None
    except RemoteError as error:
        raise InvalidInput(str(error), field="url") from None


def connect_account(
    *, by: User, url: Any, username: Any, password: Any, calendar: Calendar
) -> CalendarAccount:
    """Connect the CalDAV calendar at `url` to `calendar` (one `by` may write); the first sync runs
    on the worker's next beat (or at once through the API's sync)."""
    require(by, Permission.EDIT_EVENTS)
    url = _clean_url(url)
    username, password = _clean_credentials(username, password)
    _writable(by, calendar)
    remote_url, name = check_connection(url, username, password)
    try:
        with transaction.atomic():
            account = CalendarAccount.objects.create(
                user=by,
                calendar=calendar,
                url=url,
                remote_url=remote_url,
                remote_name=name,
                username=username,
                password_encrypted=secrets.encrypt(password),
            )
            record(
                by=by,
                verb=AgendaVerb.CONNECTED_ACCOUNT,
                target=account,
                changes={"url": url, "remote_url": remote_url, "calendar": calendar.pk},
            )
    except IntegrityError:
        raise InvalidInput(
            _("This external calendar is already connected to that Tandem calendar."), field="url"
        ) from None
    return account


def update_account(
    account: CalendarAccount, *, by: User, version: int | None, data: dict[str, Any]
) -> CalendarAccount:
    """Change the address, credentials, Tandem calendar or `enabled`. A new address or credentials
    are checked against the server; a new address or calendar starts the sync afresh (the next sync
    matches what both sides hold by UID, so nothing is duplicated)."""
    if account.user_id != by.pk:
        raise NotAllowed(_("Only its owner may change this connection."))
    url = _clean_url(data["url"]) if "url" in data else account.url
    new_password = data.get("password")
    username, password = _clean_credentials(
        data.get("username", account.username),
        new_password if new_password is not None else "…",  # the stored one, read below if needed
    )
    calendar: Calendar = data.get("calendar", account.calendar)
    if "calendar" in data:
        _writable(by, calendar)
    remote_url, name = account.remote_url, account.remote_name
    if url != account.url or username != account.username or new_password is not None:
        if new_password is None:
            try:
                password = secrets.decrypt(account.password_encrypted)
            except secrets.SecretUnreadable as error:
                raise InvalidInput(str(error), field="password") from None
        remote_url, name = check_connection(url, username, password)
    with transaction.atomic():
        account = lock_version(CalendarAccount, account.pk, version)
        changes: dict[str, list[Any]] = {}
        afresh = remote_url != account.remote_url or calendar.pk != account.calendar_id
        for field, value in (("url", url), ("username", username), ("remote_url", remote_url)):
            if getattr(account, field) != value:
                changes[field] = [getattr(account, field), value]
                setattr(account, field, value)
        account.remote_name = name
        if calendar.pk != account.calendar_id:
            changes["calendar"] = [account.calendar_id, calendar.pk]
            account.calendar = calendar
        if new_password is not None:
            account.password_encrypted = secrets.encrypt(new_password)
            changes["password"] = ["…", "…"]  # that it changed, never what it is
            if account.status == SyncStatus.ERROR:
                account.status, account.last_error = SyncStatus.NEVER, ""
        if "enabled" in data and bool(data["enabled"]) != account.enabled:
            changes["enabled"] = [account.enabled, bool(data["enabled"])]
            account.enabled = bool(data["enabled"])
        if afresh:
            account.synced_objects.all().delete()
            account.sync_token = ""
            account.status = SyncStatus.NEVER
        if not changes:
            return account
        account.version += 1
        account.updated_at = timezone.now()
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError:
            raise InvalidInput(
                _("This external calendar is already connected to that Tandem calendar."), field="url"
            ) from None
        record(by=by, verb=AgendaVerb.CHANGED_ACCOUNT, target=account, changes=changes)
    return account


def disconnect_account(account: CalendarAccount, *, by: User) -> None:
    """Stop syncing: the connection and what it knew are deleted; events stay on both sides."""
    if account.user_id != by.pk:
        raise NotAllowed(_("Only its owner may disconnect this calendar."))
    with transaction.atomic():
        record(
            by=by,
            verb=AgendaVerb.DISCONNECTED_ACCOUNT,
            target=account,
            changes={"url": account.url, "calendar": account.calendar_id},
        )
        account.delete()
