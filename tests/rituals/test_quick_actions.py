"""The finance run page's quick actions go through work's services: a refused close shows the
blocking-close rule's message in the row, never a 500; the page is seen only by who sees the board."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import User
from tandem.rituals.models import Ritual
from tandem.work import services as work
from tandem.work.models import ItemState
from tests.rituals.conftest import make_item

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(ritual: Ritual, item_pk: int, action: str) -> str:
    return reverse("rituals:quick-action", args=[ritual.pk, item_pk, action])


def test_close_removes_the_row_with_a_toast(
    finance_run: Ritual, manager: User, client_for: Callable[[User], Client]
) -> None:
    item = make_item(manager, finance_run.board, "Invoice Contoso")
    answer = client_for(manager).post(_url(finance_run, item.pk, "close"), **HTMX)
    assert answer.status_code == 200
    assert answer.content == b""
    assert "closed" in answer["HX-Trigger"]
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED


def test_a_blocked_close_is_refused_with_its_message(
    finance_run: Ritual, manager: User, client_for: Callable[[User], Client]
) -> None:
    blocker = make_item(manager, finance_run.board, "Send invoice")
    blocked = make_item(manager, finance_run.board, "Chase payment")
    work.link_items(blocker, blocked, kind="blocks", by=manager)
    answer = client_for(manager).post(_url(finance_run, blocked.pk, "close"), **HTMX)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "cannot be closed" in page and f"#{blocker.pk}" in page
    assert 'role="alert"' in page
    blocked.refresh_from_db()
    assert blocked.state == ItemState.OPEN


def test_assign_and_move(
    finance_run: Ritual, manager: User, admin_user: User, client_for: Callable[[User], Client]
) -> None:
    item = make_item(manager, finance_run.board, "Invoice Contoso")
    client = client_for(manager)
    answer = client.post(_url(finance_run, item.pk, "assign"), {"assignee": admin_user.pk}, **HTMX)
    assert answer.status_code == 200 and f'id="review-row-{item.pk}"' in answer.content.decode()
    assert list(item.assignees.all()) == [admin_user]
    column = finance_run.board.columns.get(name="invoiced")
    answer = client.post(_url(finance_run, item.pk, "move"), {"column": column.pk}, **HTMX)
    item.refresh_from_db()
    assert item.column_id == column.pk
    assert "invoiced" in answer["HX-Trigger"]


def test_without_htmx_a_refusal_is_a_message_on_the_page(
    finance_run: Ritual, manager: User, client_for: Callable[[User], Client]
) -> None:
    blocker = make_item(manager, finance_run.board, "Send invoice")
    blocked = make_item(manager, finance_run.board, "Chase payment")
    work.link_items(blocker, blocked, kind="blocks", by=manager)
    answer = client_for(manager).post(_url(finance_run, blocked.pk, "close"), follow=True)
    assert answer.status_code == 200
    assert "cannot be closed" in answer.content.decode()


@pytest.mark.parametrize("who", ["member", "guest"])
def test_outsiders_of_a_private_board_get_404(
    finance_run: Ritual,
    manager: User,
    who: str,
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
) -> None:
    user = request.getfixturevalue(who)
    item = make_item(manager, finance_run.board, "Invoice Contoso")
    client = client_for(user)
    assert client.get(reverse("rituals:detail", args=[finance_run.pk])).status_code == 404
    assert client.get(reverse("rituals:event-run", args=[finance_run.event_id])).status_code == 404
    assert client.post(_url(finance_run, item.pk, "close")).status_code in (403, 404)
    item.refresh_from_db()
    assert item.state == ItemState.OPEN


def test_the_page_and_the_way_from_the_event(
    finance_run: Ritual, manager: User, client_for: Callable[[User], Client]
) -> None:
    old = make_item(manager, finance_run.board, "Invoice Northwind")
    client = client_for(manager)
    answer = client.get(reverse("rituals:event-run", args=[finance_run.event_id]))
    assert answer.status_code == 302 and answer["Location"].startswith(
        reverse("rituals:detail", args=[finance_run.pk])
    )
    page = client.get(reverse("rituals:detail", args=[finance_run.pk])).content.decode()
    assert "Open items, oldest first" in page and old.title in page and manager.display_name in page


def test_anonymous_is_sent_to_log_in(finance_run: Ritual) -> None:
    answer = Client().get(reverse("rituals:detail", args=[finance_run.pk]))
    assert answer.status_code in (302, 403)
