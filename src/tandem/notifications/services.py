"""Changes to a person's inbox and notification settings (reading, muting a kind). Views and the API
both call these; the reads are in `notifications.queries`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.core.errors import InvalidInput, NotFound
from tandem.notifications.kinds import Channel, Kind
from tandem.notifications.models import Notification, Preference
from tandem.notifications.queries import preferences
from tandem.notifications.verbs import NotificationVerb


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
