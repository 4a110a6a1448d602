"""The generator is deterministic: the same seed gives the same rows, another seed other rows."""

from __future__ import annotations

import pytest

from tandem.demo.generate import rows
from tandem.demo.generate.scales import SCALES
from tests.demo.helpers import SMALL, UNTIL, delete_generated, run, snapshot


def test_row_builders_repeat_themselves_for_a_seed():
    first, again = (rows.Blueprint("seed-a", SCALES["M"], UNTIL) for _ in range(2))
    other = rows.Blueprint("seed-b", SCALES["M"], UNTIL)
    for number in (0, 1, 17, 4_999, 99_999):
        assert rows.person(first, number) == rows.person(again, number)
        assert rows.organization(first, number % 20_000) == rows.organization(again, number % 20_000)
        assert rows.update(first, number) == rows.update(again, number)
    people_a = [rows.person(first, n) for n in range(50)]
    people_b = [rows.person(other, n) for n in range(50)]
    assert [p.name_key for p in people_a] != [p.name_key for p in people_b]


@pytest.mark.django_db
def test_two_runs_with_one_seed_write_the_same_rows():
    run(SMALL, seed="alpha")
    first = snapshot()
    assert first["people"] and first["history"]

    delete_generated()
    run(SMALL, seed="alpha")
    assert snapshot() == first

    delete_generated()
    run(SMALL, seed="beta")
    other = snapshot()
    assert other["people"] != first["people"]
    assert len(other["people"]) == len(first["people"])
