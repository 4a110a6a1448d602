"""History verbs of calendars and events: the stable English key each history row stores, and its label."""

from django.utils.translation import pgettext_lazy

from tandem.activity.verbs import Verb


class AgendaVerb(Verb):
    SCHEDULED_EVENT = "scheduled event", pgettext_lazy("history", "scheduled an event")
    CHANGED_EVENT = "changed event", pgettext_lazy("history", "changed an event")
    CHANGED_OCCURRENCE = "changed occurrence", pgettext_lazy("history", "changed one occurrence")
    SPLIT_SERIES = "split series", pgettext_lazy("history", "changed this and following occurrences")
    CANCELLED_EVENT = "cancelled event", pgettext_lazy("history", "cancelled an event")
    CANCELLED_OCCURRENCE = "cancelled occurrence", pgettext_lazy("history", "cancelled one occurrence")
    ENDED_SERIES = "ended series", pgettext_lazy("history", "cancelled this and following occurrences")
    RESPONDED = "responded", pgettext_lazy("history", "answered an invitation")
    REMINDED = "reminded", pgettext_lazy("history", "reminded the attendees")
    IMPORTED = "imported events", pgettext_lazy("history", "imported events from a file")
    MADE_FEED = "made feed", pgettext_lazy("history", "made a calendar feed address")
    CHANGED_FEED = "changed feed", pgettext_lazy("history", "changed a calendar feed address")
    REVOKED_FEED = "revoked feed", pgettext_lazy("history", "revoked a calendar feed address")
    CONNECTED_ACCOUNT = (
        "connected calendar account",
        pgettext_lazy("history", "connected an external calendar"),
    )
    CHANGED_ACCOUNT = (
        "changed calendar account",
        pgettext_lazy("history", "changed an external calendar's connection"),
    )
    DISCONNECTED_ACCOUNT = (
        "disconnected calendar account",
        pgettext_lazy("history", "disconnected an external calendar"),
    )
    SYNC_CONFLICT = (
        "sync conflict",
        pgettext_lazy("history", "kept the newer of two changes while syncing an external calendar"),
    )
