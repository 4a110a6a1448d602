"""What the mail gateway learns from the apps above it about their own e-mails, registered in their
AppConfig.ready() so the gateway never imports them: the Message-ID every e-mail about one record
refers to (notification e-mails name their record as `<item-123@…>` in References). A reply that
keeps such a reference threads into that record (tandem.mailgate.services)."""

from __future__ import annotations

from collections.abc import Callable

# (target type, target id) -> the Message-ID the app's e-mails about that record refer to
ThreadId = Callable[[str, int], str]

_thread_ids: list[ThreadId] = []


def on_thread_id(thread_id: ThreadId) -> None:
    """Register how an app's e-mails name the record they are about (tandem.notifications does)."""
    if thread_id not in _thread_ids:
        _thread_ids.append(thread_id)


def is_thread_id(reference: str, target_type: str, target_id: int) -> bool:
    """Whether `reference` is what an e-mail about that record from one of the apps refers to."""
    return any(thread_id(target_type, target_id) == reference for thread_id in _thread_ids)
