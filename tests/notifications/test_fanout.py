"""Who hears of what: the fan-out from history entries to notifications."""

from __future__ import annotations

import pytest

from tandem.activity.models import HistoryEntry
from tandem.contacts import services as contacts
from tandem.notifications import fanout, services
from tandem.notifications.models import Mail, Notification, Outbox
from tandem.work import services as work
from tandem.work.models import TeamNotifications
from tests.notifications.conftest import delivered, forget


def test_assigning_reaches_the_assignee_and_the_team_but_never_the_actor(ana, ben, cleo, dan, make_item):
    item = make_item()
    assert delivered() == {"cleo": [("created", "created", "team")], "ben": [("created", "created", "team")]}
    forget()
    work.update_item(item, by=ana, version=None, data={"assignees": [ben]})
    got = delivered()
    assert got["ben"] == [("updated", "assignment", "assignee")]
    assert got["cleo"] == [("updated", "assignment", "team")]  # so nobody else picks it up
    assert "ana" not in got and "dan" not in got  # the actor never; outside the team nobody


def test_the_one_taken_off_hears_of_it(ana, ben, cleo, make_item):
    item = make_item(assignees=[ben])
    forget()
    work.update_item(item, by=ana, version=None, data={"assignees": [cleo]})
    got = delivered()
    assert got["ben"][-1] == ("updated", "assignment", "unassigned")
    assert got["cleo"][-1] == ("updated", "assignment", "assignee")


def test_a_new_item_tells_its_assignee_as_an_assignment(ana, ben, make_item):
    make_item(assignees=[ben])
    assert delivered()["ben"] == [("created", "assignment", "assignee")]


def test_comments_reach_assignees_and_watchers_and_mentions_are_their_own_kind(
    ana, ben, cleo, dan, make_item
):
    item = make_item(assignees=[ben])
    work.watch_item(item, by=dan)
    forget()
    work.add_comment(item, by=ana, body=f"@{cleo.handle} can you take a look?")
    got = delivered()
    assert got["ben"] == [("commented", "comment", "assignee")]
    assert got["dan"] == [("commented", "comment", "watcher")]
    assert got["cleo"] == [("commented", "mention", "mentioned")]
    assert "ana" not in got


def test_editing_a_comment_tells_only_the_newly_mentioned(ana, ben, cleo, make_item):
    item = make_item()
    comment = work.add_comment(item, by=ana, body=f"cc @{ben.handle}")
    forget()
    work.edit_comment(comment, by=ana, body=f"cc @{ben.handle} and @{cleo.handle}")
    got = delivered()
    assert got["cleo"] == [("edited comment", "mention", "mentioned")]
    assert got["ben"] == [("edited comment", "change", "watcher")]  # a watcher now, not mentioned again


def test_the_board_decides_what_its_team_hears(admin_user, ana, ben, cleo, board, make_item):
    item = make_item(assignees=[ben])
    forget()
    work.update_item(item, by=ana, version=None, data={"title": "Printer still on fire"})
    assert "cleo" not in delivered()  # by default the team hears of new work and assignments only
    work.update_board(board, by=admin_user, version=None, data={"team_notifications": TeamNotifications.ALL})
    work.update_item(item, by=ana, version=None, data={"title": "Printer out"})
    assert delivered()["cleo"] == [("updated", "change", "team")]
    work.update_board(board, by=admin_user, version=None, data={"team_notifications": TeamNotifications.OFF})
    forget()
    work.update_item(item, by=ana, version=None, data={"assignees": [ben, cleo]})
    got = delivered()
    assert got["cleo"] == [("updated", "assignment", "assignee")]
    assert got["ben"] == [("updated", "assignment", "assignee")]  # the item's assignees changed
    assert set(got) == {"ben", "cleo"}


def test_closing_is_a_status_change_for_the_assignee(ana, ben, make_item):
    item = make_item(assignees=[ben])
    forget()
    work.close_item(item, by=ana)
    assert delivered()["ben"] == [("closed", "status", "assignee")]


def test_the_owner_of_a_customer_hears_of_its_changes(ana, ben):
    org = contacts.create_organization(by=ana, data={"name": "Acme", "owner": ben})
    forget()
    contacts.update_organization(org, by=ana, version=None, data={"industry": "Printing"})
    assert delivered() == {"ben": [("updated", "change", "owner")]}
    contacts.update_organization(org, by=ben, version=None, data={"industry": "Paper"})
    assert delivered() == {"ben": [("updated", "change", "owner")]}  # his own change adds nothing


def test_preferences_choose_the_channel_and_off_means_nothing(ana, ben, cleo, make_item):
    services.set_preferences(ben, choices={"assignment": "off", "comment": "digest"})
    services.set_preferences(cleo, choices={"mention": "app"})
    item = make_item(assignees=[ben])
    work.add_comment(item, by=ana, body=f"hello @{cleo.handle}")
    fanout.fan_out.call()
    ben_rows = list(Notification.objects.filter(user=ben).values_list("entry__verb", "kind", "mail"))
    assert ben_rows == [("commented", "comment", Mail.DIGEST)]  # the assignment is off
    cleo_rows = list(Notification.objects.filter(user=cleo).values_list("entry__verb", "kind", "mail"))
    assert ("commented", "mention", Mail.NONE) in cleo_rows  # in Tandem only, no e-mail
    # new work on her team's board stays in the inbox by default
    created = Notification.objects.filter(user=cleo, kind="created").values_list("mail", flat=True)
    assert list(created) == [Mail.NONE]


def test_by_default_an_assignment_is_mailed(ana, ben, make_item):
    make_item(assignees=[ben])
    fanout.fan_out.call()
    assert Notification.objects.get(user=ben).mail == Mail.NOW


def test_inactive_accounts_hear_nothing(admin_user, ana, ben, make_item):
    item = make_item(assignees=[ben])
    ben.is_active = False
    ben.save(update_fields=["is_active"])
    work.add_comment(item, by=ana, body="anyone?")
    fanout.fan_out.call()
    assert not Notification.objects.filter(user=ben).exists()


def test_the_outbox_is_written_with_the_change_and_emptied_once(ana, ben, make_item):
    item = make_item(assignees=[ben])
    entry = HistoryEntry.objects.get(verb="created", target_type="item", target_id=item.pk)
    assert Outbox.objects.filter(entry=entry).exists()
    assert fanout.fan_out.call() >= 1
    assert not Outbox.objects.exists()
    assert fanout.fan_out.call() == 0
    # running again over the same entries adds nothing (a worker killed after the insert)
    Outbox.objects.create(entry=entry)
    fanout.fan_out.call()
    assert Notification.objects.filter(user=ben, entry=entry).count() == 1


def test_a_rolled_back_change_notifies_nobody(ana, ben, make_item):
    item = make_item(assignees=[ben])
    fanout.fan_out.call()
    before = Notification.objects.count()
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        work.add_comment(item, by=ana, body="this is undone")
        raise RuntimeError
    assert not Outbox.objects.exists()
    fanout.fan_out.call()
    assert Notification.objects.count() == before


def test_types_nobody_follows_are_not_queued(admin_user, board):
    work.create_label(by=admin_user, board=board, data={"name": "urgent"})
    assert not Outbox.objects.filter(entry__target_type="label").exists()


def test_the_fan_out_runs_after_the_commit(ana, ben, make_item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_item(assignees=[ben])
    assert len(callbacks) == 1  # one request for the whole transaction
    assert Notification.objects.filter(user=ben).exists()
    assert not Outbox.objects.exists()


def test_a_batch_of_entries_costs_a_fixed_number_of_queries(
    ana, ben, cleo, board, make_item, django_assert_max_num_queries
):
    items = [make_item(f"Item {n}", assignees=[ben]) for n in range(30)]
    for item in items:
        work.add_comment(item, by=ana, body=f"@{cleo.handle} look")
    # a lock, the batch, its entries, items, assignees, watchers, deal owners, team members, active
    # users, preferences, who of the audience may see the items' boards (roles, team memberships),
    # the insert, the delete, then an empty look: the same for 60 entries as for 6
    with django_assert_max_num_queries(18):
        fanout.fan_out.call()
    assert Notification.objects.filter(user=cleo, kind="mention").count() == 30


def test_swapping_two_people_of_the_same_name_is_still_an_assignment(ana, make_item):
    from tandem.accounts.roles import Role
    from tests.conftest import make_user

    first = make_user("sam1@tandem.test", Role.MEMBER, full_name="Sam Same")
    second = make_user("sam2@tandem.test", Role.MEMBER, full_name="Sam Same")
    item = make_item(assignees=[first])
    forget()
    work.update_item(item, by=ana, version=None, data={"assignees": [second]})
    got = delivered()
    assert got["sam1"] == [("updated", "assignment", "unassigned")]
    assert got["sam2"] == [("updated", "assignment", "assignee")]
