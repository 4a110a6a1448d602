"""Notification e-mails, sent by the worker after the changes have committed.

- **Soon** (channel "e-mail"): notifications wait `batch_seconds()` (TANDEM_MAIL_BATCH_SECONDS,
  120) after the first one on a record, then everything pending for that person and record goes
  out as one e-mail, so ten quick changes to one item make one message. Every message about a
  record names it in `References` (`<item-123@…>`), so mail programs thread them, and carries
  `[#123]` in the subject.
- **Digest**: once a day at `digest_hour()` (TANDEM_DIGEST_HOUR, 7) in each person's time zone,
  one e-mail with everything that waited since the last one.

A notification is marked mailed in the transaction that sends it: a failed send leaves it pending
for the next run (the job is retried with backoff)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Min
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.core import calendars
from tandem.core.jobs import seconds_setting
from tandem.mailgate.replies import reply_address
from tandem.notifications.links import target_url
from tandem.notifications.models import Mail, Notification
from tandem.work.models import Item
from tandem.work.queries import visible_item_ids

logger = logging.getLogger("tandem.notifications")

SEND_AT_ONCE = 200  # e-mails per run; the next run takes the rest


def batch_seconds() -> float:
    """How long notification e-mails on one record wait for more (TANDEM_MAIL_BATCH_SECONDS, 120)."""
    return seconds_setting("TANDEM_MAIL_BATCH_SECONDS", "120")


def digest_hour() -> int:
    """The hour of the day the digest goes out, in each person's time zone (TANDEM_DIGEST_HOUR, 7)."""
    hour = int(seconds_setting("TANDEM_DIGEST_HOUR", "7"))
    return min(hour, 23)


def _pending(mail: str) -> Any:
    return Notification.objects.filter(mail=mail, mailed_at__isnull=True)


def due_groups(now: datetime | None = None, *, limit: int = SEND_AT_ONCE) -> list[tuple[int, str, int]]:
    """(user, target type, target id) whose first pending e-mail has waited its batch time."""
    moment = now or timezone.now()
    cutoff = moment - timedelta(seconds=batch_seconds())
    rows = (
        _pending(Mail.NOW)
        .values("user_id", "target_type", "target_id")
        .annotate(first=Min("created_at"))
        .filter(first__lte=cutoff)
        .order_by("first")
        .values_list("user_id", "target_type", "target_id")[:limit]
    )
    return list(rows)


@task()
def send_due_mails() -> int:
    """One e-mail per person and record whose notifications have waited their batch time."""
    groups = due_groups()
    return sum(
        _send_pending(
            _pending(Mail.NOW).filter(user_id=user_id, target_type=target_type, target_id=target_id),
            digest=False,
        )
        for user_id, target_type, target_id in groups
    )


def _send_pending(rows: Any, *, digest: bool) -> int:
    """Send these pending notifications as one e-mail and mark them sent, in one transaction (a
    failed send leaves them pending); 0 when another worker sent them first."""
    with transaction.atomic():
        taken = list(
            rows.select_for_update(of=("self",)).select_related("user", "entry__actor").order_by("id")
        )
        if not taken:
            return 0
        # nothing about an item on a board the person may no longer see (made private since)
        user = taken[0].user
        seen = visible_item_ids(user, {n.target_id for n in taken if n.target_type == "item"})
        shown = [n for n in taken if n.target_type != "item" or n.target_id in seen]
        if shown:
            _send(user, shown, digest=digest)
        Notification.objects.filter(pk__in=[n.pk for n in taken]).update(mailed_at=timezone.now())
    return 1


def last_digest_moment(now: datetime, time_zone: str) -> datetime:
    """The latest digest time (digest_hour() o'clock in `time_zone`) at or before `now`."""
    try:
        zone = ZoneInfo(time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    moment = local.replace(hour=digest_hour(), minute=0, second=0, microsecond=0)
    if moment > local:
        moment -= timedelta(days=1)
    return moment


def due_digests(now: datetime | None = None) -> list[tuple[int, datetime]]:
    """(user, cutoff): people with notifications from before their last digest time not yet sent."""
    moment = now or timezone.now()
    firsts = dict(
        _pending(Mail.DIGEST)
        .values("user_id")
        .annotate(first=Min("created_at"))
        .values_list("user_id", "first")
    )
    zones = dict(User.objects.filter(pk__in=firsts).values_list("pk", "time_zone"))
    due = []
    for user_id, first in firsts.items():
        cutoff = last_digest_moment(moment, zones.get(user_id) or "UTC")
        if first < cutoff:
            due.append((user_id, cutoff))
    return due


@task()
def send_digests() -> int:
    """Each person's daily digest, of what waited from before their last digest time."""
    due = due_digests()
    return sum(
        _send_pending(_pending(Mail.DIGEST).filter(user_id=user_id, created_at__lt=cutoff), digest=True)
        for user_id, cutoff in due
    )


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "tandem.localhost"


def thread_id(target_type: str, target_id: int) -> str:
    """The Message-ID every e-mail about one record refers to, so they thread."""
    return f"<{target_type}-{target_id}@{_domain()}>"


def _subject(target_type: str, target_id: int, label: str) -> str:
    """An item's e-mails say `[#123] Title`, so a reply names the item (the mail gateway threads it)."""
    if target_type != "item":
        return label
    title = Item.objects.filter(pk=target_id).values_list("title", flat=True).first() or label
    return f"[#{target_id}] {title}"


def _send(user: Any, rows: list[Notification], *, digest: bool) -> None:
    records: dict[tuple[str, int], list[Notification]] = defaultdict(list)
    for notification in rows:
        records[(notification.target_type, notification.target_id)].append(notification)
    with (
        translation.override(user.language or settings.LANGUAGE_CODE),
        timezone.override(user.time_zone or "UTC"),
        calendars.override(user.calendar),
    ):
        groups = [
            {
                "label": group[-1].entry.target_label,
                "url": settings.TANDEM_BASE_URL + target_url(target_type, target_id),
                "notifications": group,
                "reason": group[0].get_reason_display(),
            }
            for (target_type, target_id), group in records.items()
        ]
        context = {
            "user": user,
            "groups": groups,
            "digest": digest,
            "settings_url": settings.TANDEM_BASE_URL + reverse("notifications:settings"),
            "inbox_url": settings.TANDEM_BASE_URL + reverse("notifications:inbox"),
            "can_reply": not digest
            and rows[0].target_type == "item"
            and bool(settings.TANDEM_MAIL_REPLY_ADDRESS),
        }
        if digest:
            subject = _("Your Tandem digest: %(count)s updates") % {"count": len(rows)}
        else:
            subject = _subject(rows[0].target_type, rows[0].target_id, str(groups[0]["label"]))
        text = render_to_string("notifications/mail.txt", context)
        html = render_to_string("notifications/mail.html", context)
    message = EmailMultiAlternatives(subject=subject[:250], body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers["Message-ID"] = make_msgid(domain=_domain())
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    message.extra_headers["X-Auto-Response-Suppress"] = "All"
    if not digest:
        target_type, target_id = rows[0].target_type, rows[0].target_id
        message.extra_headers["References"] = thread_id(target_type, target_id)
        message.extra_headers["In-Reply-To"] = thread_id(target_type, target_id)
        if target_type == "item" and (reply := reply_address(target_id, user.pk)):
            message.reply_to = [reply]  # a reply becomes the user's comment (tandem.mailgate)
    message.send()
