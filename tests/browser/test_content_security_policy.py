"""Tandem's pages under their Content-Security-Policy, in a real Chromium.

* The check every browser test relies on works: a script injected into a page (an inline
  `<script>`, as a stored XSS would be) and a style attribute are blocked and recorded.
* HTML pages send the policy; the mail's "As sent (HTML)" page keeps its own stricter one.
* A walk through the pages of the demo as an admin — home, feeds, boards (labels in colour),
  items, a Markdown table, customers, sales reports, the API documentation and Django's admin
  (lifting a login lock, selecting rows for an action) — meets no violation (the `page` fixture
  fails the test on any)."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tandem.accounts.models import LoginFailure, User
from tandem.sales.models import Pipeline
from tandem.work import services as work
from tandem.work.models import Board, Item
from tests.web.test_content_security_policy import POLICY, directives

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page: Any, base: str, path: str) -> None:
    response = page.goto(f"{base}{path}")
    assert response.ok, path
    assert "/login/" not in page.url, path  # still logged in: the page itself was shown
    page.wait_for_load_state("networkidle")


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "tandem-demo")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_an_injected_script_and_style_are_blocked_and_recorded(page, live_server, csp_violations):
    response = page.goto(f"{live_server.url}/login/")
    assert directives(response.headers["content-security-policy"]) == POLICY
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injected = true;";
            document.body.appendChild(script);
            document.body.setAttribute("style", "background: red");
        }"""
    )
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert page.evaluate("window.__injected") is None  # the script never ran
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    seen = page.evaluate("window.__cspViolations.map(v => v.directive)")
    assert "script-src-elem" in seen and "style-src-attr" in seen
    page.wait_for_timeout(200)  # the console messages and the reports to the test arrive
    assert any(v.get("directive") == "script-src-elem" for v in csp_violations)
    assert any("Content Security Policy" in v.get("console", "") for v in csp_violations)
    # provoked on purpose: cleared, so the fixture's own check passes
    page.evaluate("window.__cspViolations.length = 0")
    csp_violations.clear()


def test_html_pages_send_the_policy_and_the_mail_page_keeps_its_own(page, live_server):
    call_command("seed_demo", stdout=StringIO())
    base = live_server.url
    log_in(page, base, "admin@demo.example")
    for path in ("/", "/boards/", "/organizations/", "/admin/", "/api/v1/docs"):
        response = page.goto(f"{base}{path}")
        assert response.ok, path
        assert directives(response.headers["content-security-policy"]) == POLICY, path


def test_a_walk_through_the_pages_meets_no_violation(page, live_server):
    call_command("seed_demo", stdout=StringIO())
    base = live_server.url
    admin = User.objects.get(email="admin@demo.example")
    board = Board.objects.filter(labels__isnull=False).order_by("pk").first()
    assert board is not None
    # a label no column stands for (a card shows no chip of its own column's label)
    label = work.create_label(by=admin, board=board, data={"name": "price list"})
    work.update_label(label, by=admin, data={"color": "#1f6feb"})
    item = work.create_item(
        by=admin,
        board=board,
        data={
            "title": "Price list",
            "description": "| Item | Price |\n|:-----|------:|\n| Pen | 2.00 |\n\n**Bold** and `code`.",
            "labels": [label],
        },
    )
    pipeline = Pipeline.objects.order_by("pk").first()

    log_in(page, base, "admin@demo.example")
    page.goto(f"{base}/boards/{board.pk}/")
    badge = page.locator(".label-badge.label-c-1f6feb").first
    badge.wait_for()
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 111, 235)"

    page.goto(f"{base}/items/{item.pk}/")
    cell = page.locator(".markdown-body td.text-end").first
    assert cell.inner_text() == "2.00"
    assert cell.evaluate("e => getComputedStyle(e).textAlign") in {"right", "end"}

    for path in [
        "/",
        "/feeds/home/",
        "/boards/",
        f"/boards/{board.pk}/list/",
        f"/boards/{board.pk}/settings/",
        "/organizations/",
        "/people/",
        "/team/",
        "/notifications/",
        "/profile/",
        "/profile/tokens/",
        "/notifications/settings/",
        "/leads/",
        "/pipelines/",
        f"/pipelines/{pipeline.pk}/report/",
    ]:
        visit(page, base, path)
    # the API documentation really ran (Swagger UI from Tandem's static files)
    page.goto(f"{base}/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    # the sales report's bars have their widths from classes (its charts: tests/browser/test_report_charts.py)
    page.goto(f"{base}/pipelines/{pipeline.pk}/report/")
    bars = page.locator("#owners .report-bar")
    assert bars.count() > 0
    assert all(re.search(r"\bpct-\d+\b", bars.nth(n).get_attribute("class")) for n in range(bars.count()))


def test_django_admin_works_under_the_policy(page, live_server):
    call_command("seed_demo", stdout=StringIO())
    base = live_server.url
    admin = User.objects.get(email="admin@demo.example")
    for _ in range(5):  # a login lock for the admin's page of locks
        LoginFailure.objects.create(email="someone@demo.example", ip_address="203.0.113.7")
    log_in(page, base, "admin@demo.example")
    for path in [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{admin.pk}/change/",
        "/admin/accounts/loginlocklift/",
        "/admin/activity/historyentry/",
        "/admin/mailgate/inboundmessage/",
        "/admin/work/item/",
    ]:
        visit(page, base, path)
    # the admin lifts the login lock from its page
    visit(page, base, "/admin/accounts/loginfailure/")
    row = page.locator("#login-locks tr", has_text="203.0.113.7")
    row.get_by_role("button", name="Lift").click()
    page.wait_for_url(re.compile(r"/admin/accounts/loginfailure/$"))
    assert "No client is locked out." in page.inner_text("#login-locks")
    assert not LoginFailure.objects.exists()
    # Django's admin: its own scripts (filters, actions) work under the policy
    page.goto(f"{base}/admin/work/item/")
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select:checked").count() == min(Item.objects.count(), 100)
