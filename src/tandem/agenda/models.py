"""The shared calendar: calendars (a person's, a team's, or a bookable resource such as a meeting
room), their events with RFC 5545 recurrence, attendees, booked resources, linked records and
reminders. Named `agenda` because `calendar` already means the Gregorian / Solar Hijri choice
(tandem.core.calendars).

Times are stored as UTC instants with the IANA zone of each event beside them (never of the
series or the calendar alone), so a weekly 09:00 in Europe/Berlin stays 09:00 there across DST. A
series and its overridden occurrences share one `uid` in one calendar; an override names the
series (`master`) and the original start of the occurrence it replaces (`recurrence_id`)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class CalendarKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    TEAM = "team", _("Team")
    RESOURCE = "resource", _("Resource")


class Calendar(models.Model):
    """A person's calendar, a team's, or a bookable resource's (a meeting room, a projector). A
    resource is a calendar of kind "resource", as CalDAV makes a room a calendar user of its own:
    it is busy while an event books it or an event stands on its own calendar (maintenance)."""

    history_type = "calendar"

    name = models.CharField(_("name"), max_length=200)
    colour = models.CharField(_("colour"), max_length=7, default="#4f46e5")
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendars",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendars",
    )
    description = models.TextField(_("description"), blank=True)
    # a resource's place and how many people it holds
    location = models.CharField(_("location"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # a personal or team calendar only its owner (team) and admins see
    private = models.BooleanField(_("private"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=CalendarKind.PERSONAL, owner__isnull=False, team__isnull=True)
                    | Q(kind=CalendarKind.TEAM, team__isnull=False, owner__isnull=True)
                    | Q(kind=CalendarKind.RESOURCE, owner__isnull=True)
                ),
                name="calendar_kind_owner",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="calendar_kind_name")]

    def __str__(self) -> str:
        return self.name


class EventStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    TENTATIVE = "tentative", _("Tentative")
    CANCELLED = "cancelled", _("Cancelled")


# How far past its start a row may reach and still be found by its start alone in range queries.
SHORT_SPAN = timedelta(days=31)


def reaches_far(start: datetime, last_end: datetime | None) -> bool:
    """Whether a row starting at `start` whose last occurrence ends at `last_end` (None: never) is
    long for range queries (Event.spans_long)."""
    return last_end is None or last_end - start > SHORT_SPAN


def new_uid() -> str:
    return f"{uuid.uuid4()}@tandem"


class Event(models.Model):
    """One event, a recurring series (its `rrule`, `rdates`, `exdates`), or one overridden
    occurrence of a series (`master` and `recurrence_id` set)."""

    history_type = "event"

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(_("UID"), max_length=255, default=new_uid)
    master = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="overrides"
    )
    # the original start (UTC) of the occurrence an override replaces
    recurrence_id = models.DateTimeField(_("recurrence id"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    all_day = models.BooleanField(_("all day"), default=False)
    # counts for the people on it (RFC 5545 TRANSP); a booked resource is busy whatever this says
    busy = models.BooleanField(_("busy"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.CONFIRMED
    )
    # RFC 5545 PRIORITY: 0 none, 1 highest … 9 lowest
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rrule = models.TextField(_("repeats"), blank=True)
    rdates = models.JSONField(_("extra dates"), default=list, blank=True)  # ISO UTC instants
    exdates = models.JSONField(_("left-out dates"), default=list, blank=True)  # ISO UTC instants
    # minutes before each occurrence's start at which its attendees are reminded
    reminders = models.JSONField(_("reminders"), default=list, blank=True)
    # the end of the last occurrence (None: the series never ends), for range queries
    last_end = models.DateTimeField(null=True, blank=True)
    # whether the row reaches further than SHORT_SPAN past its start (or never ends): a range query
    # finds the short rows by their start alone (an index range of the range plus SHORT_SPAN) and
    # only the long ones by their last end (set on every save from start and last_end)
    spans_long = models.BooleanField(default=False)
    # the next instant the reminder job must look at this row (None: nothing to remind)
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "uid"], condition=Q(recurrence_id__isnull=True), name="event_uid_once"
            ),
            models.UniqueConstraint(
                fields=["calendar", "uid", "recurrence_id"],
                condition=Q(recurrence_id__isnull=False),
                name="event_override_once",
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(master__isnull=True, recurrence_id__isnull=True)
                | Q(master__isnull=False, recurrence_id__isnull=False),
                name="event_override_names_master",
            ),
        ]
        indexes = [
            # a calendar's events in a range: start before the range's end, last end after its start
            models.Index(fields=["calendar", "start"], name="event_calendar_start"),
            # the long rows (queries.in_range): few, found by their last end (or its absence)
            models.Index(
                fields=["calendar", "last_end"], condition=Q(spans_long=True), name="event_calendar_long_end"
            ),
            # every calendar's events in a range (everyone's calendar, free/busy, a user's feed)
            models.Index(fields=["start"], name="event_start"),
            models.Index(fields=["last_end"], condition=Q(spans_long=True), name="event_long_end"),
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False),
                name="event_reminder_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.spans_long = reaches_far(self.start, self.last_end)
        fields = kwargs.get("update_fields")
        if fields is not None and {"start", "last_end"} & set(fields):
            kwargs["update_fields"] = {*fields, "spans_long"}
        super().save(*args, **kwargs)

    @property
    def recurring(self) -> bool:
        return bool(self.rrule or self.rdates)

    @property
    def series(self) -> Event:
        """The series this row belongs to (itself unless it is an override)."""
        return self.master if self.master_id and self.master is not None else self


class Response(models.TextChoices):
    NEEDS_ACTION = "needs_action", _("Not answered")
    ACCEPTED = "accepted", _("Accepted")
    TENTATIVE = "tentative", _("Maybe")
    DECLINED = "declined", _("Declined")


class Attendee(models.Model):
    """Someone on an event: a Tandem user, a person of the customer base, or (from a sync) an
    address Tandem does not know."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "contacts.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    response = models.CharField(
        _("response"), max_length=16, choices=Response.choices, default=Response.NEEDS_ACTION
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False), name="attendee_user_once"
            ),
            models.UniqueConstraint(
                fields=["event", "person"], condition=Q(person__isnull=False), name="attendee_person_once"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(person__isnull=False) | ~Q(email=""),
                name="attendee_names_someone",
            ),
        ]
        # a user's events (conflicts, free/busy, "my calendar")
        indexes = [models.Index(fields=["user", "event"], name="attendee_user_event")]

    def __str__(self) -> str:
        return f"attendee of {self.event_id}"


class Booking(models.Model):
    """A resource (a calendar of kind "resource") booked by an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bookings")
    resource = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="bookings")

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [models.UniqueConstraint(fields=["event", "resource"], name="booking_once")]
        indexes = [models.Index(fields=["resource", "event"], name="booking_resource_event")]

    def __str__(self) -> str:
        return f"{self.resource_id} for {self.event_id}"


class EventLink(models.Model):
    """A record an event is about: a work item (deals are items), an organization or a person."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links")
    item = models.ForeignKey("work.Item", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "contacts.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "contacts.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("linked record")
        verbose_name_plural = _("linked records")
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, organization__isnull=True, person__isnull=True)
                | Q(item__isnull=True, organization__isnull=False, person__isnull=True)
                | Q(item__isnull=True, organization__isnull=True, person__isnull=False),
                name="event_link_one_record",
            ),
        ]
        indexes = [
            models.Index(fields=["item"], name="event_link_item"),
            models.Index(fields=["organization"], name="event_link_org"),
            models.Index(fields=["person"], name="event_link_person"),
        ]

    def __str__(self) -> str:
        return f"link of {self.event_id}"


class ReminderSent(models.Model):
    """A reminder already sent: one row per event row, occurrence and reminder, so a job that runs
    twice (a retry, two workers) never reminds anyone twice."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    occurrence_start = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["event", "occurrence_start", "minutes"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} at {self.occurrence_start} ({self.minutes} min)"


class FeedToken(models.Model):
    """A secret iCalendar address a user subscribes to from another calendar app: their own events
    (`calendar` None), or a team's or a resource's calendar. The address is the credential, so it
    is checked on every request against what its holder may see now.

    The secret is never stored: it is an HMAC of `nonce` under the site's SECRET_KEY (so the page
    can show the address again, and a copy of the database alone does not reveal it); `digest` (its
    SHA-256) finds the row. A new nonce is a new address and the old one answers 404."""

    history_type = "calendar feed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    nonce = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    rotated_at = models.DateTimeField(_("address changed"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "calendar"],
                condition=Q(calendar__isnull=False),
                name="feed_once_per_calendar",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(calendar__isnull=True), name="feed_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return str(self.calendar) if self.calendar_id else str(_("My events"))

    @property
    def secret(self) -> str:
        return feed_secret(self.nonce)


def feed_secret(nonce: str) -> str:
    return salted_hmac("tandem.agenda.feed", nonce, algorithm="sha256").hexdigest()


def feed_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- CalDAV sync (tandem.agenda.sync) -----------------------------------------------------------------


class SyncStatus(models.TextChoices):
    NEVER = "never", _("Not synced yet")
    SYNCING = "syncing", _("Syncing")
    OK = "ok", _("Synced")
    ERROR = "error", _("Error")


class CalendarAccount(models.Model):
    """A user's external CalDAV calendar (Nextcloud, iCloud, Fastmail, Radicale…) kept in step with
    one Tandem calendar they may write. The password is stored encrypted (tandem.core.secrets)."""

    history_type = "calendar account"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_accounts"
    )
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("Tandem calendar"), on_delete=models.CASCADE, related_name="sync_accounts"
    )
    # what the user entered (a server, a principal or a calendar), and the calendar found there
    url = models.URLField(_("address"), max_length=500)
    remote_url = models.URLField(_("remote calendar"), max_length=500)
    remote_name = models.CharField(_("remote calendar name"), max_length=300, blank=True)
    username = models.CharField(_("username"), max_length=200)
    password_encrypted = models.TextField()
    sync_token = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SyncStatus.choices, default=SyncStatus.NEVER
    )
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    # set when a local change asks for a sync; the worker's beat syncs the account soon after
    sync_wanted_at = models.DateTimeField(null=True, blank=True)
    # when the last sync began (a sync "running" for longer than sync.STALE was cut off)
    sync_started_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar account")
        verbose_name_plural = _("calendar accounts")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "remote_url"], name="calendar_account_once"),
        ]
        indexes = [models.Index(fields=["enabled", "sync_started_at"], name="calendar_account_due")]

    def __str__(self) -> str:
        return self.remote_name or self.remote_url


class SyncedObject(models.Model):
    """One remote calendar object (a series with its overridden occurrences, one UID) of an account
    and the Tandem series it is: its ETag and the series' version when they last agreed. A series
    deleted in Tandem leaves the row with `series` null until the sync deletes the remote copy."""

    account = models.ForeignKey(CalendarAccount, on_delete=models.CASCADE, related_name="synced_objects")
    series = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="synced_copies"
    )
    href = models.CharField(max_length=1000)
    etag = models.CharField(max_length=300, blank=True)
    uid = models.CharField(max_length=255)
    remote_modified = models.DateTimeField(null=True, blank=True)
    local_version = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("synced event")
        verbose_name_plural = _("synced events")
        constraints = [
            models.UniqueConstraint(fields=["account", "href"], name="synced_object_href_once"),
            models.UniqueConstraint(fields=["account", "uid"], name="synced_object_uid_once"),
        ]
        indexes = [models.Index(fields=["series"], name="synced_object_series")]

    def __str__(self) -> str:
        return self.href
