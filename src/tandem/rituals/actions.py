"""Action lines in a meeting's minutes, read without touching the database.

A line is an action when it starts (after an optional list bullet `-`, `*`, `+` or `1.`) with an
empty checkbox `[ ]`, or with `ACTION:` or `TODO:` (any case). In it:

- `@handle` names who does it (the first one; the others stay in the text);
- `due 2026-12-20` (or `due: 2026/12/20`) is the due date; a year before 1700 is read as a Solar
  Hijri date (`due 1405-09-29`), and Persian or Arabic digits are read as digits;
- `(#123)` at its end is the marker Tandem writes back once the line has become item #123.

What is left is the title (the board's prefix goes in front). A line `- [x] …` is done already and
is no action. Lines inside fenced code blocks are never actions.

The key of a line (`key`) is a hash of its action text without the marker, blanks collapsed and
case folded: converting again finds the item made before, by its marker or else by its key."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

import jdatetime
from django.utils.translation import gettext as _

from tandem.work.markdown import MENTION_RE

_ACTION = re.compile(
    r"^\s*(?:(?:[-*+]|\d{1,3}[.)])\s+)?(?:\[ \]\s*|(?:action|todo)\s*:\s*)(?P<rest>.*)$", re.IGNORECASE
)
_MARKER = re.compile(r"\s*\(#(?P<id>\d{1,18})\)\s*$")
_DUE = re.compile(r"(?<!\w)due\s*:?\s*(?P<value>\S+)", re.IGNORECASE)
_DATE = re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})[.,;]?$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
TITLE_MAX = 200


@dataclass
class ParsedAction:
    number: int  # the line's number in the minutes, from 1
    line: str  # the line as written
    text: str  # the action text without the marker (what the key is made of)
    title: str
    handle: str
    due: date | None
    marker: int | None  # the item a `(#123)` marker names
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return line_key(self.text)


def line_key(text: str) -> str:
    folded = " ".join(text.split()).casefold()
    return hashlib.sha256(folded.encode()).hexdigest()[:32]


def parse_date(value: str) -> date | None:
    """`2026-12-20` (or with / or .), a year before 1700 in the Solar Hijri calendar; None if it is
    no date."""
    match = _DATE.match(value.translate(_DIGITS))
    if match is None:
        return None
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    try:
        if year < 1700:
            return jdatetime.date(year, month, day).togregorian()
        return date(year, month, day)
    except ValueError:
        return None


def find_actions(text: str) -> list[ParsedAction]:
    """Every action line of the minutes, each with what it says and what is wrong with it."""
    found: list[ParsedAction] = []
    fenced = False
    for number, line in enumerate((text or "").replace("\r\n", "\n").split("\n"), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _ACTION.match(line)
        if match is None:
            continue
        found.append(_parse(number, line, match["rest"]))
    return found


def _parse(number: int, line: str, rest: str) -> ParsedAction:
    marker = None
    if found := _MARKER.search(rest):
        marker = int(found["id"])
        rest = rest[: found.start()]
    errors: list[str] = []
    handle = ""
    title = rest
    if mention := MENTION_RE.search(rest):
        handle = mention.group(1).lower().rstrip("._-")
        title = title.replace(mention.group(0), " ", 1)
    due = None
    if when := _DUE.search(title):
        due = parse_date(when["value"])
        if due is None:
            errors.append(
                _("“%(value)s” is not a date: write the due date as due 2026-12-20.")
                % {"value": when["value"]}
            )
        title = title[: when.start()] + " " + title[when.end() :]
    else:
        errors.append(_("Give a due date, e.g. due 2026-12-20."))
    if not handle:
        errors.insert(0, _("Name who does it, e.g. @sam."))
    title = " ".join(title.split()).strip(" -\u2013\u2014,;:")
    if not title:
        errors.insert(0, _("Say what is to be done."))
    elif len(title) > TITLE_MAX:
        errors.append(_("An action has at most %(count)d characters.") % {"count": TITLE_MAX})
    return ParsedAction(
        number=number,
        line=line,
        text=" ".join(rest.split()),
        title=title,
        handle=handle,
        due=due,
        marker=marker,
        errors=errors,
    )


def with_marker(line: str, item_id: int) -> str:
    """The line with `(#id)` at its end (a marker already there is replaced)."""
    return f"{_MARKER.sub('', line).rstrip()} (#{item_id})"
