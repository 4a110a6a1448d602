"""A person's inbox and notification settings. Views and the API both call these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.queries import mask_private_links
from tandem.activity.services import record
from tandem.core.errors import InvalidInput, NotFound
from tandem.notifications.kinds import DEFAULT_CHANNELS, Channel, Kind
from tandem.notifications.models import Notification, Preference
from tandem.notifications.verbs import NotificationVerb
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


@dataclass
class InboxPage:
    notifications: list[Notification]
    more: int | None  # the `before` of the next page


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


def get_notification(user: User, pk: int) -> Notification:
    found = notifications_of(user).filter(pk=pk).select_related("entry__actor").first()
    if found is None:
        raise NotFound(_("There is no such notification in your inbox."))
    mask_private_links([found.entry], user)
    return found


def mark_read(user: User, notification: Notification, *, read: bool = True) -> Notification:
    """Mark one of the person's own notifications read (or unread again). Reading is not a change to
    any record, so it writes no history."""
    require(user, Permission.VIEW_WORK)
    if notification.user_id != user.pk:
        raise NotFound(_("There is no such notification in your inbox."))
    notification.read_at = timezone.now() if read else None
    Notification.objects.filter(pk=notification.pk, user=user).update(read_at=notification.read_at)
    return notification


def mark_all_read(user: User, *, up_to: int | None = None) -> int:
    """Mark every unread notification read (only those up to the id `up_to`, when given, so what
    arrived after the page was shown stays unread). Returns how many."""
    require(user, Permission.VIEW_WORK)
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if up_to is not None:
        rows = rows.filter(id__lte=up_to)
    return rows.update(read_at=timezone.now())


def mark_record_read(user: User, target_type: str, target_id: int) -> int:
    """Opening a record's page reads its notifications."""
    return Notification.objects.filter(
        user=user, read_at__isnull=True, target_type=target_type, target_id=target_id
    ).update(read_at=timezone.now())


def preferences(user: User) -> dict[str, str]:
    """Every kind with the person's channel for it (the default where they have not chosen)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, DEFAULT_CHANNELS[kind]) for kind in Kind.values}


def set_preferences(user: User, *, choices: Mapping[str, Any]) -> dict[str, str]:
    """Set the channel of some kinds ({kind: channel}); all or nothing."""
    require(user, Permission.VIEW_WORK)
    unknown = [str(kind) for kind in choices if kind not in Kind.values]
    if unknown:
        raise InvalidInput(
            _("There is no kind of notification called %(kinds)s.") % {"kinds": ", ".join(unknown)},
            field="kind",
        )
    for kind, channel in choices.items():
        if channel not in Channel.values:
            raise InvalidInput(
                _("Choose in Tandem, e-mail, digest or off for “%(kind)s”.") % {"kind": Kind(kind).label},
                field=str(kind),
            )
    before = preferences(user)
    with transaction.atomic():
        for kind, channel in choices.items():
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
        after = preferences(user)
        changes = {kind: [before[kind], after[kind]] for kind in after if before[kind] != after[kind]}
        if changes:
            record(by=user, verb=NotificationVerb.CHANGED_NOTIFICATIONS, target=user, changes=changes)
    return after
