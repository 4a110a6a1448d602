"""The finance hand-off: the ticket a won deal opens lands in the finance board's first working
column, goes to the board's default assignee (or, without one, its team hears of it), and carries
what finance needs to invoice — the amount as people read it (the invoice keeps the Decimal), the
customer, the signed contract and the deal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.accounts.models import Team
from tandem.accounts.roles import Role
from tandem.notifications import fanout
from tandem.notifications.models import Notification
from tandem.sales import services as sales
from tandem.sales.models import Deal
from tandem.work import services as work
from tandem.work.models import TeamNotifications
from tests.conftest import login, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def fiona(db):
    return make_user("fiona@tandem.test", Role.MEMBER, full_name="Fiona Finance")


@pytest.fixture
def finance_team(fiona, admin_user, finance_board):
    team = Team.objects.create(name="Finance", slug="finance")
    fiona.teams.add(team)
    work.update_board(finance_board, by=admin_user, version=None, data={"team": team, "private": True})
    return team


def win(member, manager, finance_board, *, value="24000", organization=None, contract=None):
    pipeline = sales.create_pipeline(
        by=manager, name="New business", finance_board=finance_board, stages=[{"name": "Lead"}]
    )
    deal = sales.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme roll-out",
        data={"value": value, "organization": organization},
    )
    if contract is None:
        sales.attach_document(
            deal, by=member, kind="signed_contract", url="https://docs.example/contracts/acme.pdf"
        )
    else:
        sales.attach_document(deal, by=member, kind="signed_contract", file=contract)
    won = sales.win(deal, by=member)
    return won, won.invoices.get()


def test_the_ticket_lands_in_the_first_working_column(member, manager, admin_user, finance_board):
    later = work.create_label(by=admin_user, board=finance_board, data={"name": "finance::invoiced"})
    work.add_column(finance_board, by=admin_user, spec={"kind": "label", "label": later, "name": "invoiced"})
    _deal, invoice = win(member, manager, finance_board)
    assert invoice.item.column.name == "to invoice"  # not the catch-all Open column
    assert [label.name for label in invoice.item.labels.all()] == ["finance::to invoice"]


def test_a_board_without_working_columns_takes_it_in_open(member, manager):
    plain = work.create_board(by=manager, data={"name": "Invoices", "default_type": "finance"})
    _deal, invoice = win(member, manager, plain)
    assert invoice.item.column.name == "Open"


def test_the_default_assignee_gets_it_and_hears_of_it(
    member, manager, admin_user, fiona, finance_board, finance_team
):
    work.update_board(finance_board, by=admin_user, version=None, data={"default_assignee": fiona})
    _deal, invoice = win(member, manager, finance_board)
    assert list(invoice.item.assignees.all()) == [fiona]
    fanout.fan_out.call()
    heard = Notification.objects.get(user=fiona, target_id=invoice.item_id, entry__verb="created")
    assert (heard.entry.verb, heard.kind, heard.reason) == ("created", "assignment", "assignee")


def test_without_a_default_assignee_the_team_hears_of_it(member, manager, fiona, finance_board, finance_team):
    _deal, invoice = win(member, manager, finance_board)
    assert not invoice.item.assignees.exists()
    fanout.fan_out.call()
    heard = Notification.objects.get(user=fiona, target_id=invoice.item_id, entry__verb="created")
    assert (heard.kind, heard.reason) == ("created", "team")
    assert not Notification.objects.filter(user=member, target_id=invoice.item_id).exists()  # the winner


def test_a_team_told_nothing_watches_the_ticket(
    member, manager, admin_user, fiona, finance_board, finance_team
):
    work.update_board(
        finance_board, by=admin_user, version=None, data={"team_notifications": TeamNotifications.OFF}
    )
    _deal, invoice = win(member, manager, finance_board)
    assert fiona in invoice.item.watchers.all()
    fanout.fan_out.call()
    heard = Notification.objects.get(user=fiona, target_id=invoice.item_id, entry__verb="created")
    assert (heard.kind, heard.reason) == ("created", "watcher")


def test_the_ticket_carries_amount_customer_contract_and_deal(member, manager, finance_board, make_org):
    acme = make_org("Acme [Corp]")
    contract = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    deal, invoice = win(member, manager, finance_board, organization=acme, contract=contract)
    assert invoice.amount == Decimal("24000.00") and invoice.currency == "EUR" and invoice.customer == acme
    document = deal.documents.get(kind="signed_contract")
    text = invoice.item.description
    assert "**24,000.00 EUR**" in text
    assert f"Won deal #{deal.pk}: Acme roll\\-out" in text
    assert f"[Acme \\[Corp\\]](</organizations/{acme.pk}/>)" in text
    assert f"(</deals/{deal.pk}/documents/{document.pk}/>)" in text
    assert "the deal then closes itself" in text

    page = login(member).get(f"/items/{invoice.item_id}/").content.decode()
    assert "24,000.00 EUR" in page and f'href="/items/{deal.pk}/"' in page
    assert (
        f'href="/organizations/{acme.pk}/"' in page
        and f'href="/deals/{deal.pk}/documents/{document.pk}/"' in page
    )
    assert login(member).get(f"/deals/{deal.pk}/documents/{document.pk}/").status_code == 200


def test_a_linked_contract_and_a_deal_closed_by_hand(member, manager, finance_board):
    deal, invoice = win(member, manager, finance_board, value="999.5")
    sales.update_pipeline(deal.pipeline, by=manager, data={"close_won_deals": False})
    assert "**999.50 EUR**" in invoice.item.description
    assert "(<https://docs.example/contracts/acme.pdf>)" in invoice.item.description
    assert sales.finance_description(Deal.objects.get(pk=deal.pk)).endswith(
        "Close this ticket when the invoice is paid, then close the deal."
    )
    assert sales.money(None, "EUR") == "amount to be agreed"
    assert sales.money(Decimal("1234567.5"), "USD") == "1,234,567.50 USD"
