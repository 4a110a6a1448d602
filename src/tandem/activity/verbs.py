"""History in the reader's language. A `HistoryEntry` stores stable English keys (its verb, target
type and the names of changed fields), so what is stored never changes with a translation; these
tables turn the keys into labels when the history is shown. A key missing here shows as stored."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Verb(models.TextChoices):
    """The base of every app's history verbs. Each app declares its own in `<app>/verbs.py`
    (`WorkVerb.MOVED = "moved", pgettext_lazy("history", "moved")`): the value is the stable English key
    a history row stores, the label its translation. `record()` takes only these, so a verb has one
    spelling; `verb_label()` finds the label among every app's verbs."""


# "created" or "updated" alone would share a translation with the date columns of the same name.
class RecordVerb(Verb):
    """What happens to every kind of record."""

    CREATED = "created", pgettext_lazy("history", "created")
    UPDATED = "updated", pgettext_lazy("history", "updated")
    ARCHIVED = "archived", pgettext_lazy("history", "archived")
    RESTORED = "restored", pgettext_lazy("history", "restored")
    DELETED = "deleted", pgettext_lazy("history", "deleted")


@cache
def _verbs() -> dict[str, Verb]:
    """Every app's verbs by their stored key, gathered once: `ActivityConfig.ready()` has imported
    every app's `verbs` module before the first history is shown."""
    found: dict[str, Verb] = {}
    pending: list[type[Verb]] = [Verb]
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        found.update({member.value: member for member in kind})
    return found


TARGET_TYPE_LABELS: dict[str, StrOrPromise] = {
    "organization": _("organization"),
    "person": _("person"),
    "user": _("user"),
    "board": _("board"),
    "label": _("label"),
    "item": _("item"),
    "pipeline": _("pipeline"),
    "lead": _("lead"),
    "team": _("team"),
    "login lock": _("login lock"),
    "tag": _("tag"),
    "calendar": _("calendar"),
    "event": _("event"),
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
    # items
    "title": _("title"),
    "description": _("description"),
    "type": _("type"),
    "priority": _("priority"),
    "start_date": _("start"),
    "due_date": _("due date"),
    "estimate": _("estimate"),
    "parent": _("parent item"),
    "assignees": _("assignees"),
    "labels": _("labels"),
    "people": _("people"),
    "state": _("state"),
    "column": _("column"),
    "title_prefix": _("title prefix"),
    "default_type": _("type of new items"),
    "sum_field": _("column sum"),
}

LINK_LABELS: dict[str, StrOrPromise] = {
    "blocks": _("blocks"),
    "blocks_by": _("is blocked by"),
    "relates_to": _("relates to"),
}


def verb_label(verb: str) -> str:
    member = _verbs().get(verb)
    return verb if member is None else str(member.label)


def target_type_label(target_type: str) -> str:
    return str(TARGET_TYPE_LABELS.get(target_type, target_type))


def counted_target_type(target_type: str, count: int) -> str:
    """How many records of a kind, "129 people", for a feed line that stands for several entries."""
    counted = {
        "organization": lambda n: ngettext("%(count)s organization", "%(count)s organizations", n),
        "person": lambda n: ngettext("%(count)s person", "%(count)s people", n),
        "item": lambda n: ngettext("%(count)s item", "%(count)s items", n),
        "lead": lambda n: ngettext("%(count)s lead", "%(count)s leads", n),
        "board": lambda n: ngettext("%(count)s board", "%(count)s boards", n),
        "user": lambda n: ngettext("%(count)s user", "%(count)s users", n),
    }.get(target_type)
    if counted is None:
        return f"{count} {target_type_label(target_type)}"
    return str(counted(count) % {"count": count})


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name.replace("_", " ")))


def changes_summary(verb: str, changes: Any) -> str:
    """A few words on what an entry's `changes` hold ("changed industry, tags"), never the raw data."""
    if not isinstance(changes, dict):
        return ""
    if verb in {"linked", "unlinked"} and changes.get("_private"):
        # the other end is on a board the reader may not see (tandem.activity.queries.mask_private_links)
        kind = str(LINK_LABELS.get(str(changes.get("kind")), changes.get("kind", "")))
        return f"{kind} {gettext('a private item')}".strip()
    # keys starting with "_" are for Tandem itself (who was assigned or mentioned, by id)
    changes = {name: value for name, value in changes.items() if not str(name).startswith("_")}
    if not changes:
        return ""
    if verb == "updated":
        # sorted: PostgreSQL's jsonb does not keep the order the keys were written in
        fields = pgettext("list separator", ", ").join(field_label(str(name)) for name in sorted(changes))
        return gettext("changed %(fields)s") % {"fields": fields}
    if verb == "joined organization" and changes.get("organization"):
        return str(changes["organization"])
    if verb == "merged" and changes.get("merged"):
        return gettext("folded in %(name)s") % {"name": changes["merged"]}
    if verb == "moved" and isinstance(changes.get("column"), list) and len(changes["column"]) == 2:
        return gettext("from %(old)s to %(new)s") % {
            "old": changes["column"][0] or "—",
            "new": changes["column"][1] or "—",
        }
    if verb in {"linked", "unlinked"} and changes.get("target"):
        kind = str(LINK_LABELS.get(str(changes.get("kind")), changes.get("kind", "")))
        return f"{kind} #{changes['target']} {changes.get('target_title', '')}".strip()
    if verb in {"commented", "deleted comment", "edited comment"} and changes.get("excerpt"):
        return str(changes["excerpt"])
    if verb == "attached" and changes.get("document"):
        return str(changes["document"])
    if verb == "attached files" and isinstance(changes.get("files"), list):
        return pgettext("list separator", ", ").join(str(name) for name in changes["files"])
    if verb in {"added mail address", "changed mail address", "removed mail address"} and changes.get(
        "address"
    ):
        return str(changes["address"])
    if verb == "removed file" and changes.get("file"):
        return str(changes["file"])
    if verb in {"logged", "scheduled", "completed"} and changes.get("activity"):
        return str(changes["activity"])
    if verb in {"added column", "removed column", "updated column"} and changes.get("column"):
        return str(changes["column"])
    if verb in {"added stage", "updated stage", "moved stage", "removed stage"} and changes.get("stage"):
        return str(changes["stage"])
    if verb in {"created token", "revoked token"} and changes.get("token"):
        return str(changes["token"])
    if verb in {"ticked step", "unticked step"} and changes.get("step"):
        return str(changes["step"])
    if verb == "reminded" and changes.get("title"):
        return str(changes["title"])
    if verb in {"added contact", "removed contact"} and changes.get("person"):
        return str(changes["person"])
    return ""
