"""What the BottleCRM peer is loaded with is read from Tandem's own records: every detail in
Tandem's order, memberships with their primary flag, merged records left out."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable
from typing import Any

import pytest

from bench.peers.bottlecrm import export, mapping
from tandem.accounts.models import User
from tandem.contacts import services
from tandem.contacts.models import Organization, Person

pytestmark = pytest.mark.django_db


def exported() -> list[dict[str, Any]]:
    out = io.StringIO()
    export.write(out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_rows_carry_what_bottlecrm_needs(
    make_org: Callable[..., Organization], make_person: Callable[..., Person]
) -> None:
    acme = make_org(
        "Acme Corp",
        website="https://acme.example",
        emails=[{"email": "info@acme.example"}],
        phones=[{"number": "+1 202-555-0100"}],
        addresses=[{"street": "1 Main St", "city": "Springfield", "country": "US"}],
    )
    globex = make_org("Globex", tags=["Partner"])
    ada = make_person(
        "Ada",
        "Lovelace",
        tags=["VIP"],
        emails=[{"email": "ada@home.example"}, {"email": "ada@acme.example", "is_primary": True}],
        memberships=[
            {"organization_id": globex.pk, "job_title": "Advisor"},
            {"organization_id": acme.pk, "job_title": "CTO", "is_primary": True},
        ],
    )

    _samples, *rows = exported()
    assert [(r["kind"], r["id"]) for r in rows] == [
        ("organization", acme.pk), ("organization", globex.pk), ("person", ada.pk)
    ]  # fmt: skip
    org, globex_row, person = rows
    assert globex_row["tags"] == ["Partner"] and person["tags"] == ["VIP"]
    assert org["name"] == "Acme Corp" and org["website"] == "https://acme.example"
    assert org["emails"][0]["email"] == "info@acme.example"
    assert org["phones"][0]["e164"] == "+12025550100"
    assert org["addresses"][0]["city"] == "Springfield"

    fields = mapping.contact_fields(
        person, mapping.UniqueEmails(), {acme.pk: "Acme Corp", globex.pk: "Globex"}
    )
    assert fields["email"] == "ada@acme.example"
    assert fields["organization"] == "Acme Corp" and fields["title"] == "CTO"
    assert mapping.primary_membership(person) == {
        "organization_id": acme.pk,
        "job_title": "CTO",
        "is_primary": True,
    }


def test_first_row_holds_the_benchmarks_samples(make_person: Callable[..., Person]) -> None:
    from bench.prepare import _samples

    people = [make_person("Ada", f"Lovelace{n}", tags=["VIP"]) for n in range(3)]
    samples = exported()[0]
    assert samples["kind"] == "samples" and samples["seed"] == export.DEFAULT_SEED
    assert sorted(samples["person_ids"]) == sorted(p.pk for p in people)
    assert samples["tag"] == "VIP"
    assert {k: v for k, v in samples.items() if k not in ("kind", "seed")} == _samples(
        random.Random(export.DEFAULT_SEED)
    )


def test_merged_records_are_left_out_and_archived_ones_marked(
    make_person: Callable[..., Person], manager: User
) -> None:
    keep = make_person("Grace", "Hopper", emails=[{"email": "grace@navy.example"}])
    twin = make_person("Grace", "Hopper")
    gone = make_person("Alan", "Turing")
    services.merge(keep, twin, by=manager)
    services.archive(gone, by=manager)

    people = {r["id"]: r for r in exported() if r["kind"] == "person"}
    assert set(people) == {keep.pk, gone.pk}
    assert people[gone.pk]["archived"] is True
    assert people[keep.pk]["archived"] is False
