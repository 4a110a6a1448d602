"""Tandem rows (as bench/peers/bottlecrm/export.py writes them) become BottleCRM fields: primary
details chosen, BottleCRM's column sizes and unique constraints respected, nothing dropped
silently. Pure functions: BottleCRM need not be installed."""

from __future__ import annotations

from typing import Any

from bench.peers.bottlecrm import mapping


def org_row(**extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "organization", "id": 7, "name": "Northwind Traders", "website": "https://northwind.example",
        "industry": "Banking", "notes": "Key account", "archived": False,
        "emails": [{"email": "info@northwind.example", "is_primary": True}],
        "phones": [{"raw": "+1 202-555-0100", "e164": "+12025550100", "is_primary": True}],
        "addresses": [{"street": "1 Main St", "city": "Seattle", "region": "WA", "postal_code": "98101",
                       "country": "us", "is_primary": True}],
    }  # fmt: skip
    row.update(extra)
    return row


def person_row(**extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": "person", "id": 11, "first_name": "Ada", "last_name": "Lovelace", "notes": "", "archived": False,
        "emails": [{"email": "ada@work.example", "is_primary": True}, {"email": "ada@home.example", "is_primary": False}],
        "phones": [{"raw": "+44 20 7946 0001", "e164": "+442079460001", "is_primary": True}],
        "addresses": [],
        "memberships": [{"organization_id": 3, "job_title": "CTO", "is_primary": False},
                        {"organization_id": 7, "job_title": "Advisor", "is_primary": True}],
    }  # fmt: skip
    row.update(extra)
    return row


def test_primary_entry_wins_else_the_first() -> None:
    items = [{"v": 1, "is_primary": False}, {"v": 2, "is_primary": True}]
    assert mapping.pick_primary(items) == {"v": 2, "is_primary": True}
    assert mapping.pick_primary([{"v": 1, "is_primary": False}, {"v": 3}]) == {"v": 1, "is_primary": False}
    assert mapping.pick_primary([]) is None


def test_organization_becomes_account() -> None:
    fields = mapping.account_fields(org_row(), mapping.UniqueNames())
    assert fields == {
        "name": "Northwind Traders", "email": "info@northwind.example", "phone": "+1 202-555-0100",
        "website": "https://northwind.example", "industry": "BANKING", "description": "Key account",
        "is_active": True, "address_line": "1 Main St", "city": "Seattle", "state": "WA", "postcode": "98101",
        "country": "US",
    }  # fmt: skip


def test_account_fields_bottlecrm_cannot_hold_are_left_empty() -> None:
    long_site = "https://example.com/" + "x" * 200
    fields = mapping.account_fields(
        org_row(
            industry="Logistics",
            website=long_site,
            archived=True,
            emails=[],
            phones=[],
            addresses=[],
            notes="",
        ),
        mapping.UniqueNames(),
    )
    assert fields["industry"] is None  # not one of BottleCRM's industry choices
    assert fields["website"] is None  # longer than its 200-character URLField
    assert fields["is_active"] is False
    assert fields["email"] is None and fields["phone"] is None and fields["country"] is None
    assert fields["description"] is None


def test_repeated_account_names_get_the_tandem_id() -> None:
    names = mapping.UniqueNames()
    assert names.claim("Acme", 1) == "Acme"
    assert names.claim("ACME", 2) == "ACME #2"  # BottleCRM's name constraint ignores case
    assert names.claim("Globex", 3) == "Globex"
    assert names.renamed == 1
    assert names.claim("", 4) == "Organization 4"


def test_person_becomes_contact_at_the_primary_organization() -> None:
    fields = mapping.contact_fields(
        person_row(), mapping.UniqueEmails(), {3: "Initech", 7: "Northwind Traders"}
    )
    assert fields["first_name"] == "Ada" and fields["last_name"] == "Lovelace"
    assert fields["email"] == "ada@work.example"
    assert (fields["phone"], fields["phone_e164"]) == ("+44 20 7946 0001", "+442079460001")
    assert fields["organization"] == "Northwind Traders"
    assert fields["title"] == "Advisor"
    assert fields["is_active"] is True
    assert fields["address_line"] is None and fields["description"] is None
    assert mapping.primary_membership(person_row()) == {
        "organization_id": 7,
        "job_title": "Advisor",
        "is_primary": True,
    }


def test_person_without_organization_or_details() -> None:
    row = person_row(memberships=[], emails=[], phones=[], archived=True)
    fields = mapping.contact_fields(row, mapping.UniqueEmails(), {})
    assert fields["organization"] is None and fields["title"] is None
    assert fields["email"] is None and fields["phone"] is None and fields["phone_e164"] == ""
    assert fields["is_active"] is False
    assert mapping.primary_membership(row) is None


def test_repeated_contact_email_is_left_out_and_counted() -> None:
    emails = mapping.UniqueEmails()
    first = mapping.contact_fields(person_row(), emails, {})
    second = mapping.contact_fields(
        person_row(id=12, emails=[{"email": "ADA@work.example", "is_primary": True}]), emails, {}
    )
    assert first["email"] == "ada@work.example"
    assert second["email"] is None
    assert emails.dropped == 1


def test_long_phone_falls_back_to_e164() -> None:
    shown, e164 = mapping.phone_value({"raw": "+1 (202) 555-0100 extension 1234", "e164": "+12025550100"})
    assert (shown, e164) == ("+12025550100", "+12025550100")
    assert mapping.phone_value(None) == (None, "")


def test_tag_slugs_stay_unique() -> None:
    slugs = mapping.TagSlugs()
    assert [slugs.claim(n) for n in ["VIP", "Key account", "key-account", "!!!"]] == [
        "vip", "key-account", "key-account-2", "tag"
    ]  # fmt: skip


def test_samples_get_bottlecrm_ids_in_tandems_order() -> None:
    samples = mapping.Samples(
        {"kind": "samples", "person_ids": [5, 2, 9], "organization_ids": [4], "tag": "VIP"}
    )
    for tandem_id, peer_id in [(2, "p2"), (3, "p3"), (5, "p5"), (9, "p9")]:
        samples.saw_person(tandem_id, peer_id)
    resolved = samples.resolved({"vip": "t1"})
    assert resolved["peer_person_ids"] == ["p5", "p2", "p9"]  # p3 was not sampled
    assert resolved["peer_organization_ids"] == []  # organization 4 never came: left out, not None
    assert resolved["peer_tag_id"] == "t1"
    assert resolved["person_ids"] == [5, 2, 9] and "kind" not in resolved
    assert mapping.Samples({"tag": ""}).resolved({})["peer_tag_id"] is None


def test_assignees_go_round_robin() -> None:
    assert [mapping.assignee_index(i, 5) for i in range(7)] == [0, 1, 2, 3, 4, 0, 1]


def test_deal_stages_map_to_bottlecrm_pipeline_codes() -> None:
    assert mapping.stage_code({"stage_kind": "won", "stage": "Signed"}) == "CLOSED_WON"
    assert mapping.stage_code({"stage_kind": "lost"}) == "CLOSED_LOST"
    assert mapping.stage_code({"stage_kind": "open", "stage": "Proposal"}) == "PROPOSAL"
    assert mapping.stage_code({"stage_kind": "open", "stage": "Something new"}) == "PROSPECTING"
    fields = mapping.opportunity_fields(
        {"id": 5, "title": "Renewal", "value": "1200.00", "currency": "EUR", "stage": "Negotiation",
         "stage_kind": "open", "probability": 60, "expected_close": "2026-12-01", "archived": False}
    )  # fmt: skip
    assert fields == {
        "name": "Renewal", "stage": "NEGOTIATION", "amount": "1200.00", "currency": "EUR", "probability": 60,
        "closed_on": "2026-12-01", "is_active": True,
    }  # fmt: skip
