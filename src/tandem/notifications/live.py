"""Live updates by polling: every open page asks `/live/` every few seconds (htmx), with what it
last saw: the newest history id (`h`) and notification id (`n`). The answer carries the unread
count for the top bar and says whether anyone else changed what the page shows (its topic:
`board:<id>`, `item:<id>`, `organization:<id>`, `person:<id>` or `inbox`); the page then reloads
the part it shows (static/web/live.js).

Polling goes through the database only, so it works the same with one embedded process on SQLite
and with many web processes on PostgreSQL. A look costs a few index reads: the history rows since
`h` (a primary-key range, a few rows at a time), checked against the topic's records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.activity.queries import without_hidden_items
from tandem.activity.scopes import scope_of
from tandem.contacts.models import Organization, Person
from tandem.notifications import queries, services
from tandem.notifications.models import Notification
from tandem.work.models import Item
from tandem.work.queries import items_visible_to, visible_boards

LOOK_AT = 200  # history rows since the last look; more than that and the page reloads anyway


@dataclass
class LiveState:
    topic: str
    history: int  # the newest history id seen
    notification: int  # the newest notification id seen
    unread: int
    changed: bool

    @property
    def unread_label(self) -> str:
        return f"{queries.UNREAD_SHOWN}+" if self.unread > queries.UNREAD_SHOWN else str(self.unread)


def newest_history_id() -> int:
    return HistoryEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def look(user: User, *, topic: str, history_after: int | None, notification_after: int | None) -> LiveState:
    """The state after this look; `changed` when the topic's records changed since `history_after`
    (by someone else), or, for the inbox, a notification arrived. The first look (no `h`) only
    learns where things stand."""
    newest_notification = (
        Notification.objects.filter(user=user).order_by("-id").values_list("id", flat=True).first() or 0
    )
    state = LiveState(
        topic=topic,
        history=history_after or 0,
        notification=newest_notification,
        unread=queries.unread_count(user),
        changed=False,
    )
    if history_after is None:
        state.history = newest_history_id()
        return state
    if topic == "inbox":
        state.changed = notification_after is not None and newest_notification > notification_after
    rows = list(
        # what happened on items of boards the reader may not see is no change to them
        without_hidden_items(HistoryEntry.objects.filter(pk__gt=history_after), user)
        .exclude(actor=user)
        .order_by("pk")
        .values_list("pk", "target_type", "target_id")[: LOOK_AT + 1]
    )
    if not rows:
        return state
    state.history = max(pk for pk, _t, _i in rows)
    if len(rows) > LOOK_AT:
        state.history = newest_history_id()
        state.changed = state.changed or bool(_scope_of(topic, user))
        return state
    if topic != "inbox":
        state.changed = _touches(topic, [(t, i) for _pk, t, i in rows], user)
    return state


def _scope_of(topic: str, user: User) -> list[tuple[str, Any]]:
    """The topic's records, as a timeline scope (tandem.activity.scopes); nothing for a board or
    item the user may not see."""
    kind, _sep, raw = topic.partition(":")
    try:
        pk = int(raw)
    except ValueError:
        return []
    if kind == "board":
        board = visible_boards(user).filter(pk=pk).first()
        return scope_of("board", board) if board else []
    if kind == "item":
        return [("item", [pk])] if items_visible_to(user).filter(pk=pk).exists() else []
    if kind == "organization":
        organization = Organization.objects.filter(pk=pk).first()
        return scope_of("organization", organization) if organization else []
    if kind == "person":
        person = Person.objects.filter(pk=pk).first()
        return scope_of("person", person) if person else []
    return []


def _touches(topic: str, changed: list[tuple[str, int]], user: User) -> bool:
    """Whether any of these (type, id) records is in the topic's scope: one query per scope part
    that the changes have rows for."""
    wanted: dict[str, set[int]] = {}
    for target_type, target_id in changed:
        wanted.setdefault(target_type, set()).add(target_id)
    for target_type, ids in _scope_of(topic, user):
        candidates = wanted.get(target_type)
        if not candidates:
            continue
        if isinstance(ids, list):
            if candidates & set(ids):
                return True
            continue
        field = ids.query.values_select[0] if ids.query.values_select else "pk"
        if ids.filter(**{f"{field}__in": candidates}).exists():
            return True
    return False


def read_on_open(request: HttpRequest, record: Item | Organization | Person) -> None:
    """A record's page was opened (not reloaded by its own live poll): its notifications are read.
    Run by the item page and the customer page (tandem.core.panels.on_show); each follows its record
    live with the topic `<kind>:<id>`."""
    if request.headers.get("X-Tandem-Live") != "1" and isinstance(request.user, User):
        services.mark_record_read(request.user, topic_kind(record), record.pk)


def topic_kind(record: Item | Organization | Person) -> str:
    if isinstance(record, Organization):
        return "organization"
    return "person" if isinstance(record, Person) else "item"
