"""Pipelines a user defines; what a stage requires before a deal may enter it; Won needs a signed
contract; stage changes are recorded; winning opens the finance ticket that blocks the deal; a deal
closes only when lost, or when won with its finance ticket closed. The rules hold on the board's
own moves (drag), not only through the sales services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.core.errors import Conflict, InvalidInput
from tandem.finance.models import Invoice
from tandem.sales import services
from tandem.sales.models import Deal, StageChange, StageKind
from tandem.work import services as work
from tandem.work.models import ItemLink, ItemState
from tandem.work.services import Blocked
from tests.sales.gates import clear_the_gates


def stage(pipeline, name):
    return pipeline.stages.get(name=name)


def test_a_pipeline_is_a_board_with_a_column_per_stage(pipeline):
    columns = list(pipeline.board.columns.values_list("name", flat=True))
    assert columns == ["Open", "Lead", "Qualified", "Proposal", "Won", "Lost", "Closed"]
    assert [s.kind for s in pipeline.stages.all()][-2:] == [StageKind.WON, StageKind.LOST]
    assert stage(pipeline, "Qualified").label.name == "stage::Qualified"


def test_a_new_deal_starts_in_the_first_stage(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    assert deal.stage.name == "Lead" and deal.item.column.name == "Lead"
    assert deal.effective_probability == Decimal(10)
    assert StageChange.objects.filter(deal=deal, to_stage__name="Lead").exists()


def test_entering_a_stage_needs_its_fields(member, pipeline, make_org):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    with pytest.raises(Conflict) as refused:
        services.enter_stage(deal, stage(pipeline, "Qualified"), by=member)
    assert "Value" in refused.value.message and "Organization" in refused.value.message
    assert Deal.objects.get(pk=deal.pk).stage.name == "Lead"
    services.update_deal(deal, by=member, data={"value": "12000", "organization": make_org("Acme")})
    services.enter_stage(deal, stage(pipeline, "Qualified"), by=member)
    assert Deal.objects.get(pk=deal.pk).stage.name == "Qualified"


def test_the_rules_hold_for_a_drag_on_the_board(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    qualified = pipeline.board.columns.get(name="Qualified")
    with pytest.raises(Conflict):
        work.move_item(deal.item, by=member, column=qualified)
    assert deal.item.__class__.objects.get(pk=deal.pk).column.name == "Lead"


def test_checklist_and_document_before_the_proposal_stage(member, pipeline, make_org):
    deal = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme pilot",
        data={"value": "5000", "organization": make_org("Acme")},
    )
    proposal = stage(pipeline, "Proposal")
    with pytest.raises(Conflict) as refused:
        services.enter_stage(deal, proposal, by=member)
    assert "Demo given" in refused.value.message and "proposal" in refused.value.message
    services.tick_step(deal, proposal, "Demo given", by=member)
    services.attach_document(deal, by=member, kind="proposal", url="https://docs.example/proposal.pdf")
    services.enter_stage(deal, proposal, by=member)
    assert Deal.objects.get(pk=deal.pk).stage == proposal


def test_winning_needs_a_signed_contract_then_opens_the_finance_ticket(member, pipeline, make_org):
    acme = make_org("Acme")
    deal = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme pilot",
        data={"value": "12000.50", "currency": "eur", "organization": acme},
    )
    clear_the_gates(deal, by=member)  # the stages skipped on the way to Won hold their gates
    with pytest.raises(Conflict) as refused:
        services.win(deal, by=member)
    assert "signed contract" in refused.value.message
    assert not Invoice.objects.exists()
    services.attach_document(
        deal, by=member, kind="signed_contract", file=SimpleUploadedFile("contract.pdf", b"%PDF-1.4 signed")
    )
    won = services.win(deal, by=member)
    assert won.stage.kind == StageKind.WON and won.won_at is not None
    invoice = Invoice.objects.get(deal=won)
    assert (invoice.amount, invoice.currency, invoice.customer) == (Decimal("12000.50"), "EUR", acme)
    assert invoice.item.board.name == "Finance"
    assert ItemLink.objects.filter(source=invoice.item, target=deal.item, kind="blocks").exists()

    # the deal closes only once finance has closed the ticket
    with pytest.raises(Blocked):
        work.close_item(deal.item, by=member)
    work.close_item(invoice.item, by=member)
    work.close_item(deal.item, by=member)
    assert deal.item.__class__.objects.get(pk=deal.pk).state == ItemState.CLOSED


def test_a_deal_cannot_close_unless_won_or_lost(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    with pytest.raises(Conflict):
        work.close_item(deal.item, by=member)
    lost = services.lose(deal, by=member, reason="Went with a competitor")
    assert lost.stage.kind == StageKind.LOST and lost.lost_reason == "Went with a competitor"
    work.close_item(deal.item, by=member)
    assert deal.item.__class__.objects.get(pk=deal.pk).state == ItemState.CLOSED


def test_losing_needs_a_reason(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    with pytest.raises(InvalidInput):
        services.lose(deal, by=member, reason="  ")


def test_weighted_value_is_decimal_and_uses_the_override(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme", data={"value": "999.99"})
    assert deal.weighted_value == Decimal("100.00")  # 10 % of 999.99, to the cent
    deal = services.update_deal(deal, by=member, data={"probability": "33.33"})
    assert deal.weighted_value == Decimal("333.30")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"value": "-1"}, "value"),
        ({"value": "lots"}, "value"),
        ({"currency": "euro"}, "currency"),
        ({"probability": "101"}, "probability"),
    ],
)
def test_bad_deal_input_is_refused(member, pipeline, data, field):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme")
    with pytest.raises(InvalidInput) as refused:
        services.update_deal(deal, by=member, data=data)
    assert refused.value.field == field


def test_documents_need_a_file_or_a_link(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme")
    with pytest.raises(InvalidInput):
        services.attach_document(deal, by=member, kind="signed_contract")
    with pytest.raises(InvalidInput):
        services.attach_document(deal, by=member, kind="signed_contract", url="javascript:alert(1)")
    with pytest.raises(InvalidInput):
        services.attach_document(
            deal, by=member, kind="signed_contract", file=SimpleUploadedFile("x.pdf", b"")
        )
    assert not deal.documents.exists()


def test_a_won_deal_whose_finance_ticket_was_unlinked_does_not_close(member, pipeline):
    from tandem.core.errors import Conflict
    from tandem.work import services as work
    from tandem.work.models import ItemLink

    deal = clear_the_gates(services.create_deal(by=member, pipeline=pipeline, title="Unlinked"), by=member)
    services.attach_document(deal, by=member, kind="signed_contract", url="https://docs.example/s.pdf")
    services.win(deal, by=member)
    link = ItemLink.objects.get(target=deal.item, kind="blocks")
    ticket = link.source
    work.unlink_items(link, by=member)
    work.close_item(ticket, by=member)
    with pytest.raises(Conflict, match="Link the deal's finance ticket"):
        work.close_item(deal.item, by=member)
    work.link_items(ticket, deal.item, kind="blocks", by=member)
    assert work.close_item(deal.item, by=member).state == "closed"
