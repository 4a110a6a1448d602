"""`tandem generate` writes the requested data, shows progress on stderr, prints a summary, adds
nothing the second time, and refuses impossible sizes with a clear message."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tandem.activity.models import HistoryEntry
from tandem.contacts.models import Person
from tandem.work.models import Item

pytestmark = pytest.mark.django_db

SMALL_ARGS = ("--organizations", "4", "--people", "20", "--history", "100", "--items", "20")


def generate(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("generate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_generate_prints_progress_and_a_summary():
    out, err = generate(*SMALL_ARGS, "--seed", "7")
    assert Person.objects.count() == 20
    assert HistoryEntry.objects.filter(target_type__in=["person", "organization"]).count() == 100
    assert Item.objects.count() == 20
    assert "Generated" in out and "rows/s" in out
    assert "people" in out and "history entries" in out
    # one finished bar per stage in a log (stderr is not a terminal here)
    assert "people" in err and "20/20 100%" in err and "76/76" in err and "history edits" in err

    out, _err = generate(*SMALL_ARGS, "--seed", "7")
    assert "Nothing to add" in out
    assert Person.objects.count() == 20


def test_quiet_hides_the_progress_bar():
    out, err = generate(*SMALL_ARGS, "--quiet")
    assert err == ""
    assert "Generated" in out
    out, err = generate(*SMALL_ARGS, "--quiet", "--verbosity", "0")
    assert out == "" and err == ""


def test_impossible_sizes_are_refused():
    with pytest.raises(CommandError, match="at least one row per organization and person"):
        generate("--organizations", "4", "--people", "20", "--history", "10")
    with pytest.raises(CommandError, match="organization to work for"):
        generate("--organizations", "0", "--people", "20", "--history", "30")
    with pytest.raises(CommandError):
        generate("--scale", "XL")
    assert Person.objects.count() == 0
