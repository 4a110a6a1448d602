"""Two-way CalDAV sync of a user's external calendar (a `CalendarAccount`) with one Tandem calendar.

One remote object is one series: the master VEVENT and its overridden occurrences under one UID
(bitfireAT/davdroid#170). `SyncedObject` remembers, per account, each object's href, ETag and UID
and the Tandem series' `version` when both sides last agreed. A sync:

1. **pulls** what changed remotely: a sync-collection REPORT from the stored sync token (RFC 6578;
   "" lists everything). A token the server no longer knows (403 valid-sync-token, 409, 410 — a
   pruned change log, nextcloud/server#36644) starts a full resync that compares ETags, so it
   duplicates nothing. A new object is matched by UID on the account's calendar, then on every
   calendar the user may see (one meeting synced by several attendees stays one event,
   twenty#5159); only an unknown UID makes a new event. Objects gone remotely delete their series
   (only on the account's own calendar; another's event just loses the link).
2. **pushes** what changed in Tandem since: PUT with `If-Match` the ETag it knows (`If-None-Match: *`
   for a new object), DELETE with `If-Match` for a series deleted in Tandem. A 412 means the remote
   copy changed meanwhile: it is fetched and the two resolved as below.

A **conflict** (both sides changed since the last sync) keeps the newest change — the remote
copy's LAST-MODIFIED (else DTSTAMP) against the series' `updated_at` — and records the other side's
version in the series' history (verb "sync conflict"). A deletion on one side against a change on
the other keeps the change. Every write to Tandem goes through agenda's services (via
tandem.agenda.ical.apply) as the account's user, with its history. Attendees are never rewritten
from a sync: ical.apply imports none, and a push keeps the remote copy's ORGANIZER and ATTENDEEs,
adding only Tandem's users who are missing (SuiteCRM#10804 mailed cancellations to invitees).

The worker syncs every enabled account every `TANDEM_CALDAV_INTERVAL` seconds and soon after a
change to an event on its calendar (a history subscriber marks the account; the beat enqueues the
job). One account's failure is recorded on it (`status` error, `last_error`: a sentence, never a
traceback or the password) and never stops the others."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.activity.models import HistoryEntry
from tandem.activity.services import record
from tandem.agenda import ical, queries, services
from tandem.agenda.davremote import PreconditionFailed, Remote, RemoteError, TokenInvalid
from tandem.agenda.models import CalendarAccount, Event, SyncedObject, SyncStatus
from tandem.agenda.recurrence import iso
from tandem.agenda.verbs import AgendaVerb
from tandem.core import secrets
from tandem.core.errors import ServiceError
from tandem.core.jobs import enqueue_once, every_beat

logger = logging.getLogger("tandem.agenda.sync")

STALE = timedelta(minutes=15)  # a sync still "running" after this was cut off (its worker stopped)
MAX_PROBLEMS = 20
# what a sync of an account tells the history subscriber (its own writes ask for no new sync)
_syncing: ContextVar[int | None] = ContextVar("tandem_caldav_syncing", default=None)
# history verbs that do not change what a remote copy holds
_QUIET_VERBS = {AgendaVerb.REMINDED.value, AgendaVerb.RESPONDED.value, AgendaVerb.SYNC_CONFLICT.value}


@dataclass
class Counts:
    """What one sync did. pulled_*: Tandem events created, updated, deleted from remote changes;
    pushed_*: remote objects created, updated, deleted from Tandem changes; conflicts: objects
    changed on both sides (the newer kept); errors: objects that could not be synced, each in
    `problems` ({uid, message}; the first 20)."""

    pulled_created: int = 0
    pulled_updated: int = 0
    pulled_deleted: int = 0
    pushed_created: int = 0
    pushed_updated: int = 0
    pushed_deleted: int = 0
    conflicts: int = 0
    errors: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def problem(self, uid: str, message: str) -> None:
        self.errors += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"uid": uid[:255], "message": message})


class SyncRefused(Exception):
    """The account cannot sync now; the message is for its owner."""


class SyncRunning(Exception):
    """Another sync of the account is running."""


# --- Not in tandem.agenda.ical (sync's own, small): the remote copy's time of change, and its people --


def _as_utc(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


def remote_modified(data: bytes) -> datetime | None:
    """When the remote object last changed: the latest LAST-MODIFIED of its VEVENTs (DTSTAMP where
    a VEVENT has none). SYNC-SIDE HELPER: ical.read does not return these."""
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except ValueError:
        return None
    found: list[datetime] = []
    for calendar in calendars:
        for component in calendar.walk("VEVENT"):
            for name in ("last-modified", "dtstamp"):
                moment = _as_utc(getattr(component.get(name), "dt", None))
                if moment is not None:
                    found.append(moment)
                    break
    return max(found, default=None)


def _occurrence_key(component: icalendar.Component) -> str:
    prop = component.get("recurrence-id")
    if prop is None:
        return ""
    value = prop.dt
    moment = _as_utc(value)
    return iso(moment) if moment is not None else str(value)


def _address_of(value: Any) -> str:
    return str(value).strip().lower().removeprefix("mailto:")


def keep_remote_people(ours: list[icalendar.Event], theirs: bytes | None) -> list[icalendar.Event]:
    """Tandem's VEVENTs with the remote copy's ORGANIZER and ATTENDEEs kept as they are, plus those
    of Tandem's attendees the remote copy lacks. SYNC-SIDE HELPER: Tandem imports no attendee from a
    sync, so writing its own list back would drop people it never knew (SuiteCRM#10804)."""
    if theirs is None:
        return ours
    try:
        calendars = icalendar.Calendar.from_ical(theirs, multiple=True)
    except ValueError:
        return ours
    people: dict[str, tuple[Any, list[Any]]] = {}
    for calendar in calendars:
        for component in calendar.walk("VEVENT"):
            attendees = component.get("attendee", [])
            attendees = attendees if isinstance(attendees, list) else [attendees]
            people[_occurrence_key(component)] = (component.get("organizer"), list(attendees))
    for component in ours:
        remote = people.get(_occurrence_key(component))
        if remote is None:
            continue
        organizer, attendees = remote
        mine = component.get("attendee", [])
        mine = mine if isinstance(mine, list) else [mine]
        known = {_address_of(a) for a in attendees}
        merged = attendees + [a for a in mine if _address_of(a) not in known]
        component.pop("attendee", None)
        if merged:
            component["attendee"] = merged
        if organizer is not None:
            component["organizer"] = organizer
    return ours


def object_bytes(series: Event, remote: bytes | None) -> bytes:
    """The remote object of a series: a VCALENDAR with its VEVENTs (ical.vevents_of, people kept as
    `keep_remote_people` says) and a VTIMEZONE for each zone used."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", ical.PRODID)
    calendar.add("version", "2.0")
    for component in keep_remote_people(ical.vevents_of(series, with_people=True), remote):
        calendar.add_component(component)
    if calendar.get_used_tzids():
        calendar.add_missing_timezones(
            first_date=min(series.start.date(), date(1970, 1, 1)) - timedelta(days=366)
        )
    return bytes(calendar.to_ical())


# --- What the loser of a conflict was -----------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _summary(data: dict[str, Any], changed_at: datetime | None) -> dict[str, Any]:
    kept = ("title", "start", "end", "time_zone", "all_day", "location", "status", "rrule")
    found = {name: _plain(data[name]) for name in kept if data.get(name) not in (None, "")}
    if data.get("description"):
        found["description"] = str(data["description"])[:500]
    if changed_at is not None:
        found["changed_at"] = iso(changed_at)
    return found


def _series_summary(series: Event) -> dict[str, Any]:
    return _summary({name: getattr(series, name) for name in ("title", "start", "end", "time_zone",
                     "all_day", "location", "status", "rrule", "description")}, series.updated_at)  # fmt: skip


# --- One sync ---------------------------------------------------------------------------------------


def _href_for(collection: str, uid: str) -> str:
    """A new remote object's path: its UID when that is a plain file name, else a digest of it."""
    path = collection if collection.endswith("/") else collection + "/"
    name = uid if re.fullmatch(r"[A-Za-z0-9._-]{1,200}", uid) else hashlib.sha256(uid.encode()).hexdigest()
    return f"{path}{name}.ics"


class AccountSync:
    """Pull, then push, one account's changes over `remote`; `counts` says what was done."""

    def __init__(self, account: CalendarAccount, remote: Remote) -> None:
        self.account = account
        self.remote = remote
        self.user = account.user
        self.counts = Counts()

    def run(self) -> str:
        """Sync both ways; the new sync token."""
        token = self.account.sync_token
        full = not token
        try:
            members, new_token = self.remote.changes(token)
        except TokenInvalid:
            logger.info("CalDAV account %s: sync token no longer valid, full resync", self.account.pk)
            members, new_token = self.remote.changes("")
            full = True
        self.pull(members, full=full)
        self.push()
        return new_token

    # --- helpers ---

    def _guard(self, uid: str, work: Callable[[], None]) -> None:
        """Run one object's work in its own transaction; a refusal of Tandem's rules (a resource's
        clash, a field Tandem cannot take) is that object's error, the others go on."""
        try:
            with transaction.atomic():
                work()
        except ServiceError as error:
            self.counts.problem(uid, error.message)

    def _objects(self) -> dict[str, SyncedObject]:
        return {o.href: o for o in self.account.synced_objects.select_related("series", "series__calendar")}

    def _writable(self, series: Event) -> bool:
        return series.calendar_id == self.account.calendar_id or queries.may_write(self.user, series.calendar)

    def _conflict(self, series: Event, *, kept: str, discarded: dict[str, Any]) -> None:
        self.counts.conflicts += 1
        record(
            by=self.user,
            verb=AgendaVerb.SYNC_CONFLICT,
            target=series,
            changes={"account": self.account.pk, "kept": kept, "discarded": discarded},
        )

    def _match(self, uid: str) -> Event | None:
        """The series with this UID: on the account's calendar, else on any calendar the user sees."""
        own = Event.objects.filter(calendar=self.account.calendar, uid=uid, master=None).first()
        if own is not None:
            return own
        return (
            Event.objects.filter(uid=uid, master=None, calendar__archived_at=None)
            .filter(queries.event_visibility(self.user))
            .select_related("calendar")
            .order_by("pk")
            .first()
        )

    def _apply(self, series_calendar: Any, parsed: ical.Parsed) -> tuple[str, Event]:
        result = ical.apply(series_calendar, parsed, by=self.user)
        series = Event.objects.select_related("calendar").get(
            calendar=series_calendar, uid=parsed.uid, master=None
        )
        return result, series

    # --- pulling ---

    def pull(self, members: Iterable[Any], *, full: bool) -> None:
        objects = self._objects()
        members = list(members)
        present = {m.href for m in members if not m.deleted}
        wanted = [
            m.href
            for m in members
            if not m.deleted and (m.href not in objects or not m.etag or objects[m.href].etag != m.etag)
        ]
        gone = [m.href for m in members if m.deleted and m.href in objects]
        if full:  # a full listing: what it lacks is gone
            gone += [href for href in objects if href not in present]
        for href, etag, data in self.remote.fetch(wanted):
            if data is None:
                if href in objects:
                    gone.append(href)
                continue
            self.pull_one(href, etag, data)
        for href in dict.fromkeys(gone):
            obj = (
                SyncedObject.objects.filter(account=self.account, href=href).select_related("series").first()
            )
            if obj is not None:
                self._guard(obj.uid, lambda obj=obj: self._pull_gone(obj))  # type: ignore[misc]

    def pull_one(self, href: str, etag: str, data: bytes) -> None:
        try:
            found = ical.read(data)
        except ServiceError as error:
            self.counts.problem(href.rsplit("/", 1)[-1], error.message)
            return
        if not found:
            return  # not an event (a task, a journal): not Tandem's
        parsed = found[0]
        if parsed.error or parsed.master is None:
            self.counts.problem(parsed.uid, parsed.error or _("This event cannot be read."))
            return
        modified = remote_modified(data)
        self._guard(parsed.uid, lambda: self._pull_parsed(href, etag, parsed, modified))

    def _pull_parsed(self, href: str, etag: str, parsed: ical.Parsed, modified: datetime | None) -> None:
        obj = (
            SyncedObject.objects.filter(account=self.account)
            .filter(Q(href=href) | Q(uid=parsed.uid))
            .select_related("series", "series__calendar")
            .first()
        )
        if obj is None:
            series = self._match(parsed.uid)
            if series is None:
                _result, series = self._apply(self.account.calendar, parsed)
                self.counts.pulled_created += 1
            elif self._writable(series):
                result, series = self._apply(series.calendar, parsed)
                self.counts.pulled_updated += result != "unchanged"
            SyncedObject.objects.create(
                account=self.account,
                series=series,
                href=href,
                etag=etag,
                uid=parsed.uid,
                remote_modified=modified,
                local_version=series.version,
            )
            return
        series = obj.series
        if series is None:
            # deleted in Tandem, changed remotely since: the change is kept (the event comes back)
            _result, series = self._apply(self.account.calendar, parsed)
            self.counts.pulled_created += 1
            self._conflict(series, kept="remote", discarded={"deleted": True})
        elif series.version != obj.local_version and self._writable(series):
            if modified is not None and modified <= series.updated_at:
                # Tandem's change is the newer: kept, and pushed over this copy (If-Match: this ETag)
                self._conflict(series, kept="tandem", discarded=_summary(parsed.master or {}, modified))
                obj.href, obj.etag, obj.uid, obj.remote_modified = href, etag, parsed.uid, modified
                obj.save(update_fields=["href", "etag", "uid", "remote_modified"])
                return
            losing = _series_summary(series)
            _result, series = self._apply(series.calendar, parsed)
            self._conflict(series, kept="remote", discarded=losing)
        elif self._writable(series):
            result, series = self._apply(series.calendar, parsed)
            self.counts.pulled_updated += result != "unchanged"
        obj.series = series
        obj.href, obj.etag, obj.uid, obj.remote_modified = href, etag, parsed.uid, modified
        obj.local_version = series.version
        obj.synced_at = timezone.now()
        obj.save()

    def _pull_gone(self, obj: SyncedObject) -> None:
        series = obj.series
        if series is not None and series.calendar_id == self.account.calendar_id and self._writable(series):
            if series.version != obj.local_version:
                # changed in Tandem since: the change is kept, and sent again as a new object
                self._conflict(series, kept="tandem", discarded={"deleted": True})
            else:
                services.delete_event(series, by=self.user, scope="all")
                self.counts.pulled_deleted += 1
        # someone else's event (linked by UID) only loses this account's link to it
        SyncedObject.objects.filter(pk=obj.pk).delete()

    # --- pushing ---

    def push(self) -> None:
        for obj in list(self.account.synced_objects.filter(series__isnull=True)):
            self._guard(obj.uid, lambda obj=obj: self._push_deletion(obj))  # type: ignore[misc]
        for obj in list(self.account.synced_objects.filter(series__isnull=False).select_related("series")):
            assert obj.series is not None
            if obj.series.version != obj.local_version:
                self._guard(obj.uid, lambda obj=obj: self._push_change(obj))  # type: ignore[misc]
        mapped = SyncedObject.objects.filter(account=self.account, uid=OuterRef("uid"))
        for series in (
            Event.objects.filter(calendar=self.account.calendar, master=None)
            .exclude(Exists(mapped))
            .order_by("pk")
        ):
            self._guard(series.uid, lambda series=series: self._push_new(series))  # type: ignore[misc]

    def _push_deletion(self, obj: SyncedObject) -> None:
        try:
            self.remote.delete(obj.href, etag=obj.etag)
        except PreconditionFailed:
            # changed remotely after the last sync: that change is kept (the event comes back)
            found = self.remote.get(obj.href)
            if found is not None:
                self.pull_one(obj.href, *found)
                return
        SyncedObject.objects.filter(pk=obj.pk).delete()
        self.counts.pushed_deleted += 1

    def _push_change(self, obj: SyncedObject, *, again: bool = True) -> None:
        assert obj.series_id is not None
        series = Event.objects.select_related("calendar", "organizer").get(pk=obj.series_id)
        found = self.remote.get(obj.href)
        if found is None:
            # deleted remotely, changed in Tandem: the change is kept, as a new object
            SyncedObject.objects.filter(pk=obj.pk).delete()
            self._conflict(series, kept="tandem", discarded={"deleted": True})
            self._push_new(series)
            return
        etag, data = found
        if obj.etag and etag and etag != obj.etag:
            # changed on both sides: resolved as a pull; pushed below only if Tandem's was newer
            self.pull_one(obj.href, etag, data)
            obj.refresh_from_db()
            series.refresh_from_db()
            if obj.series_id is None or series.version == obj.local_version:
                return
        try:
            new_etag = self.remote.put(obj.href, object_bytes(series, data), etag=etag or obj.etag)
        except PreconditionFailed:
            if again:
                self._push_change(obj, again=False)
                return
            raise RemoteError(_("The server kept answering that the event changed meanwhile.")) from None
        obj.etag = new_etag or (self.remote.get(obj.href) or ("", b""))[0]
        obj.local_version = series.version
        obj.remote_modified = series.updated_at
        obj.synced_at = timezone.now()
        obj.save()
        self.counts.pushed_updated += 1

    def _push_new(self, series: Event) -> None:
        path = _href_for(unquote(urlsplit(self.remote.url).path), series.uid)
        try:
            etag = self.remote.put(path, object_bytes(series, None), etag=None)
        except PreconditionFailed:
            # an object is there already (named by the same UID): taken as the remote copy
            found = self.remote.get(path)
            if found is not None:
                self.pull_one(path, *found)
            return
        etag = etag or (self.remote.get(path) or ("", b""))[0]
        SyncedObject.objects.create(
            account=self.account,
            series=series,
            href=path,
            etag=etag,
            uid=series.uid,
            remote_modified=series.updated_at,
            local_version=series.version,
        )
        self.counts.pushed_created += 1


# --- Running a sync -------------------------------------------------------------------------------


def _refusal(account: CalendarAccount) -> str | None:
    user = account.user
    if not user.is_active:
        return _("The account's owner can no longer sign in.")
    if account.calendar.archived_at is not None or not queries.may_write(user, account.calendar):
        return _("You may no longer put events on “%(name)s”.") % {"name": account.calendar.name}
    return None


def sync_account(account_id: int) -> Counts:
    """Sync one account now. Its outcome is recorded on it (`status`, `last_error`,
    `last_synced_at`); SyncRunning when another sync of it is under way."""
    now = timezone.now()
    claimed = (
        CalendarAccount.objects.filter(pk=account_id)
        .filter(~Q(status=SyncStatus.SYNCING) | Q(sync_started_at__lt=now - STALE) | Q(sync_started_at=None))
        .update(status=SyncStatus.SYNCING, sync_started_at=now, sync_wanted_at=None)
    )
    if not claimed:
        raise SyncRunning(_("This calendar is being synced right now; try again in a moment."))
    account = CalendarAccount.objects.select_related("user", "calendar").get(pk=account_id)
    counts = Counts()
    message = ""
    new_token = account.sync_token
    marker = _syncing.set(account.pk)
    try:
        refusal = _refusal(account)
        if refusal:
            raise SyncRefused(refusal)
        password = secrets.decrypt(account.password_encrypted)
        with Remote(
            account.remote_url, account.username, password, timeout=settings.TANDEM_CALDAV_TIMEOUT
        ) as remote:
            engine = AccountSync(account, remote)
            try:
                new_token = engine.run()
            finally:
                counts = engine.counts
    except (RemoteError, SyncRefused, secrets.SecretUnreadable) as error:
        message = str(error)
    except Exception:
        logger.exception("CalDAV sync of account %s failed", account_id)
        message = _("The sync failed unexpectedly; it will be tried again. The server's log has the details.")
    finally:
        _syncing.reset(marker)
    done = timezone.now()
    fields: dict[str, Any] = {"status": SyncStatus.ERROR if message else SyncStatus.OK, "last_error": message}
    if not message:
        fields |= {"last_synced_at": done, "sync_token": new_token}
    CalendarAccount.objects.filter(pk=account_id).update(**fields)
    if message:
        counts.problem("", message)
    return counts


def due_accounts(now: datetime | None = None) -> QuerySet[CalendarAccount]:
    """Enabled accounts whose last sync began over `TANDEM_CALDAV_INTERVAL` seconds ago (or never),
    or that a local change asked to sync; not those being synced."""
    now = now or timezone.now()
    interval = timedelta(seconds=settings.TANDEM_CALDAV_INTERVAL)
    return (
        CalendarAccount.objects.filter(enabled=True)
        .filter(
            Q(sync_started_at=None) | Q(sync_started_at__lte=now - interval) | Q(sync_wanted_at__isnull=False)
        )
        .exclude(status=SyncStatus.SYNCING, sync_started_at__gte=now - STALE)
    )


@task()
def sync_due_accounts() -> int:
    """Sync every account that is due, one after the other; how many were synced."""
    synced = 0
    for pk in list(due_accounts().order_by("sync_started_at", "pk").values_list("pk", flat=True)):
        try:
            sync_account(pk)
            synced += 1
        except SyncRunning:
            continue
    return synced


@every_beat
def look_for_due_syncs() -> None:
    if due_accounts().exists():
        enqueue_once(sync_due_accounts)


def _kick() -> None:
    enqueue_once(sync_due_accounts)


def local_change(entry: HistoryEntry) -> None:
    """History subscriber: an event changed in Tandem asks the accounts that sync it (those of its
    calendar, and those linked to it by UID) to sync soon, after the commit. A sync's own writes
    ask nothing of its own account."""
    if entry.target_type != Event.history_type or entry.verb in _QUIET_VERBS:
        return
    calendar_id = Event.objects.filter(pk=entry.target_id).values_list("calendar_id", flat=True).first()
    accounts = CalendarAccount.objects.filter(enabled=True).filter(
        Q(calendar_id=calendar_id)
        | Q(pk__in=SyncedObject.objects.filter(series_id=entry.target_id).values("account_id"))
    )
    current = _syncing.get()
    if current is not None:
        accounts = accounts.exclude(pk=current)
    if not accounts.update(sync_wanted_at=timezone.now()):
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _kick()
    elif not any(callback is _kick for _sids, callback, _robust in conn.run_on_commit):
        transaction.on_commit(_kick, robust=True)
