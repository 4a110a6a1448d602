"""Sorting by the column headers and paging through long lists (25 a page; past the end shows the last page)."""

from __future__ import annotations

import re

from tandem.contacts import services
from tests.conftest import login
from tests.contacts.pages import org_url, person_url


def names_in_order(html: str, kind: str = "organizations") -> list[str]:
    return re.findall(rf'<a class="fw-medium" href="/{kind}/\d+/"><bdi>([^<]+)</bdi></a>', html)


def test_organizations_sort_by_name_both_ways(member, make_org):
    for name in ("Bravo", "Alpha", "Charlie"):
        make_org(name)
    client = login(member)
    assert names_in_order(client.get(org_url("list")).content.decode()) == ["Alpha", "Bravo", "Charlie"]
    page = client.get(org_url("list"), {"ordering": "-name"}).content.decode()
    assert names_in_order(page) == ["Charlie", "Bravo", "Alpha"]
    assert 'aria-sort="descending"' in page
    # Clicking the header again sorts A→Z.
    assert 'href="?ordering=name"' in page


def test_recently_updated_first(member, make_org):
    alpha, bravo = make_org("Alpha"), make_org("Bravo")
    services.update_organization(alpha, by=member, version=alpha.version, data={"industry": "Rockets"})
    client = login(member)
    page = client.get(org_url("list")).content.decode()
    assert 'href="?ordering=-updated"' in page  # dates sort newest first on the first click
    assert names_in_order(client.get(org_url("list"), {"ordering": "-updated"}).content.decode()) == [
        "Alpha",
        "Bravo",
    ]
    assert names_in_order(client.get(org_url("list"), {"ordering": "-created"}).content.decode()) == [
        "Bravo",
        "Alpha",
    ]
    assert bravo.pk


def test_people_sort_by_last_name(member, make_person):
    make_person("Zed", "Adams")
    make_person("Amy", "Zephyr")
    client = login(member)
    assert names_in_order(client.get(person_url("list")).content.decode(), "people") == [
        "Zed Adams",
        "Amy Zephyr",
    ]
    desc = client.get(person_url("list"), {"ordering": "-name"}).content.decode()
    assert names_in_order(desc, "people") == ["Amy Zephyr", "Zed Adams"]


def test_sort_links_keep_the_filters(member, make_org):
    make_org("Alpha", tags=["vip"])
    page = login(member).get(org_url("list"), {"tag": "vip", "page": "1"}).content.decode()
    assert 'href="?tag=vip&amp;ordering=-name"' in page  # the filter stays, the page resets


def test_pages_of_25_and_past_the_end_shows_the_last(member, make_org):
    for i in range(30):
        make_org(f"Org {i:02d}")
    client = login(member)
    first = client.get(org_url("list")).content.decode()
    assert len(names_in_order(first)) == 25
    assert "Page 1 of 2" in first and "Showing 1–25 of 30" in first  # noqa: RUF001
    assert 'href="?page=2"' in first
    second = client.get(org_url("list"), {"page": 2}).content.decode()
    assert names_in_order(second) == [f"Org {i:02d}" for i in range(25, 30)]
    past = client.get(org_url("list"), {"page": 99})
    assert past.status_code == 200
    assert names_in_order(past.content.decode()) == names_in_order(second)
    assert "Page 2 of 2" in past.content.decode()
    assert client.get(org_url("list"), {"page": "abc"}).status_code == 200


def test_people_pagination_keeps_the_search(member, make_person):
    for i in range(27):
        make_person(f"P{i:02d}", "Smith")
    page = login(member).get(person_url("list"), {"q": "smith", "page": 99}).content.decode()
    assert len(names_in_order(page, "people")) == 2
    assert 'href="?q=smith&amp;page=1"' in page
