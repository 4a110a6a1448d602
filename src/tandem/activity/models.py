from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.activity import verbs


class HistoryEntry(models.Model):
    """One change to one record, append-only. `target_type` is a short stable name
    ("organization", "person", ...), not a content type id, so the history survives app renames."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(_("what happened"), max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    target_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # Recorded while the demo company was being made (tandem.activity.services.recording_generated):
    # true history of those records, but no news to anyone, so the home feed and the inbox leave it out.
    generated = models.BooleanField(_("made by the demo"), default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="history_target_at"),
            models.Index(fields=["actor", "-at"], name="history_actor_at"),
            # feeds: the newest rows of a type (items someone watches by the thousand), and of a
            # verb (new work: every item created), a page at a time
            models.Index(fields=["target_type", "-at", "-id"], name="history_type_at"),
            models.Index(fields=["target_type", "verb", "-at", "-id"], name="history_verb_at"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type}#{self.target_id}"

    @property
    def verb_label(self) -> str:
        """What happened, in the reader's language."""
        return verbs.verb_label(self.verb)

    @property
    def target_type_label(self) -> str:
        return verbs.target_type_label(self.target_type)

    @property
    def changes_summary(self) -> str:
        return verbs.changes_summary(self.verb, self.changes)
