"""The calendar in a real Chromium: schedule a meeting from the calendar with the free/busy strip
showing a colleague's busy time, confirm the person's clash, see the meeting on the calendar; drag
an event to another day; a Persian reader's calendar runs right to left with Jalali day numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.accounts.models import User
from tandem.agenda import services
from tandem.agenda.models import Event
from tests.browser.conftest import pick
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def users() -> tuple[User, User]:
    sara = User.objects.create_user(
        "sara@demo.example", "tandem-demo", full_name="Sara Lindqvist", role="manager"
    )
    sam = User.objects.create_user("sam@demo.example", "tandem-demo", full_name="Sam Okafor", role="member")
    return sara, sam


def tomorrow_at(hour: int) -> datetime:
    day = timezone.now().astimezone(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_schedule_a_meeting_with_free_busy_and_a_confirmed_clash(page: Any, live_server: Any) -> None:
    _sara, sam = users()
    busy = tomorrow_at(10)
    services.create_event(
        by=sam,
        calendar=services.personal_calendar(sam),
        data={"title": "Dentist", "start": busy, "end": busy + timedelta(hours=1), "time_zone": "UTC"},
    )
    base = live_server.url
    log_in(page, base, "sara@demo.example")
    page.click("#calendar-link")
    page.wait_for_selector("#calendar.is-ready")
    page.click("#new-event")
    page.fill("input[name=title]", "Pipeline review")
    page.fill("input[name=start]", f"{busy:%Y-%m-%d}T10:30")
    page.fill("input[name=end]", f"{busy:%Y-%m-%d}T11:30")
    page.select_option("select[name=time_zone]", "UTC")
    pick(page, "attendees", "Sam", "Sam Okafor")
    # the strip shows Sam busy from 10:00 to 11:00, clashing with the time chosen
    strip = page.locator("#free-busy tr.fb-row", has_text="Sam Okafor")
    strip.locator("td.fb-clash").first.wait_for()
    assert "10:00" in strip.inner_text() or strip.locator("td.fb-busy").count() >= 1
    assert "Dentist" not in page.inner_text("#free-busy")  # free/busy never shows titles
    page.click("#save-event")
    warning = page.locator("#conflicts")
    warning.wait_for()
    assert (
        "Sam" in page.inner_text("#who") and "Busy" in warning.inner_text()
    ) or "Dentist" in warning.inner_text()
    page.click("#save-anyway")
    page.wait_for_selector("#event-when")
    assert "Pipeline review" in page.inner_text("h1")
    event = Event.objects.get(title="Pipeline review")
    assert {a.user_id for a in event.attendees.all()} == {sam.pk}
    page.goto(f"{base}/calendar/")
    page.wait_for_selector("#calendar.is-ready")
    page.locator(".tandem-event", has_text="Pipeline review").first.wait_for()


def test_dragging_an_event_moves_it(page: Any, live_server: Any) -> None:
    sara, _sam = users()
    today = timezone.now().astimezone(UTC).date()
    # a day in this month's grid, and the day after it in the same week row when possible
    day = today if today.weekday() < 5 else today - timedelta(days=2)
    start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    event = services.create_event(
        by=sara,
        calendar=services.personal_calendar(sara),
        data={
            "title": "Call with Contoso",
            "start": start,
            "end": start + timedelta(hours=1),
            "time_zone": "UTC",
        },
    )
    base = live_server.url
    log_in(page, base, "sara@demo.example")
    page.goto(f"{base}/calendar/")
    page.wait_for_selector("#calendar.is-ready")
    card = page.locator(".tandem-event", has_text="Call with Contoso").first
    card.wait_for()
    target_day = day + timedelta(days=1)
    target = page.locator(f"[data-date='{target_day:%Y-%m-%d}']").first
    box, goal = card.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2 + 5, steps=5)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] / 2, steps=20)
    page.wait_for_timeout(200)
    page.mouse.up()
    # the move is posted; wait for the server to have it
    for _ in range(50):
        event.refresh_from_db()
        if event.start.date() == target_day:
            break
        page.wait_for_timeout(100)
    assert event.start == start + timedelta(days=1) and event.end - event.start == timedelta(hours=1)


def test_a_persian_reader_sees_the_calendar_right_to_left_in_jalali(page: Any, live_server: Any) -> None:
    User.objects.create_user(
        "dariush@demo.example",
        "tandem-demo",
        full_name="Dariush Karimi",
        role="member",
        language="fa",
        calendar="persian",
    )
    base = live_server.url
    log_in(page, base, "dariush@demo.example")
    page.goto(f"{base}/calendar/")
    page.wait_for_selector("#calendar.is-ready")
    assert page.get_attribute("html", "dir") == "rtl"
    toolbar_title = page.locator("#calendar h2, #calendar [role=heading]").first.inner_text()
    persian_digits = set("۰۱۲۳۴۵۶۷۸۹")
    assert persian_digits & set(toolbar_title), toolbar_title
    # this Gregorian year never appears: the title is a Solar Hijri year (14xx)
    assert str(timezone.now().year) not in toolbar_title
    # the calendar's first column (Saturday in Iran) stands at the right
    direction = page.locator("#calendar").evaluate(
        "el => getComputedStyle(el.firstElementChild || el).direction"
    )
    assert direction == "rtl"
