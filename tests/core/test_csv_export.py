"""Tandem's one CSV writer: every text cell a spreadsheet would read as a formula (OWASP: starting
with =, +, -, @, a tab or a carriage return) is written with a leading `'`; numbers Tandem computed
(a negative amount too), dates and empty cells are written as they are; quoting stays csv's."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from tandem.core.csv_export import SafeWriter, safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://evil","x")', "-5.00"],
)
def test_text_that_looks_like_a_formula_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ada", "", "1+1", "a=b", " =1", "#12 title", "'=already"])
def test_other_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_numbers_dates_and_none_stay_what_they_are():
    assert safe_cell(Decimal("-5.00")) == Decimal("-5.00")
    assert safe_cell(-3) == -3
    assert safe_cell(-0.5) == -0.5
    assert safe_cell(date(2026, 1, 2)) == date(2026, 1, 2)
    assert safe_cell(None) == ""


def test_the_writer_writes_to_a_file_or_hands_back_the_line():
    out = io.StringIO()
    SafeWriter(out).writerow(["=cmd", Decimal("-5.00"), 'say "hi", then go'])
    assert out.getvalue() == '\'=cmd,-5.00,"say ""hi"", then go"\r\n'
    line = SafeWriter().writerow(["@x", 1])
    assert line == "'@x,1\r\n"
    assert next(csv.reader(io.StringIO(line))) == ["'@x", "1"]
