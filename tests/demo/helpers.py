"""Small data sets in the named scales' proportions (1 organization : 5 people : 25 history rows),
and a view of the generated rows that does not depend on database ids."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.contacts.models import Address, EmailAddress, Membership, Organization, Person, PhoneNumber, Tag
from tandem.demo.generate.runner import USER_DOMAIN, Result, generate
from tandem.demo.generate.scales import Sizes
from tandem.sales.models import Pipeline
from tandem.work.models import Board, Column, Item, ItemLink

SMALL = Sizes(organizations=12, people=60, history=300, items=60)
BIGGER = Sizes(organizations=24, people=120, history=600, items=120)
UNTIL = datetime(2026, 6, 1, tzinfo=UTC)
SEED = "tests"


def run(sizes: Sizes = SMALL, seed: str = SEED, **options: Any) -> Result:
    return generate(sizes, seed=seed, until=UNTIL, **options)


def generated_users() -> list[int]:
    return list(User.objects.filter(email__endswith="@" + USER_DOMAIN).values_list("pk", flat=True))


def delete_generated() -> None:
    Item.objects.all().delete()
    Pipeline.objects.all().delete()  # its stages hold on to their labels
    Column.objects.all().delete()  # a column keeps its label from being deleted with the board
    Board.objects.all().delete()
    HistoryEntry.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.all().delete()
    Tag.objects.all().delete()
    User.objects.filter(email__endswith="@" + USER_DOMAIN).delete()


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every generated row, with ids replaced by record numbers and user e-mails."""
    users = dict(User.objects.values_list("pk", "email"))
    orgs = {pk: n for n, pk in enumerate(Organization.objects.order_by("pk").values_list("pk", flat=True))}
    people = {pk: n for n, pk in enumerate(Person.objects.order_by("pk").values_list("pk", flat=True))}

    def owner(row: dict[str, Any]) -> tuple[str, int]:
        if row.get("person_id"):
            return ("person", people[row["person_id"]])
        return ("organization", orgs[row["organization_id"]])

    def rows(model: type[Any], *fields: str) -> list[tuple[Any, ...]]:
        result = []
        for row in model.objects.order_by("pk").values(*fields):
            if "owner_id" in row:
                row["owner_id"], row["created_by_id"] = users[row["owner_id"]], users[row["created_by_id"]]
            if "person_id" in row or "organization_id" in row:
                row["owner_of"] = owner(row)
                row.pop("person_id", None), row.pop("organization_id", None)
            result.append(tuple(row.values()))
        return result

    record = ("owner_id", "created_by_id", "notes", "archived_at", "version", "created_at", "updated_at")
    items = {pk: n for n, pk in enumerate(Item.objects.order_by("pk").values_list("pk", flat=True))}
    history = []
    for entry in HistoryEntry.objects.filter(target_type__in=["person", "organization", "item"]).order_by(
        "pk"
    ):
        numbers = {"person": people, "organization": orgs, "item": items}[entry.target_type]
        history.append(
            (users[entry.actor_id], entry.verb, entry.target_type, numbers[entry.target_id],
             entry.target_label, json.dumps(entry.changes, sort_keys=True), entry.at)
        )  # fmt: skip
    return {
        "organizations": rows(Organization, "name", "name_key", "website", "domain", "industry", *record),
        "people": rows(Person, "first_name", "last_name", "name_key", *record),
        "emails": rows(EmailAddress, "person_id", "organization_id", "email", "label", "is_primary"),
        "phones": rows(PhoneNumber, "person_id", "organization_id", "raw", "e164", "label", "is_primary"),
        "addresses": rows(
            Address, "person_id", "organization_id", "street", "city", "region", "postal_code", "country",
            "label", "is_primary",
        ),
        "memberships": [
            (people[m.person_id], orgs[m.organization_id], m.job_title, m.is_primary, m.created_at)
            for m in Membership.objects.order_by("pk")
        ],
        "tags": sorted(
            [("organization", orgs[o], name) for o, name in Organization.tags.through.objects.values_list(
                "organization_id", "tag__name")]
            + [("person", people[p], name) for p, name in Person.tags.through.objects.values_list(
                "person_id", "tag__name")]
        ),
        "history": history,
        "items": [
            (i.board.name, i.type, i.title, i.state, i.column.name if i.column else None, i.rank, i.priority,
             i.due_date, i.estimate, items.get(i.parent_id), users[i.created_by_id], i.created_at,
             tuple(sorted(label.name for label in i.labels.all())), tuple(sorted(users[u.pk] for u in i.assignees.all())),
             tuple(sorted(orgs[o.pk] for o in i.organizations.all())))
            for i in Item.objects.select_related("board", "column").prefetch_related("labels", "assignees",
                                                                                   "organizations").order_by("pk")
        ],
        "links": [(items[source], items[target], kind) for source, target, kind in
                  ItemLink.objects.order_by("pk").values_list("source_id", "target_id", "kind")],
    }  # fmt: skip


def as_multisets(snap: dict[str, list[tuple[Any, ...]]]) -> dict[str, Counter[tuple[Any, ...]]]:
    return {table: Counter(rows) for table, rows in snap.items()}
