"""Timelines: a record's history newest first, grouped by day, a page at a time. The customer's
timeline holds the organization and everything linked to it — its people, its items and deals,
their comments — and nothing of other customers; later pages follow on without gaps or repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.test import Client

from tandem.activity.models import HistoryEntry
from tandem.contacts import services as contacts
from tandem.feeds import feeds, queries
from tandem.work import services as work
from tests.conftest import login


def test_the_customer_timeline_holds_everything_linked(member, manager, make_org):
    acme, other = make_org("Acme"), make_org("Globex")
    ada = contacts.create_person(by=member, data={"first_name": "Ada", "last_name": "Lovelace",
                                                  "memberships": [{"organization": acme}]}, allow_duplicate=True)  # fmt: skip
    stranger = contacts.create_person(by=member, data={"first_name": "Bo", "last_name": "Other",
                                                       "memberships": [{"organization": other}]}, allow_duplicate=True)  # fmt: skip
    board = work.create_board(by=manager, data={"name": "Support"})
    ticket = work.create_item(
        by=member, board=board, data={"title": "Printer on fire", "organizations": [acme]}
    )
    work.add_comment(ticket, by=member, body="Sent a technician")
    elsewhere = work.create_item(
        by=member, board=board, data={"title": "Globex thing", "organizations": [other]}
    )

    page = queries.timeline(feeds.customer_scope(acme), viewer=None)
    shown = {(e.target_type, e.target_id) for _day, entries in page.days for e in entries}
    assert {("organization", acme.pk), ("person", ada.pk), ("item", ticket.pk)} <= shown
    assert not shown & {("organization", other.pk), ("person", stranger.pk), ("item", elsewhere.pk)}
    verbs = [e.verb for _day, entries in page.days for e in entries]
    assert "commented" in verbs and page.more is None
    text = login(member).get(f"/organizations/{acme.pk}/").content.decode()
    history = text.split('id="history"')[1]
    assert "Printer on fire" in history and "Sent a technician" in history and "Globex thing" not in history


def test_days_newest_first_and_pages_without_gaps(member, make_org):
    acme = make_org("Acme")
    HistoryEntry.objects.all().delete()
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for n in range(70):  # ten a day for a week, some at the same moment
        HistoryEntry.objects.create(actor=member, verb="updated", target_type="organization", target_id=acme.pk,
                                    target_label="Acme", at=start + timedelta(days=n // 10, minutes=(n % 10) // 2))  # fmt: skip
    client = login(member)
    first = queries.timeline(feeds.customer_scope(acme), viewer=None)
    assert [day.isoformat() for day, _e in first.days] == ["2026-03-07", "2026-03-06", "2026-03-05"]
    seen = [e.pk for _d, entries in first.days for e in entries]
    cursor = first.more
    while cursor:
        response = client.get(
            f"/timeline/organization/{acme.pk}/", {"before": cursor}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200 and "<html" not in response.content.decode()
        page = queries.timeline(feeds.customer_scope(acme), viewer=None, before=queries.parse_cursor(cursor))
        seen += [e.pk for _d, entries in page.days for e in entries]
        cursor = page.more
    expected = list(HistoryEntry.objects.order_by("-at", "-id").values_list("pk", flat=True))
    assert seen == expected and len(seen) == 70  # every row once, in order
    full = client.get(f"/timeline/organization/{acme.pk}/", {"before": first.more}).content.decode()
    assert "<html" in full and "Load more" in full  # without htmx: a page of its own


def test_one_query_per_part_of_the_scope_whatever_the_size(member, make_org, django_assert_num_queries):
    acme = make_org("Acme")
    for n in range(40):
        contacts.update_organization(acme, by=member, version=acme.version, data={"industry": f"Kind {n}"})
        acme.refresh_from_db()
    scope = feeds.customer_scope(acme)
    with django_assert_num_queries(len(scope) + 1):  # their sizes, the organization, its people, its items
        page = queries.timeline(scope, viewer=None)
    assert sum(len(entries) for _d, entries in page.days) == queries.TIMELINE_PAGE and page.more


def test_bad_cursors_unknown_kinds_and_outsiders(member, make_org):
    acme = make_org("Acme")
    client = login(member)
    assert client.get(f"/timeline/organization/{acme.pk}/", {"before": "yesterday_x"}).status_code == 200
    assert (
        queries.parse_cursor("nonsense") is None
        and queries.parse_cursor("2026-01-01T00:00:00+00:00_5")[1] == 5
    )
    assert client.get(f"/timeline/invoice/{acme.pk}/").status_code == 404
    assert client.get("/timeline/organization/999999/").status_code == 404
    anonymous = Client().get(f"/timeline/organization/{acme.pk}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
