"""A Persian reader on an organization with an English name and address: the page runs right to
left, and every piece of English data sits in its own isolate (<bdi>), so an address line keeps its
order ("10448 Seattle", not "Seattle 10448") and the words around it stay in place."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.contacts import services
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# the left edge of `part` of an element's text, as drawn
LEFT_OF = """([el, part]) => {
  const text = el.firstChild; const at = text.data.indexOf(part);
  const range = document.createRange(); range.setStart(text, at); range.setEnd(text, at + part.length);
  return range.getBoundingClientRect().left;
}"""


def test_english_data_on_a_persian_customer_page_keeps_its_order(page: Any, live_server: Any) -> None:
    sam = User.objects.create_user(
        "sam@demo.example", "tandem-demo", full_name="سام اکبری", role="member", language="fa"
    )
    org = services.create_organization(
        by=sam,
        data={
            "name": "Northwind Traders",
            "industry": "Wholesale",
            "emails": [{"email": "hello@northwind.example"}],
            "addresses": [{"street": "1 Pike Place", "postal_code": "10448", "city": "Seattle"}],
        },
    )

    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/organizations/{org.pk}/")
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "fa"

    # the name in the heading and the breadcrumb, the industry, the e-mail: each in a <bdi>
    assert page.locator("h1 bdi", has_text="Northwind Traders").count() == 1
    assert page.locator(".breadcrumb-item.active bdi", has_text="Northwind Traders").count() == 1
    assert page.locator("header bdi", has_text="Wholesale").count() == 1
    assert page.locator("#contact-details-title ~ dl bdi", has_text="hello@northwind.example").count() == 1

    # the address line is one isolate, drawn in its own (left-to-right) order on the rtl page
    line = page.locator("address bdi", has_text="Seattle")
    assert line.count() == 1 and line.inner_text() == "10448 Seattle"
    assert line.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    assert line.evaluate("el => getComputedStyle(el).direction") == "ltr"
    handle = line.element_handle()
    assert page.evaluate(LEFT_OF, [handle, "10448"]) < page.evaluate(LEFT_OF, [handle, "Seattle"])
    street = page.locator("address bdi", has_text="Pike Place").element_handle()
    assert page.evaluate(LEFT_OF, [street, "1 "]) < page.evaluate(LEFT_OF, [street, "Pike"])

    # the owner's (Persian) name beside the translated "Owner" label is isolated as well
    assert page.locator(".record-meta bdi", has_text="سام اکبری").count() == 1
