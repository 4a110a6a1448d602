"""A won deal and its finance ticket: when the last item blocking a won deal closes, the deal closes
itself if its pipeline says so (on by default) — by whoever closed the ticket, after it, in the
history, however the ticket was closed. Off, the deal waits to be closed by hand, and the pages
say so. A won deal waiting for its invoice says so calmly instead of the "Blocked" alarm, and shows
no next step."""

from __future__ import annotations

import pytest

from tandem.accounts.models import Team
from tandem.accounts.roles import Role
from tandem.activity.models import HistoryEntry
from tandem.sales import services
from tandem.sales.models import Deal, Pipeline
from tandem.work import services as work
from tandem.work.models import Item, ItemState
from tests.api.conftest import ApiClient
from tests.conftest import login, make_user
from tests.sales.gates import clear_the_gates


@pytest.fixture
def fiona(db):
    return make_user("fiona@tandem.test", Role.MEMBER, full_name="Fiona Finance")


def won_deal(member, pipeline, title="Acme pilot"):
    deal = services.create_deal(
        by=member, pipeline=pipeline, title=title, data={"next_step": "Send proposal"}
    )
    clear_the_gates(deal, by=member)
    services.attach_document(deal, by=member, kind="signed_contract", url="https://docs.example/signed.pdf")
    won = services.win(deal, by=member)
    return won, won.invoices.get().item


def state(item):
    return Item.objects.get(pk=item.pk).state


def test_closing_the_invoice_closes_the_won_deal_after_it(member, fiona, pipeline):
    deal, ticket = won_deal(member, pipeline)
    assert Pipeline.objects.get(pk=pipeline.pk).close_won_deals is True  # on by default
    work.close_item(ticket, by=fiona)
    item = Item.objects.get(pk=deal.pk)
    assert item.state == ItemState.CLOSED and item.closed_by == fiona
    assert Deal.objects.get(pk=deal.pk).is_open is False
    closes = list(HistoryEntry.objects.filter(verb="closed").order_by("pk").values_list("target_id", "actor"))
    assert closes == [(ticket.pk, fiona.pk), (deal.pk, fiona.pk)]


@pytest.mark.parametrize("how", ["drag", "bulk", "api"])
def test_every_way_of_closing_the_ticket_closes_the_deal(member, fiona, pipeline, how, api_token_for):
    deal, ticket = won_deal(member, pipeline)
    if how == "drag":
        work.move_item(ticket, by=fiona, column=ticket.board.columns.get(kind="closed"))
    elif how == "bulk":
        work.bulk_update([ticket], by=fiona, action="close")
    else:
        assert ApiClient(api_token_for(fiona)).post(f"/items/{ticket.pk}/close").status_code == 200
    assert state(ticket) == state(deal.item) == ItemState.CLOSED


def test_off_the_deal_waits_to_be_closed_by_hand(member, manager, fiona, pipeline):
    services.update_pipeline(pipeline, by=manager, data={"close_won_deals": False})
    deal, ticket = won_deal(member, pipeline)
    work.close_item(ticket, by=fiona)
    assert state(deal.item) == ItemState.OPEN
    work.close_item(deal.item, by=member)
    assert state(deal.item) == ItemState.CLOSED


def test_a_deal_still_blocked_by_something_else_waits_for_it(member, fiona, pipeline):
    deal, ticket = won_deal(member, pipeline)
    other = work.create_item(by=member, board=pipeline.board, data={"title": "Countersign the NDA"})
    work.link_items(other, deal.item, kind="blocks", by=member)
    work.close_item(ticket, by=fiona)
    assert state(deal.item) == ItemState.OPEN  # the ticket was not the last blocker
    work.close_item(other, by=member)
    assert state(deal.item) == ItemState.CLOSED


def test_a_deal_taken_back_out_of_won_stays_open(member, fiona, pipeline):
    deal, ticket = won_deal(member, pipeline)
    services.enter_stage(deal, pipeline.stages.get(name="Proposal"), by=member)
    work.close_item(ticket, by=fiona)
    assert state(deal.item) == ItemState.OPEN


def test_finance_closes_the_deal_on_a_pipeline_it_may_not_see(admin_user, member, fiona, pipeline):
    sales = Team.objects.create(name="Sales", slug="sales")
    member.teams.add(sales)
    work.update_board(pipeline.board, by=admin_user, version=None, data={"team": sales, "private": True})
    deal, ticket = won_deal(member, pipeline)
    work.close_item(ticket, by=fiona)
    assert state(deal.item) == ItemState.CLOSED


def test_the_won_deal_waits_calmly_for_its_invoice(member, manager, pipeline):
    deal, ticket = won_deal(member, pipeline)
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    assert f"Waiting for invoice #{ticket.pk}. The deal closes itself once finance closes it." in page
    assert 'id="blocked-note"' not in page and "Blocked:" not in page
    next_step = page.split('id="deal-next-step">', 1)[1].split("</dd>", 1)[0]
    assert next_step == "—" and "Send proposal" not in next_step

    services.update_pipeline(pipeline, by=manager, data={"close_won_deals": False})
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    assert f"Waiting for invoice #{ticket.pk}. Close the deal once the invoice is paid." in page

    other = work.create_item(by=member, board=pipeline.board, data={"title": "Countersign the NDA"})
    work.link_items(other, deal.item, kind="blocks", by=member)
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    assert 'id="blocked-note"' in page and "Waiting for invoice" not in page  # not only finance now


def test_a_deal_in_progress_shows_its_next_step(member, pipeline):
    deal = services.create_deal(
        by=member, pipeline=pipeline, title="Acme", data={"next_step": "Send proposal"}
    )
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    assert "Send proposal" in page.split('id="deal-next-step">', 1)[1].split("</dd>", 1)[0]


def test_the_win_message_says_what_happens_next(member, manager, pipeline):
    deal = clear_the_gates(services.create_deal(by=member, pipeline=pipeline, title="Acme"), by=member)
    services.attach_document(deal, by=member, kind="signed_contract", url="https://docs.example/s.pdf")
    page = login(member).post(f"/deals/{deal.pk}/win/", follow=True).content.decode()
    ticket = Deal.objects.get(pk=deal.pk).invoices.get().item
    assert (
        f"Won. Finance has invoice #{ticket.pk} to send; this deal closes itself once finance closes it."
        in page
    )

    services.update_pipeline(pipeline, by=manager, data={"close_won_deals": False})
    other = clear_the_gates(services.create_deal(by=member, pipeline=pipeline, title="Zeta"), by=member)
    services.attach_document(other, by=member, kind="signed_contract", url="https://docs.example/z.pdf")
    page = login(member).post(f"/deals/{other.pk}/win/", follow=True).content.decode()
    ticket = Deal.objects.get(pk=other.pk).invoices.get().item
    assert f"Won. Finance has invoice #{ticket.pk} to send; close this deal once the invoice is paid." in page


def test_the_setting_is_on_the_pipeline_settings_page_and_in_the_api(manager, pipeline, api_token_for):
    client = login(manager)
    page = client.get(f"/pipelines/{pipeline.pk}/settings/").content.decode()
    assert "Close won deals when their invoice is closed" in page
    form = {
        "action": "pipeline",
        "name": pipeline.name,
        "currency": "EUR",
        "finance_board": pipeline.finance_board_id,
    }
    client.post(f"/pipelines/{pipeline.pk}/settings/", form)  # the box left unticked
    assert Pipeline.objects.get(pk=pipeline.pk).close_won_deals is False
    entry = HistoryEntry.objects.filter(target_type="pipeline", verb="updated").last()
    assert entry.changes == {"close_won_deals": [True, False]}
    client.post(f"/pipelines/{pipeline.pk}/settings/", form | {"close_won_deals": "on"})
    assert Pipeline.objects.get(pk=pipeline.pk).close_won_deals is True

    api = ApiClient(api_token_for(manager))
    assert api.get(f"/pipelines/{pipeline.pk}").json()["close_won_deals"] is True
    patched = api.patch(f"/pipelines/{pipeline.pk}", {"close_won_deals": False})
    assert patched.status_code == 200 and patched.json()["close_won_deals"] is False
    assert api.patch(f"/pipelines/{pipeline.pk}", {"close_won_deals": "no"}).status_code == 422
    made = api.post("/pipelines", {"name": "By hand", "close_won_deals": False, "stages": [{"name": "A"}]})
    assert made.status_code == 201 and made.json()["close_won_deals"] is False
    assert api.post("/pipelines", {"name": "Default", "stages": [{"name": "A"}]}).json()["close_won_deals"]
