"""Rituals: a recurring calendar event tied to a board, with a page of its own.

- The **finance run** (story S3): a weekly one-hour event on the finance team's calendar; its page
  reviews the finance board's open items, oldest first, overdue ones marked, with what blocks what
  and quick actions (assign, move, close) through work's services.
- The **board meeting** (S4): a monthly event whose minutes are written per occurrence; lines
  marked as actions become items on the board-actions board (tandem.rituals.actions).

An occurrence is named by its original start in the series (`occurrence_start`, the UTC instant an
override's `recurrence_id` would carry), so minutes stay with their meeting when it is moved."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RitualKind(models.TextChoices):
    FINANCE_RUN = "finance_run", _("Finance run")
    BOARD_MEETING = "board_meeting", _("Board meeting")


class Ritual(models.Model):
    """A recurring event (a series on a calendar) and the board it works on."""

    history_type = "ritual"

    kind = models.CharField(_("kind"), max_length=16, choices=RitualKind.choices)
    name = models.CharField(_("name"), max_length=200)
    event = models.ForeignKey("agenda.Event", on_delete=models.CASCADE, related_name="+")
    board = models.ForeignKey("work.Board", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("ritual")
        verbose_name_plural = _("rituals")
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["event"], name="ritual_once_per_event")]
        indexes: ClassVar = [models.Index(fields=["board"], name="ritual_board")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rituals:detail", args=[self.pk])


class Minutes(models.Model):
    """The minutes of one occurrence of a meeting: Markdown, with action lines in it. `version` is
    the optimistic lock: a save names the version it was based on."""

    history_type = "minutes"

    ritual = models.ForeignKey(Ritual, on_delete=models.CASCADE, related_name="minutes")
    occurrence_start = models.DateTimeField(_("occurrence"))
    text = models.TextField(_("minutes"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering: ClassVar = ["-occurrence_start"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["ritual", "occurrence_start"], name="minutes_once_per_occurrence")
        ]

    def __str__(self) -> str:
        return f"minutes of {self.ritual_id} at {self.occurrence_start:%Y-%m-%d}"


class ActionLine(models.Model):
    """An action line of the minutes turned into an item: `key` is the line's stable key (a hash of
    its action text, without the `(#123)` marker written back after it), so converting again finds
    the item instead of making a second one."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="actions")
    key = models.CharField(max_length=64)
    item = models.ForeignKey("work.Item", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        constraints: ClassVar = [models.UniqueConstraint(fields=["minutes", "key"], name="action_line_once")]

    def __str__(self) -> str:
        return f"#{self.item_id} from minutes {self.minutes_id}"
