"""Dates in the Persian (Solar Hijri) calendar for those who choose it (tandem.core.calendars and
the `date` filter of every template): pages and e-mails show it, machine-readable dates stay ISO."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from tandem.core import calendars
from tandem.core.calendars import SolarHijriFormat
from tandem.work import services as work

pytestmark = pytest.mark.django_db


def shown(value, format_string: str, *, language: str = "fa", calendar: str = calendars.PERSIAN) -> str:
    with translation.override(language), calendars.override(calendar):
        return Template("{{ value|date:format }}").render(Context({"value": value, "format": format_string}))


@pytest.mark.parametrize(
    ("gregorian", "solar"),
    [
        (date(2026, 3, 21), "1 فروردین 1405"),  # Nowruz
        (date(2026, 12, 1), "10 آذر 1405"),
        (date(2025, 3, 20), "30 اسفند 1403"),  # the last day of a leap year
        (date(2024, 2, 29), "10 اسفند 1402"),
        (date(1979, 2, 11), "22 بهمن 1357"),
    ],
)
def test_the_solar_hijri_date_of_a_day(gregorian, solar):
    assert shown(gregorian, "DATE_FORMAT") == solar


def test_the_short_formats_and_the_time_of_a_persian_page():
    moment = datetime(2026, 12, 1, 18, 5, tzinfo=ZoneInfo("UTC"))
    with translation.override("fa"):
        short = shown(moment, "SHORT_DATE_FORMAT")
        with_time = shown(moment, "DATETIME_FORMAT")
    assert short == "1405/9/10"
    assert with_time.startswith("10 آذر 1405") and "18:05" in with_time


def test_an_english_page_names_the_solar_months_in_latin_letters():
    assert shown(date(2026, 12, 1), "DATE_FORMAT", language="en") == "10 Azar 1405"


def test_the_month_lengths_and_leap_years_are_the_solar_ones():
    assert SolarHijriFormat(date(2025, 3, 20)).format("t L z") == "30 True 366"  # Esfand 1403
    assert SolarHijriFormat(date(2026, 3, 20)).format("t L") == "29 False"  # Esfand 1404
    assert SolarHijriFormat(date(2026, 9, 22)).format("j n t") == "31 6 31"  # Shahrivar
    with translation.override("en"):  # the weekday's name follows the active language
        assert SolarHijriFormat(date(2026, 12, 1)).format("d/m/y D") == "10/09/05 Tue"


def test_spelled_out_formats_stay_gregorian_for_machines():
    moment = datetime(2026, 12, 1, 18, 5, tzinfo=ZoneInfo("UTC"))
    assert shown(date(2026, 12, 1), "Y-m-d") == "2026-12-01"
    assert shown(moment, "c").startswith("2026-12-01T")
    assert shown(None, "DATE_FORMAT") == "" and shown("", "SHORT_DATE_FORMAT") == ""


def test_the_gregorian_calendar_is_the_default():
    assert calendars.active() == calendars.GREGORIAN
    assert (
        shown(date(2026, 12, 1), "DATE_FORMAT", language="en", calendar=calendars.GREGORIAN)
        == "1 December 2026"
    )
    calendars.activate("no such calendar")
    assert calendars.active() == calendars.GREGORIAN


def test_a_user_who_chooses_it_sees_solar_dates_and_the_html_keeps_iso(member, admin_user, client_for):
    client = client_for(member)
    response = client.post(
        "/profile/", {"full_name": "Bob", "language": "fa", "time_zone": "Asia/Tehran", "calendar": "persian"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.calendar == calendars.PERSIAN
    board = work.create_board(by=admin_user, data={"name": "Support"})
    item = work.create_item(by=member, board=board, data={"title": "Printer", "due_date": date(2026, 12, 24)})
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "1405/10/3" in page  # the due date, 3 Dey 1405
    assert "2026/12/24" not in page
    with translation.override("fa"):
        assert translation.gettext("Persian (Solar Hijri)") in client.get("/profile/").content.decode()
    # a colleague on the Gregorian calendar sees the same day in theirs
    assert "24 Dec 2026" in client_for(admin_user).get(f"/items/{item.pk}/").content.decode()


def test_an_unknown_calendar_is_refused_and_none_keeps_it(member, client_for):
    client = client_for(member)
    refused = client.post(
        "/profile/", {"full_name": "Bob", "language": "en", "time_zone": "UTC", "calendar": "mayan"}
    )
    assert refused.status_code == 422
    member.refresh_from_db()
    assert member.calendar == calendars.GREGORIAN
    kept = client.post("/profile/", {"full_name": "Bobby", "language": "en", "time_zone": "UTC"})
    assert kept.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.calendar) == ("Bobby", calendars.GREGORIAN)
