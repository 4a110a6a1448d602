"""History verbs of the mail gateway: the stable English key each history row stores, and its label."""

from django.utils.translation import pgettext_lazy

from tandem.activity.verbs import Verb


class MailVerb(Verb):
    ADDED_MAIL_ADDRESS = "added mail address", pgettext_lazy("history", "added a mail address")
    CHANGED_MAIL_ADDRESS = "changed mail address", pgettext_lazy("history", "changed a mail address")
    REMOVED_MAIL_ADDRESS = "removed mail address", pgettext_lazy("history", "removed a mail address")
