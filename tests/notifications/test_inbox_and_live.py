"""The inbox pages, the top bar's count through the live poll, and what the poll says changed."""

from __future__ import annotations

from tandem.notifications import fanout, live, queries
from tandem.notifications.models import Notification
from tandem.work import services as work
from tests.conftest import login


def test_the_inbox_lists_marks_read_and_follows_to_the_record(ana, ben, make_item):
    item = make_item("Printer on fire", assignees=[ben])
    work.add_comment(item, by=ana, body="smoke everywhere")
    fanout.fan_out.call()
    client = login(ben)
    page = client.get("/notifications/").content.decode()
    assert "Printer on fire" in page and "smoke everywhere" in page and "2 unread" in page
    first = Notification.objects.filter(user=ben).order_by("id").first()
    answer = client.post(f"/notifications/{first.pk}/read/", {"read": "1"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "Mark unread" in answer.content.decode()
    assert queries.unread_count(ben) == 1
    client.post(f"/notifications/{first.pk}/read/", {"read": "0"})
    assert queries.unread_count(ben) == 2
    opened = client.get(f"/notifications/{first.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/items/{item.pk}/"
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert "1 unread" in client.get("/notifications/?show=unread").content.decode()


def test_mark_all_read_leaves_what_came_after_the_page(ana, ben, make_item):
    item = make_item(assignees=[ben])
    fanout.fan_out.call()
    seen = Notification.objects.filter(user=ben).order_by("-id").first().pk
    work.add_comment(item, by=ana, body="later")
    fanout.fan_out.call()
    login(ben).post("/notifications/read-all/", {"up_to": seen})
    assert queries.unread_count(ben) == 1


def test_nobody_reads_or_opens_another_persons_notification(ana, ben, dan, make_item):
    make_item(assignees=[ben])
    fanout.fan_out.call()
    mine = Notification.objects.get(user=ben)
    client = login(dan)
    assert client.get(f"/notifications/{mine.pk}/").status_code == 404
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=mine.pk).read_at is None
    assert (
        client.get("/notifications/").status_code == 200
        and "Printer" not in client.get("/notifications/").content.decode()
    )


def test_opening_the_record_reads_its_notifications(ana, ben, make_item):
    item = make_item(assignees=[ben])
    other = make_item("Other", assignees=[ben])
    fanout.fan_out.call()
    login(ben).get(f"/items/{item.pk}/")
    assert list(
        Notification.objects.filter(user=ben, read_at__isnull=True).values_list("target_id", flat=True)
    ) == [other.pk]


def test_settings_page_saves_choices_and_refuses_nonsense(ben):
    client = login(ben)
    assert client.get("/notifications/settings/").status_code == 200
    assert client.post("/notifications/settings/", {"comment": "email", "status": "off"}).status_code == 302
    assert queries.preferences(ben)["comment"] == "email" and queries.preferences(ben)["status"] == "off"
    refused = client.post("/notifications/settings/", {"comment": "carrier pigeon"})
    assert refused.status_code == 400 and queries.preferences(ben)["comment"] == "email"


def test_the_poll_counts_unread_and_says_when_the_board_changed(ana, ben, cleo, board, make_item):
    item = make_item(assignees=[ben])
    fanout.fan_out.call()
    client = login(ben)
    first = client.get("/live/", {"topic": f"board:{board.pk}"})
    assert first.status_code == 200 and "HX-Trigger" not in first
    assert 'data-count="1"' in first.content.decode()
    state = live.look(ben, topic=f"board:{board.pk}", history_after=None, notification_after=None)
    quiet = client.get("/live/", {"topic": f"board:{board.pk}", "h": state.history, "n": state.notification})
    assert "HX-Trigger" not in quiet
    work.update_item(item, by=cleo, version=None, data={"title": "Printer out"})
    changed = client.get(
        "/live/", {"topic": f"board:{board.pk}", "h": state.history, "n": state.notification}
    )
    assert changed["HX-Trigger"] == "tandem:changed"
    # his own changes do not reload his page
    mine = live.look(ben, topic=f"board:{board.pk}", history_after=None, notification_after=None)
    work.update_item(item, by=ben, version=None, data={"title": "Printer fixed"})
    assert not live.look(
        ben, topic=f"board:{board.pk}", history_after=mine.history, notification_after=None
    ).changed


def test_the_poll_ignores_changes_elsewhere(ana, ben, admin_user, board, make_item):
    other_board = work.create_board(by=admin_user, data={"name": "Elsewhere"})
    make_item()
    state = live.look(ben, topic=f"board:{board.pk}", history_after=None, notification_after=None)
    make_item("Far away", board=other_board)
    assert not live.look(
        ben, topic=f"board:{board.pk}", history_after=state.history, notification_after=None
    ).changed
    assert live.look(
        ben, topic=f"board:{other_board.pk}", history_after=state.history, notification_after=None
    ).changed


def test_the_poll_follows_records_and_the_inbox(ana, ben, make_item, make_org):
    org = make_org("Acme")
    item = make_item(organizations=[org])
    fanout.fan_out.call()
    start = live.look(ben, topic=f"organization:{org.pk}", history_after=None, notification_after=None)
    work.add_comment(item, by=ana, body="news for Acme")
    assert live.look(
        ben, topic=f"organization:{org.pk}", history_after=start.history, notification_after=None
    ).changed
    assert live.look(
        ben, topic=f"item:{item.pk}", history_after=start.history, notification_after=None
    ).changed
    assert not live.look(
        ben, topic="item:999999", history_after=start.history, notification_after=None
    ).changed
    inbox = live.look(ben, topic="inbox", history_after=None, notification_after=None)
    work.update_item(item, by=ana, version=None, data={"assignees": [ben]})
    fanout.fan_out.call()
    assert live.look(
        ben, topic="inbox", history_after=inbox.history, notification_after=inbox.notification
    ).changed


def test_pages_that_follow_live_carry_their_topic(ben, board, make_item):
    item = make_item()
    client = login(ben)
    assert f"topic=board%3A{board.pk}" in client.get(f"/boards/{board.pk}/").content.decode()
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert f"topic=item%3A{item.pk}" in page and 'id="live-region"' in page
    assert "topic=inbox" in client.get("/notifications/").content.decode()
    assert 'id="unread-count"' in client.get("/").content.decode()


def test_the_poll_needs_a_login(client):
    assert client.get("/live/").status_code == 302
