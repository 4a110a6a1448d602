"""History shows words from the label tables in tandem.activity.verbs, not the stored keys, so a
translation of those tables is what readers see; a key with no label shows as stored. Changes show as
the names of the changed fields, never as the stored data."""

import ast
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

import tandem
from tandem.activity import verbs
from tandem.activity.models import HistoryEntry
from tandem.activity.services import record
from tandem.contacts import services as contact_services
from tandem.feeds.queries import timeline

pytestmark = pytest.mark.django_db


def verb_arguments_of_record_calls() -> list[tuple[str, ast.expr]]:
    """The `verb=` argument of every `record(...)` call in Tandem, with where it is."""
    found = []
    for source in Path(tandem.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "record"
            ):
                found += [(f"{source}:{node.lineno}", k.value) for k in node.keywords if k.arg == "verb"]
    return found


def every_verb() -> dict[str, type[verbs.Verb]]:
    kinds, pending = {}, [verbs.Verb]
    while pending:
        kind = pending.pop()
        pending += kind.__subclasses__()
        kinds.update({member.value: kind for member in kind})
    return kinds


def test_every_verb_the_code_records_is_one_of_an_apps_typed_verbs():
    calls = verb_arguments_of_record_calls()
    assert len(calls) > 40
    kinds = {kind.__name__ for kind in every_verb().values()}
    for where, argument in calls:
        strings = [n for n in ast.walk(argument) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        assert strings == [], f"{where}: a verb written as a string"
        named = [
            n.value.id
            for n in ast.walk(argument)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
        ]
        assert all(name in kinds for name in named), f"{where}: {named} are not verbs"
    assert {"created", "updated", "merged", "invited", "reactivated", "deactivated", "reset password"} <= set(
        every_verb()
    )


def test_each_app_declares_its_own_verbs_and_no_verb_is_declared_twice():
    owners = {kind.__module__ for kind in every_verb().values()}
    assert {
        "tandem.activity.verbs",
        "tandem.work.verbs",
        "tandem.sales.verbs",
        "tandem.accounts.verbs",
    } <= owners
    values = [member.value for kind in set(every_verb().values()) for member in kind]
    assert len(values) == len(set(values))


def test_record_takes_the_target_type_from_the_model(member, make_org):
    org = make_org("Acme Corp")
    entry = record(by=member, verb=verbs.RecordVerb.UPDATED, target=org)
    assert (entry.target_type, entry.target_id, entry.verb) == ("organization", org.pk, "updated")


def test_labels_come_from_the_verbs_and_tables(monkeypatch):
    monkeypatch.setattr(verbs.RecordVerb.ARCHIVED, "_label_", "put away")
    monkeypatch.setitem(verbs.TARGET_TYPE_LABELS, "organization", "company")
    entry = HistoryEntry(verb="archived", target_type="organization", target_id=1)
    assert entry.verb_label == "put away"
    assert entry.target_type_label == "company"
    with translation.override("fa"):
        assert HistoryEntry(verb="merged", target_type="organization", target_id=1).verb_label == "ادغام کرد"


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
    monkeypatch.setattr(verbs.RecordVerb.UPDATED, "_label_", "reworked")
    monkeypatch.setattr(verbs.RecordVerb.CREATED, "_label_", "brought in")
    monkeypatch.setitem(verbs.FIELD_LABELS, "industry", "sector")

    html = render_to_string(
        "feeds/partials/timeline.html",
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
        "feeds/partials/timeline.html",
        {"page": timeline([("organization", None)], viewer=None), "show_target": True},
    )
    assert "company" in html
    assert "Acme Corp" in html
    assert "organization" not in html


def test_an_unknown_verb_renders_as_stored(member, make_org):
    org = make_org("Acme Corp")
    HistoryEntry.objects.create(actor=member, verb="teleported", target_type="organization", target_id=org.pk)
    html = render_to_string(
        "feeds/partials/timeline.html",
        {"page": timeline([("organization", [org.pk])], viewer=None), "show_target": False},
    )
    assert "teleported" in html


def test_a_merge_names_what_was_folded_in(manager, make_org):
    keep, gone = make_org("Acme Corp"), make_org("ACME Corporation")
    contact_services.merge(keep, gone, by=manager)
    entry = HistoryEntry.objects.get(verb="merged", target_type="organization", target_id=keep.pk)
    assert entry.changes_summary == "folded in ACME Corporation"
    assert "moved" not in entry.changes_summary
