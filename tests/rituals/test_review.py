"""The finance run's review: oldest first, overdue marked, what blocks what, and who may see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.rituals import queries
from tandem.rituals.models import Ritual
from tandem.work import services as work
from tests.rituals.conftest import make_item

pytestmark = pytest.mark.django_db


def _age(item, days: int) -> None:
    type(item).objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_open_items_oldest_first_with_overdue_and_closed_left_out(finance_run: Ritual, manager: User) -> None:
    board = finance_run.board
    young = make_item(manager, board, "Invoice Contoso")
    old = make_item(manager, board, "Invoice Northwind", due_date=timezone.localdate() - timedelta(days=3))
    middle = make_item(manager, board, "Chase Fabrikam", due_date=timezone.localdate() + timedelta(days=3))
    done = make_item(manager, board, "Paid already")
    _age(old, 30)
    _age(middle, 10)
    work.close_item(done, by=manager)
    rows = queries.review(manager, finance_run)
    assert [row.item.pk for row in rows] == [old.pk, middle.pk, young.pk]
    assert [row.overdue for row in rows] == [True, False, False]
    assert rows[0].age_days == 30


def test_blocking_shown_both_ways(finance_run: Ritual, manager: User) -> None:
    board = finance_run.board
    invoice = make_item(manager, board, "Send invoice")
    chase = make_item(manager, board, "Chase payment")
    work.link_items(invoice, chase, kind="blocks", by=manager)
    rows = {row.item.pk: row for row in queries.review(manager, finance_run)}
    assert [(e.reference, e.is_open) for e in rows[chase.pk].blocked_by] == [(invoice.reference, True)]
    assert rows[chase.pk].blocked
    assert [e.reference for e in rows[invoice.pk].blocks] == [chase.reference]
    assert not rows[invoice.pk].blocked


def test_a_blocker_on_a_board_the_reader_cannot_see_is_unnamed(
    finance_run: Ritual, manager: User, admin_user: User
) -> None:
    secret_board = work.create_board(by=admin_user, data={"name": "Secret", "team": None})
    from tandem.accounts.models import Team

    hidden_team = Team.objects.create(name="Hidden", slug="hidden")
    work.update_board(secret_board, by=admin_user, version=None, data={"team": hidden_team, "private": True})
    secret = make_item(admin_user, secret_board, "Secret blocker")
    ticket = make_item(manager, finance_run.board, "Blocked ticket")
    work.link_items(secret, ticket, kind="blocks", by=admin_user)
    row = queries.review(manager, finance_run)[0]
    assert row.blocked_by[0].hidden and row.blocked_by[0].title == "a private item"
    assert "Secret" not in str([e.title for e in row.blocked_by])


def test_a_private_board_hides_the_ritual(finance_run: Ritual, member: User, manager: User) -> None:
    assert queries.get_ritual_for_user(manager, finance_run.pk) == finance_run
    with pytest.raises(NotFound):
        queries.get_ritual_for_user(member, finance_run.pk)
    assert list(queries.rituals_for(member)) == []


def test_the_current_occurrence_is_this_weeks(finance_run: Ritual) -> None:
    choices = queries.occurrence_choices(finance_run)
    current = queries.current_occurrence(finance_run, choices)
    assert current is not None
    assert current.end >= timezone.now() - timedelta(days=1)
    assert current.start - timezone.now() < timedelta(days=7)
    assert current.end - current.start == timedelta(hours=1)
