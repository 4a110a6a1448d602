"""Pages composed from panels (tandem.core.panels): each app registers its panels for the pages that
show one record, a page shows them in order among its own parts, leaves out a panel with nothing to
show, and runs its on_show hooks; the apps' registrations are the ones the pages rely on."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from tandem.core import panels
from tandem.core.panels import Panel, Shown


@pytest.fixture
def page(monkeypatch):
    """A page of its own for the test, forgotten afterwards."""
    monkeypatch.setattr(panels, "_panels", {})
    monkeypatch.setattr(panels, "_hooks", {})
    return "test-page"


def test_panels_come_in_order_among_the_pages_own_parts_and_none_stays_away(page):
    shown_for = []
    panels.register_panel(page, "late", template="late.html", context=lambda r, o: {"n": o}, order=90)
    panels.register_panel(page, "early", template="early.html", context=lambda r, o: {}, order=10)
    panels.register_panel(page, "absent", template="absent.html", context=lambda r, o: None, order=20)
    panels.on_show(page, lambda request, record: shown_for.append(record))
    own = [Panel(key="own", template="own.html", order=50)]
    request = RequestFactory().get("/")
    shown = panels.panels_for(page, request, 7, own=own)
    assert [s.key for s in shown] == ["early", "own", "late"]
    assert shown[2].context == {"n": 7} and shown[1].context == {}
    assert shown_for == [7]


def test_a_key_registered_again_replaces_the_panel(page):
    panels.register_panel(page, "card", template="old.html", context=lambda r, o: {}, order=10)
    panels.register_panel(page, "card", template="new.html", context=lambda r, o: {}, order=30)
    assert [(p.key, p.template, p.order) for p in panels.registered(page)] == [("card", "new.html", 30)]
    assert panels.is_registered(page, "card") and not panels.is_registered(page, "other")


def test_the_panels_tag_renders_each_with_the_pages_context_and_its_own(settings, tmp_path):
    (tmp_path / "panel.html").write_text("[{{ page_word }} {{ own_word }}]")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    shown = [
        Shown(key="a", template="panel.html", context={"own_word": "<b>one</b>"}),
        Shown(key="b", template="panel.html", context={"own_word": "two"}),
    ]
    html = Template("{% load panels %}{% panels shown %}|{{ own_word }}").render(
        Context({"shown": shown, "page_word": "page"})
    )
    assert html == "[page &lt;b&gt;one&lt;/b&gt;]\n[page two]|"


def test_the_apps_register_the_panels_of_the_item_and_customer_pages():
    keyed = {page: [(p.key, p.order) for p in panels.registered(page)] for page in panels._panels}
    assert keyed["item"] == [("deal", 10), ("mail", 30), ("events", 80), ("history", 90)]
    assert keyed["customer"] == [("organizations", 10), ("people", 10), ("cards", 50), ("history", 90)]
    assert keyed["customer-cards"] == [
        ("work", 10),
        ("projects", 20),
        ("documents", 30),
        ("mail", 40),
        ("events", 50),
    ]
    assert keyed["board"] == [("rituals", 5), ("mail", 10)] and keyed["board-settings"] == [("mail", 10)]
    assert set(panels._hooks) >= {"item", "customer"}
