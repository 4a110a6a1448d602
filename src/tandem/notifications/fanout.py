"""From history to notifications: who hears of each entry, and how.

`tandem.activity.services.record` hands every entry to `queue` (subscribed in the app's ready()),
which puts each entry on a record people follow into the outbox, in the transaction of the change,
and asks for `fan_out` to run once that transaction has committed.
`fan_out` takes the outbox a batch at a time (rows locked with SKIP LOCKED on PostgreSQL, so two
workers share the work), works out each entry's audience with a handful of queries per batch, and
writes one notification per person and entry (a unique constraint makes a second run harmless).

An entry that names people to remind (`_users.reminded`: the calendar's reminders, on any kind of
record) reaches them, as a reminder, whoever else it concerns.

Who hears of an entry on an item: whoever it mentions, whoever it assigns or takes off, the
assignees, the owner of a deal, the watchers, and the members of the board's team as the board says
(`Board.team_notifications`). On a customer or a lead: its owner. Never the one who did it, never an
inactive account. Each person's preference for the entry's kind decides whether it reaches the
inbox, an e-mail soon or the daily digest, or nothing."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.tasks import task

from tandem.accounts.models import User
from tandem.accounts.roles import Role
from tandem.activity.models import HistoryEntry
from tandem.core.jobs import enqueue_once
from tandem.notifications.kinds import DEFAULT_CHANNELS, Channel, Kind, Reason, kind_of
from tandem.notifications.models import Mail, Notification, Outbox, Preference
from tandem.sales.models import Deal
from tandem.work.models import Item, TeamNotifications

logger = logging.getLogger("tandem.notifications")

# the records whose history people are told of
NOTIFYING_TYPES = frozenset({"item", "organization", "person", "lead"})
BATCH = 500

# the strongest reason first: a mentioned watcher hears of it as mentioned
_STRENGTH = {
    Reason.MENTIONED: 0,
    Reason.ASSIGNEE: 1,
    Reason.UNASSIGNED: 2,
    Reason.OWNER: 3,
    Reason.WATCHER: 4,
    Reason.TEAM: 5,
    Reason.ATTENDEE: 6,
}


_MAIL_OF: dict[str, str] = {Channel.EMAIL: Mail.NOW, Channel.DIGEST: Mail.DIGEST}


def queue(entry: HistoryEntry) -> None:
    """In the transaction that wrote `entry`: put it in the outbox, and have the fan-out run after
    the commit (once per transaction; a lost request is picked up by the worker's sweep)."""
    if (entry.target_type not in NOTIFYING_TYPES and not _hints(entry)["reminded"]) or entry.generated:
        # the demo seeder's history (tandem.activity.services.recording_generated) is news to nobody
        return
    Outbox.objects.create(entry=entry)
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _kick()
    elif not any(callback is _kick for _sids, callback, _robust in conn.run_on_commit):
        transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    # a fan-out already waiting on the queue will take this transaction's entries too
    enqueue_once(fan_out)


@task()
def fan_out() -> int:
    """Turn everything in the outbox into notifications; returns how many entries it took."""
    taken = 0
    while True:
        with transaction.atomic():
            rows = Outbox.objects.order_by("entry_id")
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True)
            batch = list(rows.values_list("entry_id", flat=True)[:BATCH])
            if not batch:
                return taken
            entries = list(HistoryEntry.objects.filter(pk__in=batch).order_by("pk"))
            Notification.objects.bulk_create(notifications_for(entries), ignore_conflicts=True)
            Outbox.objects.filter(entry_id__in=batch).delete()
        taken += len(batch)


def notifications_for(entries: Sequence[HistoryEntry]) -> list[Notification]:
    """The notifications these entries make (not saved)."""
    audiences = _audiences(entries)
    user_ids = {uid for audience in audiences.values() for uid in audience}
    if not user_ids:
        return []
    active = set(User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))
    chosen: dict[tuple[int, str], str] = {
        (uid, kind): channel
        for uid, kind, channel in Preference.objects.filter(user_id__in=active).values_list(
            "user_id", "kind", "channel"
        )
    }
    made: list[Notification] = []
    for entry in entries:
        hints = _hints(entry)
        entry_kind = kind_of(entry.verb, entry.changes)
        for uid, reason in audiences.get(entry.pk, {}).items():
            if uid not in active:
                continue
            kind: str
            if uid in hints["reminded"]:
                kind = Kind.REMINDER
            elif uid in hints["mentioned"]:
                kind = Kind.MENTION
            elif uid in hints["assigned"] or uid in hints["unassigned"]:
                kind = Kind.ASSIGNMENT
            else:
                kind = entry_kind
            channel = chosen.get((uid, kind), DEFAULT_CHANNELS[kind])
            if channel == Channel.OFF:
                continue
            made.append(
                Notification(
                    user_id=uid,
                    entry=entry,
                    kind=kind,
                    reason=reason,
                    target_type=entry.target_type,
                    target_id=entry.target_id,
                    created_at=entry.at,
                    mail=_MAIL_OF.get(channel, Mail.NONE),
                )
            )
    return made


def _hints(entry: HistoryEntry) -> dict[str, set[int]]:
    """Who the entry names by id (tandem.work.services puts them under "_users"; the calendar's
    reminders name whom to remind)."""
    named = entry.changes.get("_users") if isinstance(entry.changes, dict) else None
    named = named if isinstance(named, dict) else {}
    return {
        key: {uid for uid in named.get(key) or [] if isinstance(uid, int)}
        for key in ("mentioned", "assigned", "unassigned", "reminded")
    }


def _audiences(entries: Sequence[HistoryEntry]) -> dict[int, dict[int, str]]:
    """For each entry, who hears of it and why (the strongest reason), without its actor."""
    by_type: dict[str, list[HistoryEntry]] = defaultdict(list)
    for entry in entries:
        by_type[entry.target_type].append(entry)
    audiences: dict[int, dict[int, str]] = {}
    concerned = {
        "item": _item_audiences,
        "organization": _owner_audiences("contacts", "Organization"),
        "person": _owner_audiences("contacts", "Person"),
        "lead": _owner_audiences("sales", "Lead"),
    }
    for target_type, group in by_type.items():
        if target_type in concerned:
            audiences.update(concerned[target_type](group))
    for entry in entries:
        # reminders: the people the entry names, on whatever record it is (an event)
        reminded = _hints(entry)["reminded"]
        if reminded:
            _add(audiences.setdefault(entry.pk, {}), reminded, Reason.ATTENDEE)
    for entry in entries:
        audience = audiences.get(entry.pk)
        if audience is not None:
            audience.pop(entry.actor_id, None)  # type: ignore[arg-type]
    return audiences


def _add(audience: dict[int, str], users: Iterable[int | None], reason: str) -> None:
    for uid in users:
        if uid is not None and (uid not in audience or _STRENGTH[reason] < _STRENGTH[audience[uid]]):  # type: ignore[index]
            audience[uid] = reason


def _pairs(rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = defaultdict(set)
    for key, value in rows:
        grouped[key].add(value)
    return grouped


def _item_audiences(entries: Sequence[HistoryEntry]) -> dict[int, dict[int, str]]:
    ids = {entry.target_id for entry in entries}
    rows = list(
        Item.objects.filter(pk__in=ids).values_list(
            "pk", "board__team_id", "board__team_notifications", "board__private"
        )
    )
    items = {pk: (team_id, setting) for pk, team_id, setting, _private in rows}
    private = {pk for pk, _team, _setting, is_private in rows if is_private}
    assignees = _pairs(
        Item.assignees.through.objects.filter(item_id__in=ids).values_list("item_id", "user_id")
    )
    watchers = _pairs(Item.watchers.through.objects.filter(item_id__in=ids).values_list("item_id", "user_id"))
    owners = dict(Deal.objects.filter(item_id__in=ids).exclude(owner=None).values_list("item_id", "owner_id"))
    teams = {
        team for team, setting in items.values() if team is not None and setting != TeamNotifications.OFF
    }
    members = _pairs(User.teams.through.objects.filter(team_id__in=teams).values_list("team_id", "user_id"))
    audiences: dict[int, dict[int, str]] = {}
    for entry in entries:
        audience: dict[int, str] = {}
        hints = _hints(entry)
        _add(audience, hints["mentioned"], Reason.MENTIONED)
        _add(audience, hints["assigned"], Reason.ASSIGNEE)
        _add(audience, hints["unassigned"], Reason.UNASSIGNED)
        _add(audience, assignees.get(entry.target_id, ()), Reason.ASSIGNEE)
        _add(audience, [owners.get(entry.target_id)], Reason.OWNER)
        _add(audience, watchers.get(entry.target_id, ()), Reason.WATCHER)
        team, setting = items.get(entry.target_id, (None, TeamNotifications.OFF))
        if team is not None and (
            setting == TeamNotifications.ALL
            or (
                setting == TeamNotifications.ASSIGNMENTS
                and kind_of(entry.verb, entry.changes) in {Kind.ASSIGNMENT, Kind.CREATED}
            )
        ):
            _add(audience, members.get(team, ()), Reason.TEAM)
        audiences[entry.pk] = audience
    _only_who_may_see(audiences, entries, items, private)
    return audiences


def _only_who_may_see(
    audiences: dict[int, dict[int, str]],
    entries: Sequence[HistoryEntry],
    items: Mapping[int, tuple[int | None, str]],
    private: set[int],
) -> None:
    """Nobody hears of an item on a board they may not see (tandem.work.queries.board_visibility:
    a private board's team and admins; a guest only their teams' boards), whatever else ties them to
    it (watching it, assigned before the board became private, mentioned). Two queries a batch."""
    uids = {uid for audience in audiences.values() for uid in audience}
    if not uids:
        return
    roles = dict(User.objects.filter(pk__in=uids).values_list("pk", "role"))
    teams = {team for team, _setting in items.values() if team is not None}
    member_of = set(
        User.teams.through.objects.filter(user_id__in=uids, team_id__in=teams).values_list(
            "user_id", "team_id"
        )
    )
    for entry in entries:
        audience = audiences.get(entry.pk)
        if not audience:
            continue
        team, _setting = items.get(entry.target_id, (None, ""))
        for uid in list(audience):
            role = roles.get(uid)
            sees = (
                role == Role.ADMIN
                or (team is not None and (uid, team) in member_of)
                or (entry.target_id not in private and role != Role.GUEST)
            )
            if not sees:
                del audience[uid]


def _owner_audiences(app_label: str, model_name: str) -> Any:
    def audiences(entries: Sequence[HistoryEntry]) -> dict[int, dict[int, str]]:
        from django.apps import apps

        model = apps.get_model(app_label, model_name)
        owners = dict(
            model.objects.filter(pk__in={e.target_id for e in entries}).values_list("pk", "owner_id")
        )
        return {
            entry.pk: {owners[entry.target_id]: Reason.OWNER}
            for entry in entries
            if owners.get(entry.target_id)
        }

    return audiences
