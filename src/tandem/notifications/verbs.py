"""History verbs of notification settings: the stable English key each history row stores, and its label."""

from django.utils.translation import pgettext_lazy

from tandem.activity.verbs import Verb


class NotificationVerb(Verb):
    CHANGED_NOTIFICATIONS = (
        "changed notifications",
        pgettext_lazy("history", "changed their notification settings"),
    )
