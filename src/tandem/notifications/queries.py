"""Reads of a person's inbox and settings, for the pages, the API and the live updates: what they
may see (never an item on a board hidden from them), a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.activity.grouping import GROUP_WINDOW, Group, group_runs
from tandem.activity.models import HistoryEntry
from tandem.activity.queries import mask_private_links
from tandem.core.errors import NotFound
from tandem.notifications.kinds import DEFAULT_CHANNELS, Kind
from tandem.notifications.models import Notification, Preference
from tandem.work.queries import hidden_items

INBOX_PAGE = 30
UNREAD_SHOWN = 99  # the top bar says "99+" beyond


def notifications_of(user: User) -> QuerySet[Notification]:
    """The person's notifications, without those about items on boards they may not see (a board
    made private after they were told stays silent in their inbox)."""
    rows = Notification.objects.filter(user=user)
    hidden = hidden_items(user)
    if hidden is not None:
        rows = rows.exclude(target_type="item", target_id__in=hidden)
    return rows


def inbox(user: User, *, unread_only: bool = False, before: int | None = None) -> QuerySet[Notification]:
    """The person's notifications, newest first (a page: slice it), after the id `before`."""
    rows = notifications_of(user).select_related("entry__actor").order_by("-id")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if before is not None:
        rows = rows.filter(id__lt=before)
    return rows


def _entry_of(notification: Notification) -> HistoryEntry:
    return notification.entry


@dataclass
class InboxPage:
    notifications: list[Notification]
    more: int | None  # the `before` of the next page
    group_window: timedelta = GROUP_WINDOW

    @property
    def groups(self) -> list[Group[Notification]]:
        """The page's notifications as lines: a run of alike ones (the same person doing the same to
        the same kind of record, within the window) as one line (tandem.activity.grouping)."""
        return group_runs(self.notifications, entry_of=_entry_of, window=self.group_window)


def inbox_page(
    user: User, *, unread_only: bool = False, before: int | None = None, limit: int = INBOX_PAGE
) -> InboxPage:
    rows = list(inbox(user, unread_only=unread_only, before=before)[: limit + 1])
    shown = rows[:limit]
    mask_private_links([n.entry for n in shown], user)
    return InboxPage(shown, shown[-1].pk if len(rows) > limit else None)


def unread_count(user: User, *, cap: int = UNREAD_SHOWN + 1) -> int:
    """Unread notifications, counted up to `cap` (the top bar only says "99+")."""
    return len(notifications_of(user).filter(read_at__isnull=True).values_list("pk", flat=True)[:cap])


# What waits for the person: being mentioned, or being given (or taken off) work.
WAITING_KINDS = (Kind.MENTION, Kind.ASSIGNMENT)
WAITING_SHOWN = 5


@dataclass
class Waiting:
    notifications: list[Notification]  # the newest few
    count: int  # all of them, up to UNREAD_SHOWN + 1 (shown as "99+")

    @property
    def count_label(self) -> str:
        return f"{UNREAD_SHOWN}+" if self.count > UNREAD_SHOWN else str(self.count)


def waiting_for(user: User, *, limit: int = WAITING_SHOWN) -> Waiting:
    """Unread mentions and assignments of the person, newest first: two queries, whatever the
    inbox holds (the count stops at UNREAD_SHOWN + 1, as the top bar's)."""
    unread = notifications_of(user).filter(read_at__isnull=True, kind__in=WAITING_KINDS)
    shown = list(unread.select_related("entry__actor").order_by("-id")[:limit])
    mask_private_links([n.entry for n in shown], user)
    count = len(shown) if len(shown) < limit else len(unread.values_list("pk", flat=True)[: UNREAD_SHOWN + 1])
    return Waiting(shown, count)


def get_notification(user: User, pk: int) -> Notification:
    found = notifications_of(user).filter(pk=pk).select_related("entry__actor").first()
    if found is None:
        raise NotFound(_("There is no such notification in your inbox."))
    mask_private_links([found.entry], user)
    return found


def preferences(user: User) -> dict[str, str]:
    """Every kind with the person's channel for it (the default where they have not chosen)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, DEFAULT_CHANNELS[kind]) for kind in Kind.values}
