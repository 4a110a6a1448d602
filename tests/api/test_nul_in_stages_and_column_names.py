"""A NUL character in a stage's checklist step (a JSON column), a board's stage names or a
column's name is a 422 naming the field on every database. The API fuzzer's stateful phase found
the first on PostgreSQL, where it was a 500 ("unsupported Unicode escape sequence"); the others
are the same class (PostgreSQL refuses NUL in any text)."""

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


def test_a_nul_in_a_board_stage_or_column_name_is_422(api_as, manager):
    api = api_as(manager)
    for body, field in [
        ({"name": "Sales", "stages": ["lead", "qu\x00al"], "scope": "sales"}, "stages.1"),
        ({"name": "Sales", "stages": ["lead"], "scope": "sa\x00les"}, "scope"),
    ]:
        response = api.post("/boards", body)
        assert_error(response, 422, "invalid")
        assert error_fields(response) == {field}
    board = api.post("/boards", {"name": "Support"}).json()
    response = api.post(f"/boards/{board['id']}/columns", {"kind": "open", "name": "To\x00do"})
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"name"}
