"""`DELETE /api/v1/labels/{id}` on a pipeline stage's label whose column was removed: a 409 that
names the stage, and nothing deleted or recorded — found by fuzzing the API (it was a 500: the
stage protects its label)."""

from __future__ import annotations

from tandem.activity.models import HistoryEntry
from tandem.sales.models import Stage
from tandem.work.models import Label
from tests.api.conftest import assert_error


def test_a_stage_label_cannot_be_deleted_and_the_answer_says_why(api_as, manager):
    api = api_as(manager)
    pipeline = api.post("/pipelines", {"name": "Renewals", "stages": [{"name": "Due"}]}).json()
    due = next(s for s in pipeline["stages"] if s["name"] == "Due")
    board = f"/boards/{pipeline['board']}"
    assert api.delete(f"{board}/columns/{due['column']}").status_code == 204
    label = Stage.objects.get(pk=due["id"]).label
    history = HistoryEntry.objects.count()

    response = api.delete(f"/labels/{label.pk}")

    body = assert_error(response, 409, "conflict")
    assert "Due" in body["detail"]
    assert Label.objects.filter(pk=label.pk).exists()
    assert HistoryEntry.objects.count() == history
