"""History verbs of pipelines, deals and leads: the stable English key each history row stores, and its label."""

from django.utils.translation import pgettext_lazy

from tandem.activity.verbs import Verb


class SalesVerb(Verb):
    ATTACHED = "attached", pgettext_lazy("history", "attached a document")
    QUALIFIED = "qualified", pgettext_lazy("history", "qualified")
    DISQUALIFIED = "disqualified", pgettext_lazy("history", "disqualified")
    LOGGED = "logged", pgettext_lazy("history", "logged")
    SCHEDULED = "scheduled", pgettext_lazy("history", "scheduled")
    COMPLETED = "completed", pgettext_lazy("history", "completed")
    ADDED_STAGE = "added stage", pgettext_lazy("history", "added a stage")
    UPDATED_STAGE = "updated stage", pgettext_lazy("history", "changed a stage")
    MOVED_STAGE = "moved stage", pgettext_lazy("history", "moved a stage")
    REMOVED_STAGE = "removed stage", pgettext_lazy("history", "removed a stage")
    TICKED_STEP = "ticked step", pgettext_lazy("history", "ticked a step")
    UNTICKED_STEP = "unticked step", pgettext_lazy("history", "unticked a step")
    ADDED_CONTACT = "added contact", pgettext_lazy("history", "added a contact")
    REMOVED_CONTACT = "removed contact", pgettext_lazy("history", "removed a contact")
