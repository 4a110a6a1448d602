"""History verbs of the rituals: the stable English key each history row stores, and its label."""

from django.utils.translation import pgettext_lazy

from tandem.activity.verbs import Verb


class RitualVerb(Verb):
    SET_UP = "set up ritual", pgettext_lazy("history", "set up a ritual")
    WROTE_MINUTES = "wrote minutes", pgettext_lazy("history", "wrote the minutes")
    CONVERTED_ACTIONS = (
        "converted actions",
        pgettext_lazy("history", "turned the minutes' actions into items"),
    )
