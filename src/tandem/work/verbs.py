"""History verbs of boards and work items: the stable English key each history row stores, and its label."""

from django.utils.translation import pgettext_lazy

from tandem.activity.verbs import Verb


class WorkVerb(Verb):
    MOVED = "moved", pgettext_lazy("history", "moved")
    CLOSED = "closed", pgettext_lazy("history", "closed")
    REOPENED = "reopened", pgettext_lazy("history", "reopened")
    LINKED = "linked", pgettext_lazy("history", "linked")
    UNLINKED = "unlinked", pgettext_lazy("history", "removed a link")
    COMMENTED = "commented", pgettext_lazy("history", "commented")
    EDITED_COMMENT = "edited comment", pgettext_lazy("history", "edited a comment")
    DELETED_COMMENT = "deleted comment", pgettext_lazy("history", "deleted a comment")
    ADDED_COLUMN = "added column", pgettext_lazy("history", "added a column")
    UPDATED_COLUMN = "updated column", pgettext_lazy("history", "changed a column")
    REMOVED_COLUMN = "removed column", pgettext_lazy("history", "removed a column")
    ATTACHED_FILES = "attached files", pgettext_lazy("history", "attached files")
    REMOVED_FILE = "removed file", pgettext_lazy("history", "removed a file")
