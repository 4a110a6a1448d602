"""A pipeline whose finance board is private to finance: its settings still show (and keep) that
board for a manager outside finance, and offer no other private board."""

from __future__ import annotations

from tandem.accounts.models import Team
from tandem.work import services as work
from tests.conftest import login


def test_the_settings_keep_a_private_finance_board_and_offer_no_other(admin_user, manager, pipeline):
    finance = Team.objects.create(name="Finance", slug="finance")
    work.update_board(
        pipeline.finance_board, by=admin_user, version=None, data={"team": finance, "private": True}
    )
    other = work.create_board(
        by=admin_user,
        data={"name": "Payroll", "default_type": "finance", "team": finance, "private": True},
    )
    page = login(manager).get(f"/pipelines/{pipeline.pk}/settings/")
    options = [str(board) for board in page.context["form"].fields["finance_board"].queryset]
    assert pipeline.finance_board.name in options and other.name not in options
    login(manager).post(
        f"/pipelines/{pipeline.pk}/settings/",
        {
            "action": "pipeline",
            "name": "Renamed",
            "currency": "EUR",
            "finance_board": pipeline.finance_board_id,
        },
    )
    pipeline.refresh_from_db()
    assert pipeline.name == "Renamed" and pipeline.finance_board.name in options
    new = login(manager).get("/pipelines/new/").context["form"].fields["finance_board"].queryset
    assert other not in new and pipeline.finance_board not in new
