"""A reader of the Solar Hijri calendar picks an item's due date in the Jalali date picker: the field
shows Jalali dates, the server stores the matching Gregorian date; the page's conversion agrees with
jdatetime day by day, and nothing breaks the Content-Security-Policy (the page fixture checks)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import jdatetime
import pytest
from django.utils import translation

from tandem.accounts.models import User
from tandem.work import services
from tandem.work.models import Item
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jalali(day: date) -> str:
    solar = jdatetime.date.fromgregorian(date=day)
    return f"{solar.year:04d}/{solar.month:02d}/{solar.day:02d}"


def test_a_persian_calendar_reader_picks_a_jalali_due_date(page: Any, live_server: Any) -> None:
    sam = User.objects.create_user(
        "sam@demo.example",
        "tandem-demo",
        full_name="سام اکبری",
        role="manager",
        language="fa",
        calendar="persian",
    )
    board = services.create_board(by=sam, data={"name": "Support"})
    item = services.create_item(
        by=sam, board=board, data={"title": "Call Acme", "due_date": date(2024, 3, 20)}
    )

    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/items/{item.pk}/edit/")
    due = page.locator("#id_due_date")
    due.wait_for()
    # the field the label names is the Jalali one; the hidden input keeps the form's ISO value
    with translation.override("fa"):
        assert page.get_by_label(translation.gettext("Due"), exact=True).get_attribute("data-jdp") == ""
    assert due.get_attribute("type") == "text" and due.input_value() == "1403/01/01"
    assert page.locator("input[type=hidden][name=due_date]").input_value() == "2024-03-20"

    # known dates, Persian digits and a day that does not exist (1404 is no leap year)
    convert = "texts => texts.map(t => window.tandemJalali.isoOf(t))"
    assert page.evaluate(convert, ["1403/01/01", "1404/12/29", "۱۴۰۳/۱۲/۳۰", "1404/12/30", ""]) == [
        "2024-03-20",
        "2026-03-20",
        "2025-03-20",
        None,
        "",
    ]
    # the page's conversion is jdatetime's, both ways, every fifth day of forty years
    days = [date(2000, 1, 1) + timedelta(days=n) for n in range(0, 40 * 366, 5)]
    shown = page.evaluate(
        "isos => isos.map(i => window.tandemJalali.jalaliOf(i))", [d.isoformat() for d in days]
    )
    assert shown == [jalali(d) for d in days]
    back = page.evaluate(convert, shown)
    assert back == [d.isoformat() for d in days]

    # pick the 20th of Farvardin 1403 in the picker
    due.click()
    picker = page.locator("jdp-container")
    picker.wait_for(state="visible")
    picker.locator("div.jdp-day:not(.not-in-month)", has_text="20").first.click()
    assert due.input_value() == "1403/01/20"
    picked = jdatetime.date(1403, 1, 20).togregorian()
    assert page.locator("input[type=hidden][name=due_date]").input_value() == picked.isoformat()
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/items/{item.pk}/")
    item.refresh_from_db()
    assert item.due_date == picked == date(2024, 4, 8)

    # a date typed by hand, in Persian digits
    page.goto(f"{base}/items/{item.pk}/edit/")
    page.locator("#id_due_date").fill("۱۴۰۴/۱۲/۲۹")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/items/{item.pk}/")
    item.refresh_from_db()
    assert item.due_date == date(2026, 3, 20)
    assert Item.objects.get(pk=item.pk).due_date == jdatetime.date(1404, 12, 29).togregorian()
