"""The inbox shows a run of alike notifications (the same person doing the same to the same kind
of record within minutes) as one line; each of them stays under its disclosure with its own link and
mark-read button. Runs are grouped within a page; "Load more" continues where the page ended."""

from __future__ import annotations

import re

from tandem.notifications import fanout
from tandem.notifications.models import Notification
from tandem.work import services as work
from tests.conftest import login


def runs(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="list-group-item notification-run" data-count="(\d+)"', page)]


def test_a_run_of_alike_notifications_is_one_line_with_every_one_under_it(ana, ben, make_item):
    made = [make_item(f"Ticket {n}", assignees=[ben]) for n in range(4)]
    work.add_comment(made[0], by=ana, body="breaks the run")
    fanout.fan_out.call()
    page = login(ben).get("/notifications/").content.decode()
    assert runs(page) == [4]
    run = re.search(r'notification-run" data-count.*?</details>', page, re.S).group(0)
    assert '<bdi class="fw-medium">Ana Actor</bdi> created <bdi>4 items</bdi>' in run
    for notification in Notification.objects.filter(user=ben, entry__verb="created"):
        assert f'id="notification-{notification.pk}"' in run  # each keeps its own row and buttons
        assert f'action="/notifications/{notification.pk}/read/"' in run
    assert "breaks the run" in page.split('notification-run" data-count')[0]  # the comment, newest, above


def test_inbox_pages_group_within_each_page(ana, ben, make_item):
    for n in range(33):
        make_item(f"Ticket {n}", assignees=[ben])
    fanout.fan_out.call()
    client = login(ben)
    first = client.get("/notifications/").content.decode()
    assert runs(first) == [30]
    before = re.search(r"before=(\d+)", first).group(1)
    more = client.get(f"/notifications/?before={before}", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in more and runs(more) == [3] and "Ticket 0" in more and "Ticket 3" not in more


def test_different_people_are_different_lines(ana, ben, cleo, make_item):
    make_item("From Ana", assignees=[ben])
    make_item("From Cleo", by=cleo, assignees=[ben])
    make_item("From Ana again", assignees=[ben])
    fanout.fan_out.call()
    page = login(ben).get("/notifications/").content.decode()
    assert runs(page) == [] and page.count('class="list-group-item d-flex') == 3
