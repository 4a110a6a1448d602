"""A deal's page header: its value with the currency, its stage, its owner, organization and
expected close, and Won and Lost, each confirmed in a dialog (Lost asks why, and is refused
without a reason); the side list leaves out what a deal has no use for, and shows the deal's own
figures once. A plain item's header stays its reference, title and state."""

from __future__ import annotations

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.finance.models import Invoice
from tandem.sales import services
from tandem.sales.models import Deal, StageKind
from tandem.work import services as work
from tests.conftest import login
from tests.sales.gates import clear_the_gates
from tests.sales.page import part


def header(page: str) -> str:
    return part(page, "item-header", "</header>")


def test_the_header_shows_the_deals_figures(member, manager, pipeline, make_org):
    acme = make_org("Acme Corp")
    deal = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme pilot",
        data={"value": "24000", "organization": acme, "expected_close": datetime.date(2031, 5, 17)},
    )
    services.update_deal(deal, by=member, data={"owner": manager})
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    top = header(page)
    assert "Acme pilot" in top and 'id="item-state"' in top
    value = part(top, "deal-header-value", "</dd>")
    assert "24,000.00 EUR" in value
    assert re.search(r'<span class="badge text-bg-primary" id="deal-header-stage">Lead</span>', top)
    owner = part(top, "deal-header-owner", "</dd>")
    assert 'class="avatar ' in owner and "Mona Manager" in owner
    assert f'href="/organizations/{acme.pk}/"' in part(top, "deal-header-organization", "</dd>")
    assert "17 May 2031" in part(top, "deal-header-close", "</dd>")
    # the figures show once: not again in the deal's panel or the side list
    assert page.count("24,000.00 EUR") == 1
    assert page.count("17 May 2031") == 1


def test_the_side_list_of_a_deal_leaves_out_what_items_have(member, manager, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    side = part(login(member).get(f"/items/{deal.pk}/").content.decode(), "item-side", "</aside>")
    assert ">Estimate<" not in side and ">Start<" not in side and ">Type<" not in side
    assert ">Assignees<" in side and ">Due<" in side
    board = work.create_board(by=manager, data={"name": "Tasks"})
    task = work.create_item(by=member, board=board, data={"title": "Write docs"})
    plain = login(member).get(f"/items/{task.pk}/").content.decode()
    assert ">Estimate<" in plain and ">Start<" in plain and ">Type<" in plain
    assert 'id="deal-header"' not in plain and "deal-win" not in plain
    assert "Write docs" in header(plain) and 'id="item-actions"' in header(plain)


def test_won_and_lost_are_confirmed_in_dialogs(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    top = header(login(member).get(f"/items/{deal.pk}/").content.decode())
    for outcome, url in (("win", f"/deals/{deal.pk}/win/"), ("lose", f"/deals/{deal.pk}/lose/")):
        assert f'data-bs-toggle="modal" data-bs-target="#deal-{outcome}-dialog"' in top
        dialog = part(top, f"deal-{outcome}-dialog", "</form>")
        assert f'<div class="modal fade" id="deal-{outcome}-dialog"' in top
        assert f'aria-labelledby="deal-{outcome}-title"' in dialog
        assert f'action="{url}"' in dialog and 'type="submit"' in dialog and "Cancel" in dialog
    lose = part(top, "deal-lose-dialog", "</form>")
    assert re.search(r'<label class="form-label" for="deal-lose-reason">Why was it lost\?</label>', lose)
    assert re.search(r'<textarea[^>]*name="reason"[^>]*id="deal-lose-reason"[^>]*required', lose)
    assert "<script" not in top and " onclick" not in top


def test_a_won_or_lost_deal_offers_neither_again(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    services.lose(deal, by=member, reason="No budget")
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    assert "deal-win-dialog" not in page and "deal-lose-dialog" not in page
    assert re.search(r'<span class="badge text-bg-danger" id="deal-header-stage">Lost</span>', page)


def test_winning_through_the_dialogs_form_still_checks_the_gates(member, pipeline):
    deal = clear_the_gates(
        services.create_deal(by=member, pipeline=pipeline, title="Acme pilot", data={"value": "500"}),
        by=member,
    )
    client = login(member)
    refused = client.post(f"/deals/{deal.pk}/win/", follow=True).content.decode()
    assert "signed contract" in refused and Deal.objects.get(pk=deal.pk).stage.kind == StageKind.OPEN
    client.post(
        f"/deals/{deal.pk}/documents/",
        {"kind": "signed_contract", "file": SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed")},
    )
    won = client.post(f"/deals/{deal.pk}/win/", follow=True)
    assert won.redirect_chain[-1][0] == f"/items/{deal.pk}/#deal"
    ticket = Invoice.objects.get(deal=deal).item
    page = won.content.decode()
    assert f"Finance has invoice #{ticket.pk} to send" in page
    assert f"Waiting for invoice #{ticket.pk}" in part(page, "waiting-note", "</p>")
    assert Deal.objects.get(pk=deal.pk).stage.kind == StageKind.WON


def test_lost_without_a_reason_is_refused_and_changes_nothing(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    client = login(member)
    for reason in ({}, {"reason": "   "}):
        page = client.post(f"/deals/{deal.pk}/lose/", reason, follow=True).content.decode()
        assert "Say why the deal was lost." in page and "alert-danger" in page
        assert "Deal marked as lost." not in page
        kept = Deal.objects.get(pk=deal.pk)
        assert (kept.stage.kind, kept.lost_reason, kept.stage_changes.count()) == (StageKind.OPEN, "", 1)
    page = client.post(f"/deals/{deal.pk}/lose/", {"reason": "No budget"}, follow=True).content.decode()
    assert "Deal marked as lost." in page
    lost = Deal.objects.get(pk=deal.pk)
    assert (lost.stage.kind, lost.lost_reason) == (StageKind.LOST, "No budget")
