"""History verbs of customers: the stable English key each history row stores, and its label."""

from django.utils.translation import pgettext_lazy

from tandem.activity.verbs import Verb


class ContactVerb(Verb):
    MERGED = "merged", pgettext_lazy("history", "merged")
    JOINED_ORGANIZATION = "joined organization", pgettext_lazy("history", "joined organization")
    REVIEWED = "reviewed", pgettext_lazy("history", "marked as reviewed")
