"""A deal keeps its item's state and how long its win took beside its figures (the reports read
them there): every way of closing and reopening the item, and every way into and out of Won, keeps
them right; the migration fills them for deals made before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tandem.sales import services
from tandem.sales.models import Deal
from tandem.work import services as work
from tandem.work.models import Item
from tests.sales.gates import clear_the_gates


def test_state_follows_close_reopen_and_bulk(member, pipeline):
    lost = services.create_deal(by=member, pipeline=pipeline, title="Gone")
    services.lose(lost, by=member, reason="Budget")
    work.close_item(lost.item, by=member)
    assert Deal.objects.get(pk=lost.pk).is_open is False
    work.reopen_item(lost.item, by=member)
    assert Deal.objects.get(pk=lost.pk).is_open is True
    work.bulk_update([Item.objects.get(pk=lost.pk)], by=member, action="close")
    assert Deal.objects.get(pk=lost.pk).is_open is False
    work.bulk_update([Item.objects.get(pk=lost.pk)], by=member, action="reopen")
    assert Deal.objects.get(pk=lost.pk).is_open is True


def test_a_refused_close_leaves_the_deal_open(member, pipeline):
    from tandem.core.errors import Conflict

    deal = services.create_deal(by=member, pipeline=pipeline, title="Still open")
    with pytest.raises(Conflict):
        work.close_item(deal.item, by=member)  # neither won nor lost
    assert Deal.objects.get(pk=deal.pk).is_open is True


def test_the_time_to_win_is_kept_and_cleared(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme")
    Item.objects.filter(pk=deal.pk).update(created_at=timezone.now() - timedelta(days=12))
    clear_the_gates(deal, by=member)
    services.attach_document(deal, by=member, kind="signed_contract", url="https://docs.example/s.pdf")
    services.win(deal, by=member)
    took = Deal.objects.get(pk=deal.pk).won_after
    assert took is not None and timedelta(days=12) <= took < timedelta(days=12, minutes=1)
    services.enter_stage(deal, pipeline.stages.get(name="Lead"), by=member)  # taken back out of Won
    assert Deal.objects.get(pk=deal.pk).won_after is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_columns(member, manager, finance_board):
    pipeline = services.create_pipeline(
        by=manager, name="Old", finance_board=finance_board, stages=[{"name": "A"}]
    )
    won = services.create_deal(by=member, pipeline=pipeline, title="Won long ago")
    services.attach_document(won, by=member, kind="signed_contract", url="https://docs.example/s.pdf")
    services.win(won, by=member)
    lost = services.create_deal(by=member, pipeline=pipeline, title="Lost")
    services.lose(lost, by=member, reason="Price")
    work.close_item(lost.item, by=member)
    created = timezone.now() - timedelta(days=30)
    Item.objects.filter(pk=won.pk).update(created_at=created)
    Deal.objects.filter(pk=won.pk).update(won_at=created + timedelta(days=3))
    executor = MigrationExecutor(connection)
    executor.migrate([("sales", "0002_deal_activities")])  # as a deal table before the columns
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Deal.objects.get(pk=won.pk).won_after == timedelta(days=3)
    assert Deal.objects.get(pk=lost.pk).is_open is False and Deal.objects.get(pk=won.pk).is_open is True
