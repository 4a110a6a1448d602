"""Who hears of history as it is written. `record()` hands every new entry to each subscriber, in
the transaction that wrote it; apps above activity subscribe in their AppConfig.ready() (the
notifications app puts the entry in its outbox and fans it out after the commit), so history, the
ground every app records into, knows none of them."""

from __future__ import annotations

from collections.abc import Callable

from tandem.activity.models import HistoryEntry

Subscriber = Callable[[HistoryEntry], None]

_subscribers: list[Subscriber] = []


def subscribe(callback: Subscriber) -> None:
    """Have `callback(entry)` called for every history entry written from now on (once, however
    often it subscribes)."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def publish(entry: HistoryEntry) -> None:
    """Hand a new entry to every subscriber, in the order they subscribed."""
    for callback in _subscribers:
        callback(entry)


def subscribers() -> list[Subscriber]:
    """Who is subscribed (for tests and for the architecture page)."""
    return list(_subscribers)
