"""Skipping a stage checks what it skips: a deal moving forward past stages needs what each stage
passed over requires, as well as the target — however it moves (service, drag, the item page's
"Move to", bulk, the API), when it is won straight from an early stage, and when it is made in a
later stage. Going back and losing skip nothing."""

from __future__ import annotations

import pytest

from tandem.core.errors import Conflict
from tandem.sales import services
from tandem.sales.models import Deal, StageChange
from tandem.work import services as work
from tests.api.conftest import ApiClient
from tests.conftest import login
from tests.sales.gates import clear_the_gates


@pytest.fixture
def negotiation(pipeline, manager):
    """The pipeline's stages in progress: Lead, Qualified, Proposal (a proposal document and the
    step "Demo given"), Negotiation."""
    return services.add_stage(pipeline, by=manager, spec={"name": "Negotiation", "probability": 80})


@pytest.fixture
def qualified_deal(member, pipeline, make_org):
    deal = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme pilot",
        data={"value": "24000", "organization": make_org("Acme")},
    )
    services.enter_stage(deal, pipeline.stages.get(name="Qualified"), by=member)
    return Deal.objects.get(pk=deal.pk)


def stage_of(deal):
    return Deal.objects.get(pk=deal.pk).stage.name


def test_qualified_to_negotiation_needs_what_proposal_requires(member, pipeline, negotiation, qualified_deal):
    with pytest.raises(Conflict) as refused:
        services.enter_stage(qualified_deal, negotiation, by=member)
    message = refused.value.message
    assert message.startswith("This deal cannot skip the stage “Proposal” on its way to “Negotiation”.")
    assert "Missing for “Proposal”: the step “Demo given”; proposal." in message
    assert refused.value.extra["missing"] == ["the step “Demo given”", "proposal"]
    assert [s["stage"] for s in refused.value.extra["stages"]] == ["Proposal"]
    assert stage_of(qualified_deal) == "Qualified"

    proposal = pipeline.stages.get(name="Proposal")
    services.tick_step(qualified_deal, proposal, "Demo given", by=member)
    services.attach_document(qualified_deal, by=member, kind="proposal", url="https://docs.example/p.pdf")
    services.enter_stage(qualified_deal, negotiation, by=member)  # the skipped gate holds: allowed
    assert stage_of(qualified_deal) == "Negotiation"
    last = StageChange.objects.filter(deal=qualified_deal).last()
    assert (last.from_stage.name, last.to_stage.name) == ("Qualified", "Negotiation")


def test_the_message_names_the_target_too_when_it_also_lacks(member, pipeline, manager, qualified_deal):
    closing = services.add_stage(
        pipeline, by=manager, spec={"name": "Closing", "required_fields": ["expected_close"]}
    )
    with pytest.raises(Conflict) as refused:
        services.enter_stage(qualified_deal, closing, by=member)
    message = refused.value.message
    assert "Missing for “Proposal”" in message and "Missing for “Closing”: Expected close date." in message


def test_a_drag_a_bulk_move_and_the_move_menu_are_refused_alike(
    member, pipeline, negotiation, qualified_deal
):
    column = pipeline.board.columns.get(name="Negotiation")
    item = qualified_deal.item
    with pytest.raises(Conflict, match="cannot skip the stage “Proposal”"):
        work.move_item(item, by=member, column=column)  # a drag on the board
    with pytest.raises(Conflict, match="cannot skip the stage “Proposal”"):
        work.bulk_update([item], by=member, action="move", value=column)
    client = login(member)
    page = client.post(
        f"/items/{item.pk}/move/", {"column": column.pk, "next": f"/items/{item.pk}/"}, follow=True
    ).content.decode()
    assert "cannot skip the stage “Proposal”" in page
    dropped = client.post(
        f"/items/{item.pk}/move/", {"column": column.pk}, headers={"Accept": "application/json"}
    )
    assert dropped.status_code == 409 and "Missing for “Proposal”" in dropped.json()["detail"]
    assert stage_of(qualified_deal) == "Qualified"


def test_the_api_answers_409_naming_the_skipped_stage(
    member, pipeline, negotiation, qualified_deal, api_token_for
):
    api = ApiClient(api_token_for(member))
    refused = api.post(f"/deals/{qualified_deal.pk}/stage", {"stage": negotiation.pk})
    assert refused.status_code == 409
    assert "skip the stage “Proposal”" in refused.json()["detail"]
    assert refused.json()["missing"] == ["the step “Demo given”", "proposal"]
    column = pipeline.board.columns.get(name="Negotiation")
    moved = api.post(f"/items/{qualified_deal.pk}/move", {"column": column.pk})
    assert moved.status_code == 409 and "Missing for “Proposal”" in moved.json()["detail"]
    made = api.post(
        "/deals",
        {"pipeline": pipeline.pk, "title": "Straight in", "value": "10", "stage": negotiation.pk},
    )
    assert made.status_code == 409 and "“Qualified”, “Proposal”" in made.json()["detail"]
    assert stage_of(qualified_deal) == "Qualified"


def test_winning_straight_from_an_early_stage_meets_the_gates_it_skips(member, pipeline, qualified_deal):
    services.attach_document(
        qualified_deal, by=member, kind="signed_contract", url="https://docs.example/signed.pdf"
    )
    with pytest.raises(Conflict) as refused:
        services.win(qualified_deal, by=member)
    assert "skip the stage “Proposal” on its way to “Won”" in refused.value.message
    assert not qualified_deal.invoices.exists()
    clear_the_gates(qualified_deal, by=member)
    assert services.win(qualified_deal, by=member).stage.name == "Won"


def test_a_deal_made_in_a_later_stage_meets_the_gates_before_it(member, pipeline, negotiation, make_org):
    with pytest.raises(Conflict) as refused:
        services.create_deal(
            by=member, pipeline=pipeline, title="Straight in", data={"value": "10"}, stage=negotiation
        )
    assert "Missing for “Qualified”: Organization." in refused.value.message
    assert not Deal.objects.filter(item__title="Straight in").exists()
    made = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Qualified at once",
        data={"value": "10", "organization": make_org("Zeta")},
        stage=pipeline.stages.get(name="Qualified"),
    )
    assert made.stage.name == "Qualified"


def test_going_back_and_losing_skip_nothing(member, pipeline, negotiation, qualified_deal):
    services.enter_stage(qualified_deal, pipeline.stages.get(name="Lead"), by=member)
    assert stage_of(qualified_deal) == "Lead"
    lost = services.lose(qualified_deal, by=member, reason="No budget")  # from Lead, past every gate
    assert lost.stage.name == "Lost"


def test_back_from_lost_counts_from_the_last_stage_in_progress(member, pipeline, negotiation, qualified_deal):
    services.lose(qualified_deal, by=member, reason="Went quiet")
    with pytest.raises(Conflict, match="cannot skip the stage “Proposal”"):
        services.enter_stage(qualified_deal, negotiation, by=member)
    services.enter_stage(qualified_deal, pipeline.stages.get(name="Qualified"), by=member)
    assert stage_of(qualified_deal) == "Qualified"
