"""Two people moving cards in the same column at the same moment never lose a card and never
leave two cards at one position. Real concurrent transactions: threads with their own database
connections, on PostgreSQL (SQLite runs one writer at a time, so there is no race to test)."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import close_old_connections, connection

from tandem.work import services
from tandem.work.models import Item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
def test_parallel_moves_in_one_column(member, board, make_item, column):
    open_column = column("Open")
    cards = [make_item(f"card {n}") for n in range(10)]
    ids = [c.pk for c in cards]
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def mover(seed: int) -> None:
        rng = random.Random(seed)
        try:
            start.wait()
            for _ in range(25):
                moving, anchor = (Item.objects.get(pk=pk) for pk in rng.sample(ids, 2))
                side = {"after": anchor} if rng.random() < 0.5 else {"before": anchor}
                services.move_item(moving, by=member, column=open_column, **side)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=mover, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    rows = list(Item.objects.filter(board=board).values_list("pk", "rank", "column_id"))
    assert sorted(pk for pk, _rank, _col in rows) == sorted(ids)  # no card lost
    assert len({r for _pk, r, _col in rows}) == len(rows)  # no shared position
    assert {col for _pk, _rank, col in rows} == {open_column.pk}
