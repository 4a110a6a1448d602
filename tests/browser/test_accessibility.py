"""Every main page, in English and in Persian, on a desktop and a phone, in a real Chromium:
axe-core (vendored for the tests) finds no serious or critical accessibility violation, and a
screenshot of each page is written to var/screenshots/ for people to look at (docs/design.md).

axe runs through the DevTools protocol (`page.evaluate`), so the page keeps Tandem's
Content-Security-Policy: nothing is injected as an inline script."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tandem.accounts.models import User
from tandem.agenda.models import Event
from tandem.contacts.models import Organization, Person
from tandem.rituals.models import Ritual, RitualKind
from tandem.sales.models import Deal, Pipeline
from tandem.work.models import Board, Item
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text(encoding="utf-8")
SCREENSHOTS = ROOT / "var" / "screenshots"
SERIOUS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}


def main_pages() -> list[tuple[str, str]]:
    """(name, path) of the pages people spend their day on, in the demo company."""
    pipeline = Pipeline.objects.order_by("pk").first()
    deal = Deal.objects.filter(pipeline=pipeline).order_by("pk").first()
    board = Board.objects.filter(private=False, pipeline__isnull=True).order_by("pk").first()
    item = Item.objects.filter(board=board).order_by("pk").first()
    org = Organization.objects.order_by("pk").first()
    person = Person.objects.order_by("pk").first()
    event = Event.objects.filter(master=None).exclude(attendees=None).order_by("pk").first()
    assert pipeline and deal and board and item and org and person and event, (
        "the demo has every kind of record"
    )
    return [
        ("home", "/"),
        ("design", "/design/"),
        ("pipelines", "/pipelines/"),
        ("pipeline-board", f"/boards/{pipeline.board_id}/"),
        ("deal", f"/items/{deal.item_id}/"),
        ("report", f"/pipelines/{pipeline.pk}/report/"),
        ("leads", "/leads/"),
        ("boards", "/boards/"),
        ("board", f"/boards/{board.pk}/"),
        ("item", f"/items/{item.pk}/"),
        ("organizations", "/organizations/"),
        ("organization", f"/organizations/{org.pk}/"),
        ("people", "/people/"),
        ("person", f"/people/{person.pk}/"),
        ("feeds", "/feeds/home/"),
        ("inbox", "/notifications/"),
        ("team", "/team/"),
        ("profile", "/profile/"),
        ("calendar", "/calendar/"),
        ("event-new", "/calendar/events/new/"),
        ("event", f"/calendar/events/{event.pk}/"),
        ("calendar-feeds", "/calendar/feeds/"),
        # the finance run's board is private to the finance team: tests/browser/test_rituals.py runs axe on it
        ("rituals", "/rituals/"),
        ("board-meeting", f"/rituals/{Ritual.objects.get(kind=RitualKind.BOARD_MEETING).pk}/"),
    ]


def violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE)
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary),
            }));
        }"""
    )
    return [v for v in found if v["impact"] in SERIOUS]


def check_pages(page: Any, base: str, language: str, email: str) -> None:
    pages = main_pages()
    problems: dict[str, Any] = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for name, path in pages:
            response = page.goto(base + path)
            if "/login/" in page.url and path != "/login/":
                # A session lost mid-run on a loaded machine (seen only under heavy CI load, cause not
                # yet found; see the stop notes) is not what this test checks: sign in again, once.
                log_in(page, base, email)
                response = page.goto(base + path)
            assert response is not None and response.status == 200, (
                f"{path} answered {response and response.status}"
            )
            page.wait_for_load_state("networkidle")
            assert page.get_attribute("html", "lang") == language, f"{path} is not in {language}"
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{language}-{size_name}.png"), full_page=False)
            if size_name == "desktop" or name in {"home", "pipeline-board", "deal", "organization"}:
                found = violations(page)
                if found:
                    problems[f"{path} ({size_name})"] = found
    summary = {where: sorted({v["id"] for v in found}) for where, found in problems.items()}
    assert not problems, f"axe-core found serious or critical violations: {summary}\n" + json.dumps(
        problems, indent=1
    )


def test_every_main_page_passes_axe_in_english(page: Any, live_server: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    log_in(page, live_server.url, "sara@demo.example")
    check_pages(page, live_server.url, "en", "sara@demo.example")


def test_every_main_page_passes_axe_in_persian(page: Any, live_server: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    dariush = User.objects.get(email="dariush@demo.example")
    assert dariush.language == "fa"
    log_in(page, live_server.url, "dariush@demo.example")
    check_pages(page, live_server.url, "fa", "dariush@demo.example")
