from __future__ import annotations

from django.db.models import QuerySet

from tandem.activity.models import HistoryEntry


def history_for(target_type: str, target_id: int, *, limit: int = 50) -> QuerySet[HistoryEntry]:
    return HistoryEntry.objects.filter(target_type=target_type, target_id=target_id).select_related("actor")[
        :limit
    ]
