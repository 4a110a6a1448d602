"""History shows words from the label tables in tandem.activity.verbs, not the stored keys, so a
translation of those tables is what readers see; a key with no label shows as stored. Changes show as
the names of the changed fields, never as the stored data."""

import ast
from pathlib import Path

import pytest
from django.template.loader import render_to_string

import tandem
from tandem.activity import verbs
from tandem.activity.models import HistoryEntry
from tandem.activity.queries import timeline
from tandem.contacts import services as contact_services

pytestmark = pytest.mark.django_db


def verbs_written_by_the_code() -> set[str]:
    """Every verb string any `record(...)` call in Tandem can write, both branches of a conditional."""
    found = set()
    for source in Path(tandem.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "record"
            ):
                for keyword in node.keywords:
                    if keyword.arg == "verb":
                        found |= {
                            n.value
                            for n in ast.walk(keyword.value)
                            if isinstance(n, ast.Constant) and isinstance(n.value, str)
                        }
    return found


def test_every_verb_the_code_records_has_a_label():
    written = verbs_written_by_the_code()
    assert {
        "created",
        "updated",
        "merged",
        "invited",
        "reactivated",
        "deactivated",
        "reset password",
    } <= written
    assert written - set(verbs.VERB_LABELS) == set()


def test_labels_come_from_the_tables(monkeypatch):
    monkeypatch.setitem(verbs.VERB_LABELS, "archived", "put away")
    monkeypatch.setitem(verbs.TARGET_TYPE_LABELS, "organization", "company")
    entry = HistoryEntry(verb="archived", target_type="organization", target_id=1)
    assert entry.verb_label == "put away"
    assert entry.target_type_label == "company"


def test_unknown_keys_show_as_stored():
    entry = HistoryEntry(verb="teleported", target_type="spaceship", target_id=1)
    assert entry.verb_label == "teleported"
    assert entry.target_type_label == "spaceship"
    assert verbs.field_label("warp_speed") == "warp speed"


def test_the_partial_shows_labels_and_changed_fields(member, make_org, monkeypatch):
    org = make_org("Acme Corp", industry="Mining")
    contact_services.update_organization(
        org, by=member, version=org.version, data={"industry": "Shipping", "tags": ["Key account"]}
    )
    monkeypatch.setitem(verbs.VERB_LABELS, "updated", "reworked")
    monkeypatch.setitem(verbs.VERB_LABELS, "created", "brought in")
    monkeypatch.setitem(verbs.FIELD_LABELS, "industry", "sector")

    html = render_to_string(
        "activity/partials/timeline.html",
        {"page": timeline([("organization", [org.pk])], viewer=None), "show_target": False},
    )
    assert "reworked" in html
    assert "brought in" in html
    assert "changed sector, tags" in html
    for raw in ("Mining", "Shipping", "Key account", "[", "{"):
        assert raw not in html  # the stored before/after values stay out of the list


def test_the_partial_names_the_target_type_with_its_label(member, make_org, monkeypatch):
    make_org("Acme Corp")
    monkeypatch.setitem(verbs.TARGET_TYPE_LABELS, "organization", "company")
    html = render_to_string(
        "activity/partials/timeline.html",
        {"page": timeline([("organization", None)], viewer=None), "show_target": True},
    )
    assert "company" in html
    assert "Acme Corp" in html
    assert "organization" not in html


def test_an_unknown_verb_renders_as_stored(member, make_org):
    org = make_org("Acme Corp")
    HistoryEntry.objects.create(actor=member, verb="teleported", target_type="organization", target_id=org.pk)
    html = render_to_string(
        "activity/partials/timeline.html",
        {"page": timeline([("organization", [org.pk])], viewer=None), "show_target": False},
    )
    assert "teleported" in html


def test_a_merge_names_what_was_folded_in(manager, make_org):
    keep, gone = make_org("Acme Corp"), make_org("ACME Corporation")
    contact_services.merge(keep, gone, by=manager)
    entry = HistoryEntry.objects.get(verb="merged", target_type="organization", target_id=keep.pk)
    assert entry.changes_summary == "folded in ACME Corporation"
    assert "moved" not in entry.changes_summary
