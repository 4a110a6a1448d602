"""Browser tests: Playwright's Python package driving Debian's chromium (never a downloaded browser).
Without chromium they are skipped, except where TANDEM_REQUIRE_BROWSER=1 (CI) makes that a failure.

Every page a test opens runs under Tandem's Content-Security-Policy, and a test fails when the
browser reports a violation of it (something a page tried to run, style or load was blocked): each
`securitypolicyviolation` event is recorded (in `window.__cspViolations` and, across page loads,
in the `csp_violations` fixture's list), as is every console message about the policy. A test that
provokes a violation on purpose checks it and clears the list."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("TANDEM_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "chromium is not installed, and TANDEM_REQUIRE_BROWSER=1 says the browser tests must run"
            )
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Runs in every document before its own scripts: records what the policy blocked.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const violation = {
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: document.location.href,
  };
  window.__cspViolations.push(violation);
  if (window.__tandemCspViolation) window.__tandemCspViolation(violation);
});
"""


@pytest.fixture
def csp_violations() -> list[Any]:
    """What the Content-Security-Policy blocked during the test (events and console messages)."""
    return []


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest, csp_violations: list[Any]) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(15_000)
    context.expose_function("__tandemCspViolation", lambda violation: csp_violations.append(violation))
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append({"console": message.text, "page": page.url})

    page.on("console", on_console)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    if not page.is_closed():
        # a page that is navigating away has reported its events already
        with contextlib.suppress(Exception):
            csp_violations.extend(page.evaluate("window.__cspViolations || []"))
    context.close()
    unique = list({json.dumps(v, sort_keys=True): v for v in csp_violations}.values())
    assert not unique, f"The Content-Security-Policy blocked something: {unique}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pick(page: Any, name: str, typed: str, choice: str) -> None:
    """Chooses `choice` in the typeahead picker of the select named `name`, as a person does: click
    into it, type a few letters, wait for the server's answer, click the option."""
    control = page.locator(f"select[name={name}] + .ts-wrapper .ts-control input")
    control.click()
    control.type(typed, delay=30)
    option = page.locator(".ts-dropdown .option", has_text=choice).first
    option.wait_for(state="visible")
    option.click()
    page.keyboard.press("Escape")
