"""Calendar scenarios over the generated calendar team (`tandem generate --events N`): a month of the
team's calendar and a month of everyone's events through the API (recurrences expanded, the first
page of 500 occurrences), and free/busy for 20 of the team over a working week.

The floors are the SQL a hand-written endpoint would minimally run for the same rows: the rows that
may have an occurrence in the range (through the same start / last-end columns), and their
attendees and bookings; expanding the series and paging are left to the caller."""

# ruff: noqa: S608 - the SQL is assembled from constants in this module; values are bound parameters

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from bench.floor import Database, Row, placeholders
from bench.loadgen import Request
from bench.scenarios import Case, Context, scenario

SHORT_SPAN = timedelta(days=31)  # tandem.agenda.models.SHORT_SPAN
FEED_PAST = timedelta(days=90)  # tandem.agenda.queries.FEED_PAST
EVENT_COLUMNS = (
    'e.id, e.calendar_id, e.master_id, e.recurrence_id, e.title, e.start, e."end", e.time_zone, e.all_day, '
    "e.busy, e.status, e.priority, e.rrule, e.rdates, e.exdates, e.location, e.video_url, e.version"
)


def _details(db: Database, rows: list[Row]) -> dict[str, list[Row]]:
    ids = [row["id"] for row in rows]
    if not ids:
        return {"attendees": [], "bookings": []}
    marks = placeholders(ids)
    return {
        "attendees": db.rows(
            f"SELECT event_id, user_id, person_id, email, response FROM agenda_attendee WHERE event_id IN ({marks})",
            ids,
        ),
        "bookings": db.rows(
            f"SELECT event_id, resource_id FROM agenda_booking WHERE event_id IN ({marks})", ids
        ),
    }


def _range_rows(
    db: Database, params: Mapping[str, Any], where: str = "TRUE", args: tuple[Any, ...] = ()
) -> list[Row]:
    """The rows that may have an occurrence in the range, through the same three index ranges as
    tandem.agenda.queries.in_range: short rows by their start (at most 31 days before the range),
    the long ones by their last end or its absence."""
    start, end, early = params["start"], params["end"], params["early"]
    # SQLite uses a partial index only when the query names its condition as written ("= 1")
    yes, no = ("1", "0") if db.kind == "sqlite" else ("TRUE", "FALSE")
    parts = [
        f"e.spans_long = {no} AND e.start >= %s AND e.start < %s AND e.last_end >= %s",
        f"e.spans_long = {yes} AND e.last_end IS NULL AND e.start < %s",
        f"e.spans_long = {yes} AND e.last_end >= %s AND e.start < %s",
    ]
    values = [[early, end, start], [end], [start, end]]
    sql = " UNION ALL ".join(
        f"SELECT {EVENT_COLUMNS} FROM agenda_event e WHERE {where} AND {part}" for part in parts
    )
    rows = db.rows(
        f"SELECT * FROM ({sql}) x ORDER BY x.start, x.id", [v for vs in values for v in (*args, *vs)]
    )
    return rows


def month_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The rows of a calendar (or of every calendar) that may have an occurrence in the month, with
    their attendees and bookings."""
    if params.get("calendar"):
        rows = _range_rows(db, params, "e.calendar_id = %s", (params["calendar"],))
    else:
        rows = _range_rows(db, params)
    return {"rows": rows, **_details(db, rows)}


def freebusy_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The busy rows of 20 users in the week: events they attend (not declined) or on their personal
    calendars, not cancelled, that may have an occurrence in the range."""
    users = params["users"]
    marks = placeholders(users)
    # the rows of the range first (the same three index ranges), then whether they are the users'
    where = (
        f"e.status <> 'cancelled' AND e.busy = TRUE AND ("
        f"EXISTS (SELECT 1 FROM agenda_attendee a WHERE a.event_id = e.id AND a.user_id IN ({marks}) "
        f"AND a.response <> 'declined') OR e.calendar_id IN (SELECT c.id FROM agenda_calendar c "
        f"WHERE c.kind = 'personal' AND c.owner_id IN ({marks})))"
    )
    rows = _range_rows(db, params, where, (*users, *users))
    return {"rows": rows, **_details(db, rows)}


def _stored(span: Mapping[str, str]) -> dict[str, str]:
    """A range's ends as both databases compare them with stored instants ("2026-01-01 00:00:00+00:00":
    SQLite keeps UTC text with a space, and orders these strings as the instants)."""
    stored = {key: span[key].replace("T", " ").replace("Z", "+00:00") for key in ("start", "end")}
    first = datetime.fromisoformat(span["start"].replace("Z", "+00:00")) - SHORT_SPAN
    stored["early"] = f"{first:%Y-%m-%d %H:%M:%S}+00:00"
    return stored


def _months(ctx: Context) -> list[dict[str, str]]:
    return list(ctx.samples.get("agenda", {}).get("months", []))


@scenario(
    "calendar_month_team", "A month of the 200-person team's calendar (API, occurrences)", floor=month_floor
)
def calendar_month_team(ctx: Context) -> list[Case]:
    agenda = ctx.samples.get("agenda")
    if not agenda:
        return []
    return [
        Case(
            ctx.api("GET", "/api/v1/events?" + urlencode({**month, "calendar": agenda["team_calendar"]})),
            {**_stored(month), "calendar": agenda["team_calendar"]},
        )
        for month in _months(ctx)
    ]


@scenario(
    "calendar_month_everyone", "A month of everyone's events (API, first 500 occurrences)", floor=month_floor
)
def calendar_month_everyone(ctx: Context) -> list[Case]:
    return [
        Case(ctx.api("GET", "/api/v1/events?" + urlencode(month)), _stored(month)) for month in _months(ctx)
    ]


@scenario("freebusy_20", "Free/busy of 20 people over a week (API)", floor=freebusy_floor)
def freebusy_20(ctx: Context) -> list[Case]:
    agenda = ctx.samples.get("agenda")
    if not agenda:
        return []
    cases = []
    for week, users in zip(agenda["weeks"], agenda["groups"], strict=False):
        query = urlencode({**week, "users": ",".join(str(pk) for pk in users)})
        cases.append(Case(ctx.api("GET", f"/api/v1/freebusy?{query}"), {**_stored(week), "users": users}))
    return cases


def feed_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The series and single events of the busy user's feed: those they attend, organize or keep on
    their personal calendar, not ended more than 90 days before now, with their attendees; turning
    them into iCalendar text is left to the caller."""
    user = params["user"]
    mine = (
        "SELECT a.event_id FROM agenda_attendee a WHERE a.user_id = %s UNION ALL "
        "SELECT e.id FROM agenda_event e WHERE e.organizer_id = %s UNION ALL "
        "SELECT e.id FROM agenda_event e JOIN agenda_calendar c ON c.id = e.calendar_id "
        "WHERE c.owner_id = %s AND c.kind = 'personal'"
    )
    rows = db.rows(
        f"SELECT {EVENT_COLUMNS} FROM agenda_event e WHERE e.master_id IS NULL AND e.id IN ({mine}) "
        "AND (e.last_end IS NULL OR e.last_end >= %s) ORDER BY e.start, e.id",
        [user, user, user, params["since"]],
    )
    return {"rows": rows, **_details(db, rows)}


@scenario("calendar_feed_busy_user", "The .ics feed of the busiest user (their own events)", floor=feed_floor)
def calendar_feed_busy_user(ctx: Context) -> list[Case]:
    agenda = ctx.samples.get("agenda") or {}
    if not agenda.get("feed_secret"):
        return []
    since = datetime.now(UTC) - FEED_PAST
    request = Request.make("GET", f"/calendars/feed/{agenda['feed_secret']}.ics", {"Accept": "text/calendar"})
    return [Case(request, {"user": agenda["busy_user"], "since": f"{since:%Y-%m-%d %H:%M:%S}+00:00"})]
