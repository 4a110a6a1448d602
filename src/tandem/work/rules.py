"""Rules other apps add to the board engine, without the engine knowing them. Sales, for one,
refuses a deal's entry into a stage whose requirements it does not meet, records every stage
change, and keeps a won deal open until finance has closed its ticket.

A check raises a ServiceError (tandem.core.errors) to refuse; it runs inside the service's
transaction, before anything is saved, so a refusal changes nothing. An "after" hook runs inside
the same transaction once the item sits in its new column."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.work.models import Column, Item

ColumnCheck = Callable[["Item", "Column | None", "Column | None"], None]
ColumnHook = Callable[["Item", "Column | None", "Column | None", "User | None"], None]
CloseCheck = Callable[["Item"], None]
StateHook = Callable[["Item"], None]
# cards -> {item id: [(css class, text), ...]}: badges other apps show on cards (e.g. "stale")
CardFlagger = Callable[[list["Item"]], dict[int, list[tuple[str, str]]]]
# item -> {"description" or "comment:<id>": [(css class, text), ...]}: badges other apps show on an
# item's texts on its page (the mail gateway: "unverified sender" on what came in by mail)
TextFlagger = Callable[["Item"], dict[str, list[tuple[str, str]]]]

_column_checks: list[ColumnCheck] = []
_column_hooks: list[ColumnHook] = []
_close_checks: list[CloseCheck] = []
_state_hooks: list[StateHook] = []
_card_flaggers: list[CardFlagger] = []
_text_flaggers: list[TextFlagger] = []


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


def registered() -> dict[str, list[Any]]:
    """What is registered (for tests and for the architecture page)."""
    return {
        "column_checks": list(_column_checks),
        "column_hooks": list(_column_hooks),
        "close_checks": list(_close_checks),
        "state_hooks": list(_state_hooks),
    }
