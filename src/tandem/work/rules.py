"""Rules other apps add to the board engine, without the engine knowing them. Sales, for one,
refuses a deal's entry into a stage whose requirements it does not meet, records every stage
change, keeps a won deal open until finance has closed its ticket and then closes it, and says
calmly that a won deal waits for its invoice where the item page would show a "Blocked" alarm.

A check raises a ServiceError (tandem.core.errors) to refuse; it runs inside the service's
transaction, before anything is saved, so a refusal changes nothing. An "after" hook runs inside
the same transaction once the item sits in its new column; a "closed" hook once the item is
closed, saved and its closing recorded (so what it does comes after the close in the history).

Other apps also add to the board page: badges on cards (`on_cards`), what a card shows of their
record (`on_card_details`: a deal's value, organization, close date, owner) and what a column says
(`on_columns`: a pipeline's totals, its Won and Lost as drop zones). Each reads for a whole page at
once, never per card, and not at all on a board it has nothing to say about.

And to the item page: what its Files card lists beside the item's own files and which upload form
it shows (`on_item_files`: a deal's documents, with their kind, and sales' upload form that asks
for the kind), and which of the item's own fields its side list leaves out for a type of item
(`leave_out_fields`: a deal has no estimate or start date; its own figures show in its header)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

    from tandem.accounts.models import User
    from tandem.work.models import Board, Column, Item
    from tandem.work.queries import ColumnView

ColumnCheck = Callable[["Item", "Column | None", "Column | None"], None]
ColumnHook = Callable[["Item", "Column | None", "Column | None", "User | None"], None]
CloseCheck = Callable[["Item"], None]
StateHook = Callable[["Item"], None]
ClosedHook = Callable[["Item", "User"], None]
# item, its open blockers -> a calm line shown instead of the item page's "Blocked" alarm, or None
BlockedNote = Callable[["Item", list["Item"]], "str | None"]
# cards -> {item id: [(css class, text), ...]}: badges other apps show on cards (e.g. "stale")
CardFlagger = Callable[[list["Item"]], dict[int, list[tuple[str, str]]]]
# item -> {"description" or "comment:<id>": [(css class, text), ...]}: badges other apps show on an
# item's texts on its page (the mail gateway: "unverified sender" on what came in by mail)
TextFlagger = Callable[["Item"], dict[str, list[tuple[str, str]]]]


@dataclass
class CardDetails:
    """What another app shows inside one card on the board page: `body`, HTML under the card's
    labels, and `meta`, HTML at the start of the card's last line (beside its badges, due date and
    avatars) — both escaped by the app (format_html): a board page has hundreds of cards, and a
    template included per card costs more than the rest of the card; and whom the card's avatars
    show instead of its assignees (`people`; a deal: its owner)."""

    body: str = ""
    meta: str = ""
    people: list[Any] | None = None


@dataclass
class ColumnFacts:
    """What another app says of one column on the board page: a `template` rendered with `facts`
    (this object) in the column's header (a pipeline's totals), whether the column is a compact drop
    zone at the board's end instead of a column of cards (a pipeline's Won and Lost), and whether it
    stays away while it holds no card (a pipeline's catch-all Open column); `css`: classes of the
    column (a zone's colour)."""

    template: str = ""
    data: Any = None
    zone: bool = False
    hide_if_empty: bool = False
    css: str = ""


@dataclass
class FileRow:
    """One line of an item's Files card: the item's own file, or another app's record of a file or a
    link on the item (a deal's document). `url` opens it; `external`: a link out of Tandem (opened
    with rel="noopener noreferrer nofollow"); `badge`: what kind of file it is (a deal document's
    kind); `download_url` and `remove_url` are offered when given."""

    name: str
    url: str
    at: datetime | None = None
    by: str = ""
    size: int | None = None
    badge: str = ""
    note: str = ""
    external: bool = False
    download_url: str = ""
    remove_url: str = ""


@dataclass
class ItemFiles:
    """What another app adds to an item's Files card: its `rows`, listed with the item's own files
    by date, and, when the app takes the uploads of this item, the `upload_template` the card
    includes in place of its plain upload form (rendered with the item page's context)."""

    rows: list[FileRow] = field(default_factory=list)
    upload_template: str = ""


# item -> ItemFiles, or None when the app has nothing on this item (no query for other items)
FilesReader = Callable[["Item"], "ItemFiles | None"]
# cards -> {item id: CardDetails}: one query for all the cards of a board page
CardReader = Callable[[list["Item"]], dict[int, CardDetails]]
# (board, its columns with their counts, the board's items as filtered, fresh) -> {column id:
# ColumnFacts}: one query for all the columns at most, none on a board the app has nothing to say
# about; `fresh`: not from the cache (the columns a move just changed)
ColumnReader = Callable[["Board", list["ColumnView"], "QuerySet[Item]", bool], dict[int, ColumnFacts]]

_column_checks: list[ColumnCheck] = []
_column_hooks: list[ColumnHook] = []
_close_checks: list[CloseCheck] = []
_state_hooks: list[StateHook] = []
_closed_hooks: list[ClosedHook] = []
_blocked_notes: list[BlockedNote] = []
_card_flaggers: list[CardFlagger] = []
_text_flaggers: list[TextFlagger] = []
_card_readers: list[CardReader] = []
_column_readers: list[ColumnReader] = []
_column_related: list[str] = []
_files_readers: list[FilesReader] = []
_left_out: dict[str, frozenset[str]] = {}


def on_column_change(*, check: ColumnCheck | None = None, after: ColumnHook | None = None) -> None:
    """Register a check (may refuse) and/or a hook (runs after) for an item changing columns."""
    if check is not None and check not in _column_checks:
        _column_checks.append(check)
    if after is not None and after not in _column_hooks:
        _column_hooks.append(after)


def on_close(check: CloseCheck) -> None:
    """Register a check run before an item closes (after the blocking-close rule)."""
    if check not in _close_checks:
        _close_checks.append(check)


def on_state_change(hook: StateHook) -> None:
    """Register a hook run when an item closes or reopens (its new state set, in the same
    transaction, before the item is saved)."""
    if hook not in _state_hooks:
        _state_hooks.append(hook)


def on_closed(hook: ClosedHook) -> None:
    """Register a hook run once an item has closed (by whatever way: form, drag, bulk, API), with
    who closed it, inside the same transaction, after the close is saved and recorded."""
    if hook not in _closed_hooks:
        _closed_hooks.append(hook)


def on_blocked_note(note: BlockedNote) -> None:
    """Register a function that may replace the item page's "Blocked" alarm by a calm line (a won
    deal waiting for its invoice): it gets the item and its open blockers, and answers the line or
    None."""
    if note not in _blocked_notes:
        _blocked_notes.append(note)


def blocked_note(item: Item, blockers: list[Item]) -> str | None:
    """The first calm line a registered function gives for the item's open blockers, or None."""
    for note in _blocked_notes:
        line = note(item, blockers)
        if line:
            return line
    return None


def on_cards(flagger: CardFlagger) -> None:
    """Register a function that adds badges to the cards of a page (one query for all of them)."""
    if flagger not in _card_flaggers:
        _card_flaggers.append(flagger)


def card_flags(cards: list[Item]) -> dict[int, list[tuple[str, str]]]:
    flags: dict[int, list[tuple[str, str]]] = {}
    for flagger in _card_flaggers:
        for pk, found in flagger(cards).items():
            flags.setdefault(pk, []).extend(found)
    return flags


def on_card_details(reader: CardReader) -> None:
    """Register a function that reads what the cards of a board page show of another app's record
    (one query for a whole page, never one per card)."""
    if reader not in _card_readers:
        _card_readers.append(reader)


def card_details(cards: list[Item]) -> dict[int, CardDetails]:
    return {pk: found for reader in _card_readers for pk, found in reader(cards).items()}


def on_columns(reader: ColumnReader, *, related: tuple[str, ...] = ()) -> None:
    """Register a function that says what a board page shows of its columns (`ColumnFacts`), and
    the relations of a column read with it (`select_related` paths: what the reader needs to know
    of every column costs no query of its own)."""
    if reader not in _column_readers:
        _column_readers.append(reader)
    _column_related.extend(path for path in related if path not in _column_related)


def column_related() -> list[str]:
    return list(_column_related)


def column_facts(
    board: Board, views: list[ColumnView], items: QuerySet[Item], *, fresh: bool = False
) -> dict[int, ColumnFacts]:
    return {
        pk: found for reader in _column_readers for pk, found in reader(board, views, items, fresh).items()
    }


def on_texts(flagger: TextFlagger) -> None:
    """Register a function that adds badges to an item's description and comments on its page."""
    if flagger not in _text_flaggers:
        _text_flaggers.append(flagger)


def text_flags(item: Item) -> dict[str, list[tuple[str, str]]]:
    flags: dict[str, list[tuple[str, str]]] = {}
    for flagger in _text_flaggers:
        for text, found in flagger(item).items():
            flags.setdefault(text, []).extend(found)
    return flags


def on_item_files(reader: FilesReader) -> None:
    """Register a function that adds rows (and perhaps its upload form) to an item's Files card."""
    if reader not in _files_readers:
        _files_readers.append(reader)


def item_files(item: Item) -> list[ItemFiles]:
    """What the registered apps add to the item's Files card (those with nothing left out)."""
    return [found for reader in _files_readers if (found := reader(item)) is not None]


def leave_out_fields(item_type: str, fields: set[str] | frozenset[str]) -> None:
    """Register fields of the item page's side list ("type", "start_date", "estimate", ...) that an
    item of `item_type` does not show: they make no sense for it, or its own panel shows them."""
    _left_out[item_type] = frozenset(_left_out.get(item_type, ())) | frozenset(fields)


def fields_left_out(item: Item) -> frozenset[str]:
    return frozenset(_left_out.get(item.type, ()))


def check_column_change(item: Item, old: Column | None, new: Column | None) -> None:
    for check in _column_checks:
        check(item, old, new)


def after_column_change(item: Item, old: Column | None, new: Column | None, by: User | None) -> None:
    for hook in _column_hooks:
        hook(item, old, new, by)


def check_close(item: Item) -> None:
    for check in _close_checks:
        check(item)


def after_state_change(item: Item) -> None:
    for hook in _state_hooks:
        hook(item)


def after_close(item: Item, by: User) -> None:
    for hook in _closed_hooks:
        hook(item, by)


def registered() -> dict[str, list[Any]]:
    """What is registered (for tests and for the architecture page)."""
    return {
        "column_checks": list(_column_checks),
        "column_hooks": list(_column_hooks),
        "close_checks": list(_close_checks),
        "state_hooks": list(_state_hooks),
        "closed_hooks": list(_closed_hooks),
        "blocked_notes": list(_blocked_notes),
        "card_readers": list(_card_readers),
        "column_readers": list(_column_readers),
        "files_readers": list(_files_readers),
        "left_out_fields": sorted(f"{kind}:{name}" for kind, fields in _left_out.items() for name in fields),
    }
