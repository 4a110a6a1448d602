"""Activities on a deal: logged when done, scheduled with a due date; what is overdue shows on the
owner's home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.core.errors import InvalidInput
from tandem.sales import services
from tests.conftest import login


def test_log_schedule_complete_and_the_home_page(member, manager, pipeline):
    deal = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme pilot",
        data={
            "owner": member,
            "next_step": "Send the quote",
            "next_step_due": timezone.localdate() - timedelta(days=2),
        },
    )
    done = services.log_activity(deal, by=member, kind="call", summary="Talked to the buyer")
    assert done.done_at is not None and not done.is_overdue
    late = services.log_activity(
        deal,
        by=member,
        kind="meeting",
        summary="Demo for the board",
        due=timezone.localdate() - timedelta(days=1),
    )
    assert late.is_overdue

    def due_card(user) -> str:
        page = login(user).get("/").content.decode()
        return page.split('id="home-due"')[1].split("</section>")[0]

    home = due_card(member)
    assert "Send the quote" in home and "Demo for the board" in home
    manager_home = due_card(manager)  # not their deals
    assert "Send the quote" not in manager_home and "Demo for the board" not in manager_home
    services.complete_activity(late, by=member)
    assert "Demo for the board" not in due_card(member)


def test_activities_need_a_kind_and_words(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme")
    with pytest.raises(InvalidInput):
        services.log_activity(deal, by=member, kind="fax", summary="x")
    with pytest.raises(InvalidInput):
        services.log_activity(deal, by=member, kind="note", summary="  ")
    assert not deal.activities.exists()


def test_activities_from_the_deal_panel(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme")
    client = login(member)
    client.post(f"/deals/{deal.pk}/activities/", {"kind": "note", "summary": "Prefers e-mail"})
    assert deal.activities.get().summary == "Prefers e-mail"
    assert "Prefers e-mail" in client.get(f"/items/{deal.pk}/").content.decode()
