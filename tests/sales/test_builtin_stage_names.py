"""The stages Tandem names (every pipeline's Won and Lost, the demo's Lead … Negotiation) and the
`stage::` scope are shown in the reader's language until renamed; stages people typed stay as typed."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils import translation

from tandem.sales import services
from tandem.sales.models import CONTACT_ROLE, DealContact, Stage, StageKind
from tandem.work.models import Column, Label
from tandem.work.templatetags.work import label_badge
from tests.conftest import login


def in_persian(text: str) -> str:
    with translation.override("fa"):
        return translation.gettext(text)


def test_won_and_lost_are_translated_and_typed_stages_are_not(pipeline):
    won = pipeline.stages.get(kind=StageKind.WON)
    typed = pipeline.stages.get(name="Lead")
    assert (won.builtin, typed.builtin) == ("won", "")
    assert in_persian("Won") != "Won"
    with translation.override("fa"):
        assert won.display_name == in_persian("Won")
        assert typed.display_name == "Lead"
        column = Column.objects.get(label=won.label)
        assert column.display_name == in_persian("Won")
        assert won.label.display_name == f"{in_persian('stage')}::{in_persian('Won')}"
        assert in_persian("stage") in label_badge(won.label)
    assert won.display_name == "Won"


def test_the_demo_stages_are_builtin(manager):
    pipeline = services.create_pipeline(
        by=manager, name="Sales", stages=[{"name": "Qualified", "builtin": "qualified"}]
    )
    qualified = pipeline.stages.get(name="Qualified")
    assert qualified.builtin == "qualified"
    with translation.override("fa"):
        assert qualified.display_name == in_persian("Qualified") != "Qualified"


def test_an_unknown_builtin_key_is_ignored(manager):
    pipeline = services.create_pipeline(
        by=manager, name="Sales", stages=[{"name": "Demo", "builtin": "nope"}]
    )
    assert pipeline.stages.get(name="Demo").builtin == ""


def test_a_renamed_stage_its_label_and_column_keep_the_name_typed(manager, pipeline):
    won = pipeline.stages.get(kind=StageKind.WON)
    services.update_stage(won, by=manager, data={"name": "Signed"})
    won = Stage.objects.select_related("label").get(pk=won.pk)
    column = Column.objects.get(label=won.label)
    assert (won.builtin, won.label.builtin, column.builtin) == ("", "", "")
    with translation.override("fa"):
        assert (won.display_name, column.display_name, won.label.display_value) == (
            "Signed",
            "Signed",
            "Signed",
        )


def test_saving_the_stage_form_unchanged_keeps_the_builtin_name(manager, pipeline):
    lost = pipeline.stages.get(kind=StageKind.LOST)
    manager.language = "fa"
    manager.save(update_fields=["language"])
    prefix = f"stage-{lost.pk}"
    page = login(manager).get(f"/pipelines/{pipeline.pk}/settings/").content.decode()
    assert f'value="{in_persian("Lost")}"' in page  # the form shows the translated name
    login(manager).post(
        f"/pipelines/{pipeline.pk}/settings/",
        {"action": prefix, f"{prefix}-name": in_persian("Lost"), f"{prefix}-probability": "0"},
    )
    lost.refresh_from_db()
    assert (lost.name, lost.builtin) == ("Lost", "lost")


def test_a_qualified_leads_person_is_a_contact_in_the_readers_language(manager, pipeline):
    lead = services.create_lead(by=manager, data={"name": "Dana Diaz", "company": "Initech"})
    deal = services.qualify_lead(lead, by=manager, pipeline=pipeline)
    role = DealContact.objects.get(deal=deal)
    assert role.role == CONTACT_ROLE
    with translation.override("fa"):
        assert role.display_role == in_persian("contact") != "contact"
    typed = DealContact(role="Champion")
    with translation.override("fa"):
        assert typed.display_role == "Champion"


def test_the_migration_marks_stages_still_called_by_their_default_name(manager, pipeline):
    Stage.objects.filter(pipeline=pipeline).update(builtin="")
    Label.objects.filter(board=pipeline.board).update(builtin="")
    Column.objects.filter(board=pipeline.board).update(builtin="")
    migration = importlib.import_module("tandem.sales.migrations.0005_stage_builtin_names")
    migration.mark_default_stages(apps, None)
    keys = dict(Stage.objects.filter(pipeline=pipeline).values_list("name", "builtin"))
    assert keys == {
        "Lead": "lead",
        "Qualified": "qualified",
        "Proposal": "proposal",
        "Won": "won",
        "Lost": "lost",
    }
    won = pipeline.stages.get(kind=StageKind.WON)
    assert Label.objects.get(pk=won.label_id).builtin == "won"
    assert Column.objects.get(label_id=won.label_id).builtin == "won"
