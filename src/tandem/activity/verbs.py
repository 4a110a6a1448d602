"""History in the reader's language. A `HistoryEntry` stores stable English keys (its verb, target
type and the names of changed fields), so what is stored never changes with a translation; these
tables turn the keys into labels when the history is shown. A key missing here shows as stored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# "created" or "updated" alone would share a translation with the date columns of the same name.
VERB_LABELS: dict[str, StrOrPromise] = {
    "created": pgettext_lazy("history", "created"),
    "updated": pgettext_lazy("history", "updated"),
    "archived": pgettext_lazy("history", "archived"),
    "restored": pgettext_lazy("history", "restored"),
    "merged": pgettext_lazy("history", "merged"),
    "joined organization": pgettext_lazy("history", "joined organization"),
    "invited": pgettext_lazy("history", "invited"),
    "reinvited": pgettext_lazy("history", "resent invitation"),
    "joined": pgettext_lazy("history", "joined"),
    "deactivated": pgettext_lazy("history", "deactivated"),
    "reactivated": pgettext_lazy("history", "reactivated"),
    "changed_password": pgettext_lazy("history", "changed password"),
    "reset password": pgettext_lazy("history", "reset password"),
}

TARGET_TYPE_LABELS: dict[str, StrOrPromise] = {
    "organization": _("organization"),
    "person": _("person"),
    "user": _("user"),
}

FIELD_LABELS: dict[str, StrOrPromise] = {
    # customers
    "name": _("name"),
    "website": _("website"),
    "industry": _("industry"),
    "notes": _("notes"),
    "owner": _("owner"),
    "first_name": _("first name"),
    "last_name": _("last name"),
    "emails": _("e-mail addresses"),
    "phones": _("phone numbers"),
    "addresses": _("addresses"),
    "tags": _("tags"),
    "organizations": _("organizations"),
    # users
    "role": _("role"),
    "full_name": _("full name"),
    "teams": _("teams"),
}


def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))


def target_type_label(target_type: str) -> str:
    return str(TARGET_TYPE_LABELS.get(target_type, target_type))


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name.replace("_", " ")))


def changes_summary(verb: str, changes: Any) -> str:
    """A few words on what an entry's `changes` hold ("changed industry, tags"), never the raw data."""
    if not isinstance(changes, dict) or not changes:
        return ""
    if verb == "updated":
        # sorted: PostgreSQL's jsonb does not keep the order the keys were written in
        fields = pgettext("list separator", ", ").join(field_label(str(name)) for name in sorted(changes))
        return gettext("changed %(fields)s") % {"fields": fields}
    if verb == "joined organization" and changes.get("organization"):
        return str(changes["organization"])
    if verb == "merged" and changes.get("merged"):
        return gettext("folded in %(name)s") % {"name": changes["merged"]}
    return ""
