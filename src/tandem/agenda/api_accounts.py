"""/api/v1/calendar-accounts: the external CalDAV calendars a user connects (only their owner
sees them), and a sync run at once. The password is write-only: no answer ever holds it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from tandem.accounts.auth import acting_user
from tandem.agenda import queries, services, sync
from tandem.agenda.models import Calendar, CalendarAccount
from tandem.core.api.concurrency import IfMatch, edit_precondition, set_etag, stale_as_412
from tandem.core.api.errors import errors
from tandem.core.api.types import NoNul, PathId, RecordId
from tandem.core.errors import Conflict, InvalidInput, NotFound

accounts = Router(tags=["Calendar accounts"])

Url = Annotated[str, Field(strict=True, min_length=1, max_length=500), NoNul]
Username = Annotated[str, Field(strict=True, min_length=1, max_length=200), NoNul]
Password = Annotated[str, Field(strict=True, min_length=1, max_length=1000), NoNul]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AccountIn(_Input):
    url: Url = Field(description="The CalDAV calendar's address (or an account's, when it has one calendar).")
    username: Username
    password: Password = Field(description="Write-only: stored encrypted, never answered.")
    calendar: RecordId = Field(description="The Tandem calendar it syncs with (one you may put events on).")


class AccountPatch(_Input):
    url: Url | None = None
    username: Username | None = None
    password: Password | None = None
    calendar: RecordId | None = None
    enabled: bool | None = None
    version: RecordId | None = Field(None, description="The version read (or send If-Match).")


class AccountOut(Schema):
    id: int
    url: str
    remote_url: str
    remote_name: str
    username: str
    calendar: int
    status: str = Field(description="never, syncing, ok or error")
    last_synced_at: datetime | None
    last_error: str
    enabled: bool
    version: int
    created_at: datetime

    @staticmethod
    def resolve_calendar(account: CalendarAccount) -> int:
        return account.calendar_id


class Problem(Schema):
    uid: str
    message: str


class SyncOut(Schema):
    pulled_created: int = Field(description="Tandem events made from new remote events")
    pulled_updated: int = Field(description="Tandem events changed from remote changes")
    pulled_deleted: int = Field(description="Tandem events deleted because they were deleted remotely")
    pushed_created: int = Field(description="remote events made from new Tandem events")
    pushed_updated: int = Field(description="remote events changed from Tandem changes")
    pushed_deleted: int = Field(description="remote events deleted because they were deleted in Tandem")
    conflicts: int = Field(description="events changed on both sides: the newer change kept")
    errors: int = Field(description="events that could not be synced (see problems)")
    problems: list[Problem]
    status: str
    last_error: str


def _calendar(user: Any, pk: int) -> Calendar:
    try:
        return queries.get_calendar_for_user(user, pk)
    except NotFound as error:
        raise InvalidInput(_("There is no such calendar."), field="calendar") from error


@accounts.get("", response={200: list[AccountOut], **errors()})
def list_accounts(request: HttpRequest) -> list[CalendarAccount]:
    """Your connected calendars with their sync status and last error."""
    return list(queries.accounts_of(acting_user(request)))


@accounts.post("", response={201: AccountOut, **errors(403)})
def connect(request: HttpRequest, payload: AccountIn, response: HttpResponse) -> Status[CalendarAccount]:
    """Connect a CalDAV calendar: the server is asked at once, so a bad address, wrong credentials
    or an address that is not a calendar is a 422 naming the field; the first sync follows on the
    worker (or POST …/sync)."""
    user = acting_user(request)
    account = services.connect_account(
        by=user,
        url=payload.url,
        username=payload.username,
        password=payload.password,
        calendar=_calendar(user, payload.calendar),
    )
    set_etag(response, account.version)
    response["Location"] = f"{request.path.rstrip('/')}/{account.pk}"
    return Status(201, account)


@accounts.get("/{id}", response={200: AccountOut, **errors(404)})
def get_account(request: HttpRequest, id: PathId, response: HttpResponse) -> CalendarAccount:
    account = queries.get_account_for_user(acting_user(request), id)
    set_etag(response, account.version)
    return account


@accounts.patch("/{id}", response={200: AccountOut, **errors(403, 404, 409, 412, 428)})
def update(
    request: HttpRequest, id: PathId, payload: AccountPatch, response: HttpResponse, if_match: IfMatch = None
) -> CalendarAccount:
    """Change the address, credentials (checked with the server), Tandem calendar or `enabled`."""
    user = acting_user(request)
    account = queries.get_account_for_user(user, id)
    precondition = edit_precondition(if_match, payload.version)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name, value in data.items():
        if value is None:
            raise InvalidInput(_("This field cannot be empty."), field=name)
    if "calendar" in data:
        data["calendar"] = _calendar(user, data["calendar"])
    with stale_as_412(precondition.from_header):
        account = services.update_account(account, by=user, version=precondition.version, data=data)
    set_etag(response, account.version)
    return account


@accounts.delete("/{id}", response={204: None, **errors(404)})
def disconnect(request: HttpRequest, id: PathId) -> Status[None]:
    """Disconnect: syncing stops; the events stay in Tandem and on the server."""
    user = acting_user(request)
    services.disconnect_account(queries.get_account_for_user(user, id), by=user)
    return Status(204, None)


@accounts.post("/{id}/sync", response={200: SyncOut, **errors(404, 409)})
def sync_now(request: HttpRequest, id: PathId) -> dict[str, Any]:
    """Sync both ways now and answer what was done. A server that cannot be used is not an HTTP
    error: the answer's `status` is "error" with `last_error` (as the account records it)."""
    account = queries.get_account_for_user(acting_user(request), id)
    try:
        counts = sync.sync_account(account.pk)
    except sync.SyncRunning as error:
        raise Conflict(str(error)) from None
    account.refresh_from_db()
    return {**counts.as_dict(), "status": account.status, "last_error": account.last_error}
