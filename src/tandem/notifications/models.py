from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.activity.models import HistoryEntry
from tandem.notifications.kinds import Channel, Kind, Reason


class Mail(models.TextChoices):
    NONE = "", _("no e-mail")
    NOW = "now", _("e-mail soon")
    DIGEST = "digest", _("daily digest")


class Notification(models.Model):
    """One history entry for one person it concerns: a line in their inbox, and maybe an e-mail.
    Made by the fan-out (tandem.notifications.fanout) from the entries' outbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    entry = models.ForeignKey(HistoryEntry, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("why"), max_length=16, choices=Reason.choices)
    # the record, copied from the entry: e-mails are batched per person and record
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mail = models.CharField(max_length=8, choices=Mail.choices, default=Mail.NONE, blank=True)
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "entry"], name="notification_once")]
        indexes = [
            models.Index(fields=["user", "-id"], name="notification_inbox"),
            # one person's notifications of one record: read on opening it, mailed together
            models.Index(fields=["user", "target_type", "target_id"], name="notification_record"),
            models.Index(
                fields=["user", "-id"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["mail", "created_at"],
                condition=Q(mailed_at__isnull=True) & ~Q(mail=""),
                name="notification_to_mail",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}: {self.entry_id}"


class Preference(models.Model):
    """A person's channel for one kind (only what differs from tandem.notifications.kinds.DEFAULT_CHANNELS
    needs a row, but a saved choice is kept even when it equals the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} → {self.channel}"


class Outbox(models.Model):
    """History entries not yet fanned out to notifications. Written in the transaction of the change
    (so nothing is lost between a commit and the fan-out job), deleted by the fan-out."""

    entry = models.OneToOneField(HistoryEntry, on_delete=models.CASCADE, primary_key=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("entry to fan out")
        verbose_name_plural = _("entries to fan out")

    def __str__(self) -> str:
        return f"outbox {self.entry_id}"
