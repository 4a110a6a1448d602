"""The kinds of notification a person can choose a channel for, and what each channel means.

A history entry becomes, for each person it concerns, one notification of one kind: being mentioned
or (un)assigned is about that person; everything else is the kind of the entry itself."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assigned to me or taken off")
    MENTION = "mention", _("Mentioned in a comment")
    COMMENT = "comment", _("New comments")
    STATUS = "status", _("Closed, reopened, moved, won or lost")
    CREATED = "created", _("New work on my team's boards")
    CHANGE = "change", _("Other changes")
    REMINDER = "reminder", _("Reminders of my events")


class Channel(models.TextChoices):
    APP = "app", _("In Tandem")
    EMAIL = "email", _("In Tandem and by e-mail")
    DIGEST = "digest", _("In Tandem and in the daily digest")
    OFF = "off", _("Off")


class Reason(models.TextChoices):
    """Why someone hears of an entry (the strongest reason when there are several)."""

    MENTIONED = "mentioned", _("you were mentioned")
    ASSIGNEE = "assignee", _("you are assigned")
    UNASSIGNED = "unassigned", _("you were assigned")
    OWNER = "owner", _("you own it")
    WATCHER = "watcher", _("you watch it")
    TEAM = "team", _("your team's board")
    ATTENDEE = "attendee", _("you are invited")


# What a person gets when they have not chosen: the things meant for them by e-mail too.
DEFAULT_CHANNELS: dict[str, str] = {
    Kind.ASSIGNMENT: Channel.EMAIL,
    Kind.MENTION: Channel.EMAIL,
    Kind.COMMENT: Channel.APP,
    Kind.STATUS: Channel.APP,
    Kind.CREATED: Channel.APP,
    Kind.CHANGE: Channel.APP,
    Kind.REMINDER: Channel.EMAIL,
}

STATUS_VERBS = frozenset({"closed", "reopened", "moved", "won", "lost", "qualified", "disqualified"})
COMMENT_VERBS = frozenset({"commented"})
CREATED_VERBS = frozenset({"created"})


def kind_of(verb: str, changes: object) -> str:
    """The kind of a history entry for those it concerns without naming them."""
    if verb in COMMENT_VERBS:
        return Kind.COMMENT
    if verb in STATUS_VERBS:
        return Kind.STATUS
    if verb in CREATED_VERBS:
        return Kind.CREATED
    if isinstance(changes, dict) and "assignees" in changes:
        return Kind.ASSIGNMENT
    return Kind.CHANGE
