"""A NUL character in a stage's checklist step (stored in a JSON column) is a 422 naming the field
on every database — found by the API fuzzer's stateful phase on PostgreSQL, where it was a 500
("unsupported Unicode escape sequence")."""

from __future__ import annotations

from tests.api.conftest import assert_error, error_fields


def test_a_nul_in_a_checklist_step_is_422(api_as, manager, member):
    api = api_as(manager)
    pipeline = api.post("/pipelines", {"name": "Renewals", "stages": [{"name": "Due"}]}).json()
    base = f"/pipelines/{pipeline['id']}/stages"

    added = api.post(base, {"name": "Call", "checklist": ["ok", "bad\x00step"]})
    assert_error(added, 422, "invalid")
    assert error_fields(added) == {"checklist.1"}

    due = pipeline["stages"][0]["id"]
    changed = api.patch(f"{base}/{due}", {"checklist": ["\x00"]})
    assert_error(changed, 422, "invalid")
    assert error_fields(changed) == {"checklist.0"}

    deal = api_as(member).post("/deals", {"pipeline": pipeline["id"], "title": "Acme"}).json()
    ticked = api_as(member).post(f"/deals/{deal['id']}/checklist", {"stage": due, "step": "a\x00"})
    assert_error(ticked, 422, "invalid")
    assert error_fields(ticked) == {"step"}
