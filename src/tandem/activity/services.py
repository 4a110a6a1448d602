from __future__ import annotations

from typing import Any

from django.db import models

from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.notifications import fanout


def record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model,
    target_type: str,
    changes: dict[str, Any] | None = None,
) -> HistoryEntry:
    """Write one history row. Called by other apps' services inside their transaction, so the
    history and the change it describes are committed together or not at all; the people it
    concerns are notified after the commit (tandem.notifications.fanout)."""
    entry = HistoryEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        verb=verb,
        target_type=target_type,
        target_id=target.pk,
        target_label=str(target)[:300],
        changes=changes or {},
    )
    fanout.queue(entry)
    return entry
