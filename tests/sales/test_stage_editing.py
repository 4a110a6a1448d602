"""Stages edited after the pipeline exists: renamed (label and column follow), requirements and
checklist changed, added at a place, reordered, removed when empty — the board's columns always
in the stages' order, with Won and Lost last."""

from __future__ import annotations

import pytest

from tandem.activity.models import HistoryEntry
from tandem.core.errors import Conflict, InvalidInput, NotAllowed
from tandem.sales import rules, services
from tandem.sales.models import Stage, StageKind
from tandem.work.models import Label


def stage_names(pipeline):
    return list(pipeline.stages.order_by("position").values_list("name", flat=True))


def column_names(pipeline):
    return [c.name for c in pipeline.board.columns.order_by("position", "id") if c.label_id]


def test_rename_keeps_label_column_and_stage_in_one_name(manager, member, pipeline):
    lead = pipeline.stages.get(name="Lead")
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme")
    services.update_stage(lead, by=manager, data={"name": "  New   lead ", "probability": "15"})
    lead.refresh_from_db()
    assert (lead.name, str(lead.probability)) == ("New lead", "15.00")
    assert Label.objects.get(pk=lead.label_id).name == "stage::New lead"
    assert column_names(pipeline)[0] == "New lead"
    deal.item.refresh_from_db()
    assert deal.item.column.name == "New lead"
    entry = HistoryEntry.objects.filter(verb="updated stage").latest("pk")
    assert entry.changes["name"] == ["Lead", "New lead"] and entry.changes["probability"] == [
        "10.00",
        "15.00",
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "qualified"}, "name"),  # another stage's name, in any case
        ({"name": "   "}, "name"),
        ({"name": "a::b"}, "name"),
        ({"required_fields": ["colour"]}, "required_fields"),
        ({"required_document": "poem"}, "required_document"),
        ({"stale_after_days": 0}, "stale_after_days"),
        ({"probability": "101"}, "probability"),
    ],
)
def test_bad_stage_edits_are_refused_and_change_nothing(manager, pipeline, data, field):
    lead = pipeline.stages.get(name="Lead")
    with pytest.raises(InvalidInput) as refused:
        services.update_stage(lead, by=manager, data=data)
    assert refused.value.field == field
    lead.refresh_from_db()
    assert (lead.name, str(lead.probability), lead.required_fields) == ("Lead", "10.00", [])
    assert Label.objects.get(pk=lead.label_id).name == "stage::Lead"


def test_new_requirements_hold_for_the_next_move(manager, member, pipeline, make_org):
    qualified = pipeline.stages.get(name="Qualified")
    services.update_stage(qualified, by=manager, data={"required_fields": ["expected_close"],
                                                       "checklist": ["Budget confirmed", " "]})  # fmt: skip
    qualified.refresh_from_db()
    assert qualified.checklist == ["Budget confirmed"]
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme", data={"value": "10"})
    assert rules.missing_for(deal, qualified) == ["Expected close date", "the step “Budget confirmed”"]


def test_add_move_and_remove_stages_keep_the_board_in_order(manager, member, pipeline):
    assert stage_names(pipeline) == ["Lead", "Qualified", "Proposal", "Won", "Lost"]
    services.add_stage(pipeline, by=manager, spec={"name": "Negotiation", "probability": 80})
    services.add_stage(pipeline, by=manager, spec={"name": "Contacted"}, position=1)
    expected = ["Lead", "Contacted", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    assert stage_names(pipeline) == expected and column_names(pipeline) == expected
    assert pipeline.board.columns.order_by("position").last().kind == "closed"  # Closed stays last

    services.move_stage(pipeline.stages.get(name="Negotiation"), by=manager, position=0)
    expected = ["Negotiation", "Lead", "Contacted", "Qualified", "Proposal", "Won", "Lost"]
    assert stage_names(pipeline) == expected and column_names(pipeline) == expected
    assert services.first_stage(pipeline).name == "Negotiation"  # new deals start there

    with pytest.raises(InvalidInput):
        services.move_stage(pipeline.stages.get(kind=StageKind.WON), by=manager, position=0)

    contacted = pipeline.stages.get(name="Contacted")
    label_id = contacted.label_id
    services.remove_stage(contacted, by=manager)
    expected.remove("Contacted")
    assert stage_names(pipeline) == expected and column_names(pipeline) == expected
    assert not Label.objects.filter(pk=label_id).exists()


def test_a_stage_with_deals_or_the_last_open_stage_is_not_removed(manager, member, pipeline):
    lead = pipeline.stages.get(name="Lead")
    services.create_deal(by=member, pipeline=pipeline, title="Acme")
    with pytest.raises(Conflict, match="1 deals are in “Lead”"):
        services.remove_stage(lead, by=manager)
    with pytest.raises(Conflict):
        services.remove_stage(pipeline.stages.get(kind=StageKind.LOST), by=manager)
    services.remove_stage(pipeline.stages.get(name="Qualified"), by=manager)
    services.remove_stage(pipeline.stages.get(name="Proposal"), by=manager)
    only = Stage.objects.filter(pipeline=pipeline, kind=StageKind.OPEN).get()
    services.move_stage(only, by=manager, position=3)
    lonely = services.create_pipeline(by=manager, name="Tiny", stages=[{"name": "Only"}])
    with pytest.raises(Conflict, match="at least one stage"):
        services.remove_stage(lonely.stages.get(name="Only"), by=manager)
    assert stage_names(pipeline) == ["Lead", "Won", "Lost"]


def test_members_do_not_shape_pipelines(member, pipeline):
    with pytest.raises(NotAllowed):
        services.add_stage(pipeline, by=member, spec={"name": "Mine"})
    with pytest.raises(NotAllowed):
        services.update_pipeline(pipeline, by=member, data={"name": "Mine"})


def test_pipeline_rename_currency_and_finance_board(manager, pipeline, finance_board):
    services.update_pipeline(
        pipeline, by=manager, data={"name": "Enterprise", "currency": "usd", "finance_board": None}
    )
    pipeline.refresh_from_db()
    assert (pipeline.name, pipeline.board.name, pipeline.currency, pipeline.finance_board) == (
        "Enterprise", "Enterprise", "USD", None
    )  # fmt: skip
    with pytest.raises(InvalidInput):
        services.update_pipeline(pipeline, by=manager, data={"currency": "dollars"})
    with pytest.raises(InvalidInput):
        services.update_pipeline(pipeline, by=manager, data={"name": ""})
    pipeline.refresh_from_db()
    assert pipeline.name == "Enterprise"
