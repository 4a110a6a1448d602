"""Minutes per occurrence with optimistic concurrency; action lines become items with the board's
prefix, an assignee, a due date and a link back to the meeting; converting again makes nothing;
a bad line refuses the whole conversion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tandem.accounts.models import User
from tandem.agenda.models import Event, EventLink
from tandem.core.errors import InvalidInput, NotFound, StaleVersion
from tandem.rituals import queries, services
from tandem.rituals.actions import find_actions, parse_date
from tandem.rituals.models import ActionLine, Minutes, Ritual
from tandem.work.models import Item
from tests.rituals.conftest import first_occurrence

pytestmark = pytest.mark.django_db


def _handle(user: User) -> str:
    return user.handle


def test_the_syntax_is_forgiving() -> None:
    found = find_actions(
        "Notes\n- [ ] Send budget @fiona due 2026-12-20\n* [x] done already @sam due 2026-01-01\n"
        "ACTION: Hire @paula due: 2027/01/15.\ntodo: lease @sam due ۱۴۰۵-۰۹-۲۹\n```\n- [ ] in code @sam due 2026-01-01\n```"
    )
    assert [(a.number, a.title, a.handle, a.due) for a in found] == [
        (2, "Send budget", "fiona", date(2026, 12, 20)),
        (4, "Hire", "paula", date(2027, 1, 15)),
        (5, "lease", "sam", parse_date("1405-09-29")),
    ]
    assert parse_date("1405-09-29") == date(2026, 12, 20)
    assert all(not a.errors for a in found)


def test_saving_minutes_checks_the_version(board_meeting: Ritual, admin_user: User) -> None:
    moment = first_occurrence(board_meeting)
    minutes = services.save_minutes(board_meeting, by=admin_user, occurrence=moment, text="First", version=0)
    assert minutes.version == 1
    services.save_minutes(board_meeting, by=admin_user, occurrence=moment, text="Second", version=1)
    with pytest.raises(StaleVersion):
        services.save_minutes(board_meeting, by=admin_user, occurrence=moment, text="Lost", version=1)
    assert Minutes.objects.get(pk=minutes.pk).text == "Second"


def test_minutes_only_for_an_occurrence_of_the_series(board_meeting: Ritual, admin_user: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.save_minutes(
            board_meeting,
            by=admin_user,
            occurrence=first_occurrence(board_meeting) + timedelta(hours=1),
            text="x",
            version=0,
        )
    assert refused.value.field == "occurrence"


def test_convert_creates_prefixed_assigned_dated_linked_items_once(
    board_meeting: Ritual, admin_user: User, member: User, manager: User
) -> None:
    moment = first_occurrence(board_meeting)
    text = (
        "# Board meeting\n\nWe talked.\n\n"
        f"- [ ] Review the Q4 budget @{member.handle} due 2026-12-20\n"
        f"ACTION: Hire a head of support @{manager.handle} due 2027-01-15\n"
    )
    done = services.convert_actions(board_meeting, by=admin_user, occurrence=moment, text=text, version=0)
    assert len(done.created) == 2
    first, second = done.created
    assert first.title == "Acme Board Meeting action: Review the Q4 budget"
    assert list(first.assignees.all()) == [member] and first.due_date == date(2026, 12, 20)
    assert second.title == "Acme Board Meeting action: Hire a head of support"
    assert f"/rituals/{board_meeting.pk}/?occurrence=" in first.description
    # the occurrence lists the items among its linked records
    override = Event.objects.get(master=board_meeting.event, recurrence_id=moment)
    assert set(EventLink.objects.filter(event=override).values_list("item_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    # the markers are written back
    minutes = done.minutes
    assert f"due 2026-12-20 (#{first.pk})" in minutes.text and f"(#{second.pk})" in minutes.text
    # again: nothing new
    again = services.convert_actions(board_meeting, by=admin_user, occurrence=moment)
    assert again.created == [] and {i.pk for i in again.existing} == {first.pk, second.pk}
    assert Item.objects.filter(board=board_meeting.board).count() == 2


def test_an_edited_line_with_its_marker_is_no_new_item(
    board_meeting: Ritual, admin_user: User, member: User
) -> None:
    moment = first_occurrence(board_meeting)
    done = services.convert_actions(
        board_meeting,
        by=admin_user,
        occurrence=moment,
        text=f"- [ ] Budget @{member.handle} due 2026-12-20",
        version=0,
    )
    item = done.created[0]
    edited = done.minutes.text.replace("Budget", "Budget for 2027")
    again = services.convert_actions(
        board_meeting, by=admin_user, occurrence=moment, text=edited, version=done.minutes.version
    )
    assert again.created == [] and again.existing == [item]
    # a line whose marker was lost is found by its text
    plain = f"- [ ] Budget @{member.handle} due 2026-12-20"
    third = services.convert_actions(
        board_meeting, by=admin_user, occurrence=moment, text=plain, version=again.minutes.version
    )
    assert third.created == [] and third.existing == [item]
    assert f"(#{item.pk})" in third.minutes.text
    # both wordings now lead to the one item
    assert set(ActionLine.objects.filter(minutes=third.minutes).values_list("item_id", flat=True)) == {
        item.pk
    }
    assert Item.objects.filter(board=board_meeting.board).count() == 1


def test_bad_lines_refuse_everything_with_a_message_per_line(
    board_meeting: Ritual, admin_user: User, member: User
) -> None:
    moment = first_occurrence(board_meeting)
    text = (
        f"- [ ] Good one @{member.handle} due 2026-12-20\n"
        "- [ ] Unknown person @nobody due 2026-12-20\n"
        f"- [ ] Bad date @{member.handle} due 2026-02-30\n"
        "- [ ] Nobody named due 2026-12-20\n"
    )
    planned = services.plan_actions(board_meeting, text, minutes=None, by=admin_user)
    assert [bool(p.errors) for p in planned] == [False, True, True, True]
    with pytest.raises(InvalidInput) as refused:
        services.convert_actions(board_meeting, by=admin_user, occurrence=moment, text=text, version=0)
    lines = refused.value.extra["lines"]
    assert [line["line"] for line in lines] == [2, 3, 4]
    assert "@nobody" in lines[0]["errors"][0]
    assert "2026-02-30" in lines[1]["errors"][0]
    assert "Name who does it" in lines[2]["errors"][0]
    assert not Item.objects.filter(board=board_meeting.board).exists()
    assert not Minutes.objects.filter(ritual=board_meeting).exists()  # the save rolled back too


def test_converting_needs_the_board_and_the_meeting(
    board_meeting: Ritual, admin_user: User, guest: User
) -> None:
    moment = first_occurrence(board_meeting)
    services.save_minutes(
        board_meeting, by=admin_user, occurrence=moment, text="- [ ] x @alice due 2026-12-20", version=0
    )
    with pytest.raises(NotFound):
        queries.get_ritual_for_user(guest, board_meeting.pk)
