from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models

from tandem.activity import hooks
from tandem.activity.models import HistoryEntry
from tandem.activity.verbs import Verb

if TYPE_CHECKING:
    from tandem.accounts.models import User


# Set while the demo company is made: what is recorded then is marked `generated`.
_generated: ContextVar[bool] = ContextVar("tandem_history_generated", default=False)


@contextmanager
def recording_generated() -> Iterator[None]:
    """Mark every history entry recorded inside as `generated` (the demo seeder's records): their
    history stays complete, but the home feed leaves them out and nobody is notified of them."""
    token = _generated.set(True)
    try:
        yield
    finally:
        _generated.reset(token)


def history_type(target: models.Model | type[models.Model]) -> str:
    """The `target_type` a model's history rows carry: its `history_type` if it names one (a stable
    word that outlives a class rename), else its model name ("organization", "item")."""
    return str(getattr(target, "history_type", None) or target._meta.model_name)


def record(
    *,
    by: User,
    verb: Verb,
    target: models.Model,
    changes: dict[str, Any] | None = None,
) -> HistoryEntry:
    """Write one history row. Called by other apps' services inside their transaction, so the
    history and the change it describes are committed together or not at all; every subscriber
    (tandem.activity.hooks) is handed the entry in that transaction (the notifications app queues
    it for the people it concerns, who are notified after the commit)."""
    entry = HistoryEntry.objects.create(
        actor=by if by.pk else None,
        verb=verb.value,
        target_type=history_type(target),
        target_id=target.pk,
        target_label=str(target)[:300],
        changes=changes or {},
        generated=_generated.get(),
    )
    hooks.publish(entry)
    return entry
