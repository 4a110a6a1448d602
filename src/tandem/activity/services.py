from __future__ import annotations

from typing import Any

from django.db import models

from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.activity.verbs import Verb
from tandem.notifications import fanout


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
    history and the change it describes are committed together or not at all; the people it
    concerns are notified after the commit (tandem.notifications.fanout)."""
    entry = HistoryEntry.objects.create(
        actor=by if by.pk else None,
        verb=verb.value,
        target_type=history_type(target),
        target_id=target.pk,
        target_label=str(target)[:300],
        changes=changes or {},
    )
    fanout.queue(entry)
    return entry
