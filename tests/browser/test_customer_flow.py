"""A demo user, in a real Chromium: log in, create an organization and a person in it, find them
through the list filter, open the customer page, and meet a validation error for a bad e-mail."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tandem.contacts.models import Organization, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base: str, email: str = "sam@demo.example") -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "tandem-demo")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_create_find_and_open_a_customer(page: Any, live_server: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    base = live_server.url
    log_in(page, base)
    assert "Sam Okafor" in page.inner_text("nav")

    # Create an organization
    page.goto(f"{base}/organizations/new/")
    page.fill("input[name=name]", "Zeta Robotics Ltd")
    page.fill("input[name=website]", "zeta-robotics.example")
    page.click("form.customer-form button[type=submit]")
    page.wait_for_url(re.compile(r"/organizations/\d+/$"))
    assert page.inner_text("h1") == "Zeta Robotics Ltd"
    org = Organization.objects.get(name="Zeta Robotics Ltd")

    # Add a person to it, first with an e-mail address the server refuses
    page.get_by_role("link", name=re.compile("Add person")).first.click()
    page.wait_for_url(re.compile(r"/people/new/"))
    page.fill("input[name=first_name]", "Yasmin")
    page.fill("input[name=last_name]", "Zeller")
    page.fill("input[name='emails-0-email']", "yasmin@zeta")  # the browser accepts it, Tandem does not
    page.click("form.customer-form button[type=submit]")
    error = page.locator("#emails-list .invalid-feedback, #emails-list .alert-danger").first
    error.wait_for()
    assert re.search(r"valid e-?mail", error.inner_text(), re.IGNORECASE)
    assert page.input_value("input[name=last_name]") == "Zeller"  # what was typed is kept
    assert not Person.objects.filter(last_name="Zeller").exists()

    page.fill("input[name='emails-0-email']", "yasmin@zeta-robotics.example")
    page.click("form.customer-form button[type=submit]")
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    person = Person.objects.get(last_name="Zeller")
    assert list(person.organizations.all()) == [org]

    # Find her through the people list's filter (htmx, no page reload)
    page.goto(f"{base}/people/")
    page.fill("input[name=q]", "zeller")
    row = page.get_by_role("link", name="Yasmin Zeller")
    row.wait_for()
    assert page.locator("table tbody tr").count() == 1
    assert "q=zeller" in page.url

    # Find the organization the same way and open its customer page
    page.goto(f"{base}/organizations/")
    page.fill("input[name=q]", "zeta rob")
    page.get_by_role("link", name="Zeta Robotics Ltd").click()
    page.wait_for_url(f"{base}/organizations/{org.pk}/")
    people = page.inner_text("main")
    assert "Yasmin Zeller" in people
    assert "yasmin@zeta-robotics.example" in people


def test_lists_fit_a_phone_screen(page: Any, live_server: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "sara@demo.example")
    for path in ("/organizations/", "/people/", f"/organizations/{Organization.objects.first().pk}/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        # the menu collapses behind the toggler and still opens
        page.click(".navbar-toggler")
        page.get_by_role("link", name="People").wait_for(state="visible")
