"""History verbs of users, teams, tokens and login locks: the stable English key each history row stores, and its label."""

from django.utils.translation import pgettext_lazy

from tandem.activity.verbs import Verb


class AccountVerb(Verb):
    INVITED = "invited", pgettext_lazy("history", "invited")
    REINVITED = "reinvited", pgettext_lazy("history", "resent invitation")
    JOINED = "joined", pgettext_lazy("history", "joined")
    DEACTIVATED = "deactivated", pgettext_lazy("history", "deactivated")
    REACTIVATED = "reactivated", pgettext_lazy("history", "reactivated")
    CHANGED_PASSWORD = "changed_password", pgettext_lazy("history", "changed password")
    RESET_PASSWORD = "reset password", pgettext_lazy("history", "reset password")
    CREATED_TOKEN = "created token", pgettext_lazy("history", "created an API token")
    REVOKED_TOKEN = "revoked token", pgettext_lazy("history", "revoked an API token")
    LIFTED_LOGIN_LOCK = "lifted login lock", pgettext_lazy("history", "lifted a login lock")
