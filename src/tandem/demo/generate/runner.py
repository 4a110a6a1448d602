"""Runs the generator: the generated users and tags first, then one stage per kind of record.

A stage counts the rows of its kind already generated, builds the missing ones in batches and writes
each batch (record, contact details, memberships, tags and its "created" history entry together) in
one transaction. An interrupted run therefore leaves only whole records, and the next run carries on
from there; running the same scale twice adds nothing. A later kind of record (deals, work items)
is one more `Stage`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Role
from tandem.activity.models import HistoryEntry
from tandem.contacts.models import Address, EmailAddress, Membership, Organization, Person, PhoneNumber, Tag
from tandem.core.progress import Progress, Stream
from tandem.demo.generate import data, rows, work
from tandem.demo.generate.rows import Blueprint, OrganizationDraft, PersonDraft
from tandem.demo.generate.scales import Sizes
from tandem.demo.generate.writer import Batch, BulkWriter
from tandem.sales.models import Deal, StageChange
from tandem.work.models import Item, ItemLink

USER_DOMAIN = "tandem-generated.example"
# The generated users "joined" this long before the generated time line ends; a later run reads
# the end back from them, so resumed rows get the same dates as the first ones.
USERS_JOINED_BEFORE = rows.RECORD_SPAN + timedelta(days=30)
# Records per transaction: big transactions write each hot index page once for many rows (on SQLite
# three times faster at scale L than 10,000), while the rows go in, and the bar moves, by the chunk.
BATCH_SIZE = 50_000
CHUNK_SIZE = 5_000
OrganizationTag = Organization.tags.through
PersonTag = Person.tags.through
ItemLabel = Item.labels.through
ItemAssignee = Item.assignees.through
ItemWatcher = Item.watchers.through
ItemOrganization = Item.organizations.through

# Columns written per table (after "id"), parents first.
FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Organization: ("name", "name_key", "search_text", "website", "domain", "industry", "notes", "owner", "created_by",
                   "archived_at", "version", "created_at", "updated_at", "merged_into"),
    Person: ("first_name", "last_name", "name_key", "search_text", "notes", "owner", "created_by",
             "archived_at", "version", "created_at", "updated_at", "merged_into"),
    EmailAddress: ("person", "organization", "email", "label", "is_primary"),
    PhoneNumber: ("person", "organization", "raw", "e164", "label", "is_primary"),
    Address: ("person", "organization", "street", "city", "region", "postal_code", "country", "label",
              "is_primary"),
    Membership: ("person", "organization", "job_title", "is_primary", "created_at"),
    OrganizationTag: ("organization", "tag"),
    PersonTag: ("person", "tag"),
    HistoryEntry: ("actor", "verb", "target_type", "target_id", "target_label", "changes", "at"),
    Item: ("board", "type", "title", "description", "state", "column", "rank", "priority", "start_date", "due_date",
           "estimate", "parent", "created_by", "created_at", "updated_at", "closed_at", "closed_by", "version",
           "search_text"),
    ItemLabel: ("item", "label"),
    ItemAssignee: ("item", "user"),
    ItemWatcher: ("item", "user"),
    ItemOrganization: ("item", "organization"),
    ItemLink: ("source", "target", "kind", "created_by", "created_at"),
    Deal: ("pipeline", "stage", "stage_entered_at", "value", "currency", "expected_close", "probability", "source",
           "owner", "organization", "next_step", "next_step_due", "won_at", "won_after", "lost_at", "lost_reason",
           "checklist_done", "is_open"),
    StageChange: ("deal", "from_stage", "to_stage", "by", "at"),
}  # fmt: skip


class GenerationError(Exception):
    pass


def user_email(number: int) -> str:
    return f"gen-user-{number + 1:02d}@{USER_DOMAIN}"


@dataclass
class Run:
    blueprint: Blueprint
    writer: BulkWriter
    users: list[int]  # user ids by generated user number
    tags: list[int]  # tag ids by number into data.TAGS
    stream: Stream | None
    batch_size: int = BATCH_SIZE
    next_ids: dict[type[models.Model], int] = field(default_factory=dict)
    _numbered: dict[type[models.Model], list[int]] = field(default_factory=dict)
    _boards: work.BoardIds | None = None

    @property
    def boards(self) -> work.BoardIds:
        if self._boards is None:
            self._boards = work.boards(self.users)
        return self._boards

    def numbered(self, model: type[Organization] | type[Person] | type[Item]) -> list[int]:
        """Ids of the generated records of `model`, by record number."""
        if model not in self._numbered:
            query: models.QuerySet[Any] = model._default_manager.filter(created_by_id__in=self.users)
            if model is Item:
                query = query.filter(board_id__in=self.boards.boards)
            query = query.order_by("pk")
            self._numbered[model] = list(query.values_list("pk", flat=True))
        return self._numbered[model]


@dataclass(frozen=True)
class Stage:
    label: str
    wanted: Callable[[Sizes], int]
    present: Callable[[Run], int]
    add: Callable[[Run, Batch, int], None]


@dataclass
class Result:
    inserted: dict[str, int]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.inserted.values())


def generate(
    sizes: Sizes,
    *,
    seed: str,
    until: datetime | None = None,
    stream: Stream | None = None,
    batch_size: int = BATCH_SIZE,
) -> Result:
    """Add whatever generated rows `sizes` asks for and the database does not have yet.
    `until` (a UTC datetime) ends the generated time line on a first run; later runs keep the first one."""
    _check(sizes)
    started = time.monotonic()
    writer = BulkWriter()
    with transaction.atomic():
        users, until, new_users = _users(until or _today())
        tags = _tags()
    run = Run(Blueprint(seed, sizes, until), writer, users, tags, stream, batch_size)
    if sizes.items:
        # Through the services, before any bulk insert: on PostgreSQL the id sequences only move
        # past the bulk-written ids when a run finishes, so a service write after them (or after
        # an interrupted run) would collide with them.
        writer.reset_sequences(list(FIELDS))
        with transaction.atomic():
            run.boards  # noqa: B018 - made and remembered here
    with writer.tuned():
        for stage in STAGES:
            _run_stage(run, stage)
    touched = [model for model in FIELDS if writer.inserted[model]]
    if touched:
        writer.finish(touched)
    inserted: dict[str, int] = {}
    for model in touched:
        name = str(model._meta.verbose_name_plural)
        inserted[model._meta.db_table if name in inserted else name] = writer.inserted[model]
    if new_users:
        inserted[str(User._meta.verbose_name_plural)] = new_users
    return Result(inserted, time.monotonic() - started)


def _check(sizes: Sizes) -> None:
    if min(sizes.organizations, sizes.people, sizes.history, sizes.items) < 0:
        raise GenerationError(_("Counts cannot be negative."))
    if sizes.people and not sizes.organizations:
        raise GenerationError(_("People need at least one organization to work for."))
    if sizes.updates < 0:
        raise GenerationError(
            _("History needs at least one row per organization and person (%(count)s here).")
            % {"count": sizes.organizations + sizes.people}
        )


def _today() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _users(until: datetime) -> tuple[list[int], datetime, int]:
    emails = [user_email(number) for number in range(len(data.USER_NAMES))]
    existing = {user.email: user for user in User.objects.filter(email__in=emails)}
    if emails[0] in existing:
        until = existing[emails[0]].date_joined.astimezone(UTC) + USERS_JOINED_BEFORE
    joined = until - USERS_JOINED_BEFORE
    ids: list[int] = []
    for email, name in zip(emails, data.USER_NAMES, strict=True):
        # the first one shapes the generated boards, which takes a manager
        role = Role.MANAGER if not ids else Role.MEMBER
        user = existing.get(email) or User.objects.create_user(
            email, None, full_name=name, role=role, date_joined=joined
        )
        if user.role != role:
            User.objects.filter(pk=user.pk).update(role=role)
        ids.append(user.pk)
    return ids, until, len(emails) - len(existing)


def _tags() -> list[int]:
    # as the contacts services find or create a tag: by name, ignoring case
    return [
        (Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)).pk
        for name in data.TAGS
    ]


def _run_stage(run: Run, stage: Stage) -> None:
    present, wanted = stage.present(run), stage.wanted(run.blueprint.sizes)
    if present >= wanted:
        return
    with Progress(stage.label, wanted - present, stream=run.stream) as bar:
        for start in range(present, wanted, run.batch_size):
            stop = min(wanted, start + run.batch_size)
            with transaction.atomic():
                for model in FIELDS:
                    run.next_ids[model] = run.writer.next_id(model)
                for chunk in range(start, stop, CHUNK_SIZE):
                    batch = Batch(run.next_ids)
                    for number in range(chunk, min(stop, chunk + CHUNK_SIZE)):
                        stage.add(run, batch, number)
                    batch.write(run.writer, FIELDS)
                    bar.advance(min(stop, chunk + CHUNK_SIZE) - chunk)


# --- Stages -----------------------------------------------------------------------------------


def _present_records(model: type[Organization] | type[Person]) -> Callable[[Run], int]:
    def present(run: Run) -> int:
        numbered = run.numbered(model)
        if numbered:
            _check_same_blueprint(run, model, numbered)
        return len(numbered)

    return present


def _check_same_blueprint(run: Run, model: type[Organization] | type[Person], numbered: list[int]) -> None:
    """The rows already there must be the ones this seed and these proportions give, or resuming
    would mix two data sets."""
    for number in sorted({0, len(numbered) - 1}):
        if model is Organization:
            expected = run.blueprint.organization_core(number).name
            found = Organization.objects.filter(pk=numbered[number]).values_list("name", flat=True).first()
        else:
            expected = run.blueprint.person_core(number).full_name
            person = Person.objects.filter(pk=numbered[number]).first()
            found = person.full_name if person else None
        if found != expected:
            raise GenerationError(
                _(
                    "The generated data in this database was made with another seed, or with counts in "
                    "other proportions; generate with the same ones (the named scales share theirs)."
                )
            )


def _add_details(
    batch: Batch, draft: OrganizationDraft | PersonDraft, person: int | None, organization: int | None
) -> None:
    # the first of each kind is the primary one, as the services decide when none is marked
    for index, (email, label) in enumerate(draft.emails):
        batch.add(EmailAddress, person, organization, email, label, index == 0)
    for index, (display, e164, label) in enumerate(draft.phones):
        batch.add(PhoneNumber, person, organization, display, e164, label, index == 0)
    for index, (*place, label) in enumerate(draft.addresses):
        batch.add(Address, person, organization, *place, label, index == 0)


def _created_entry(
    run: Run, batch: Batch, draft: OrganizationDraft | PersonDraft, pk: int, label: str
) -> None:
    target_type = "organization" if isinstance(draft, OrganizationDraft) else "person"
    at = run.writer.stamp(draft.created_at)
    batch.add(HistoryEntry, run.users[draft.created_by], "created", target_type, pk, label[:300], "{}", at)


def _add_organization(run: Run, batch: Batch, number: int) -> None:
    draft = rows.organization(run.blueprint, number)
    created = run.writer.stamp(draft.created_at)
    pk = batch.add(
        Organization, draft.name, draft.name_key, draft.search_text, draft.website, draft.domain,
        draft.industry, draft.notes, run.users[draft.owner], run.users[draft.created_by], None, 1, created,
        created, None,
    )  # fmt: skip
    run.numbered(Organization).append(pk)
    _add_details(batch, draft, person=None, organization=pk)
    for tag in draft.tags:
        batch.add(OrganizationTag, pk, run.tags[tag])
    _created_entry(run, batch, draft, pk, draft.name)


def _add_person(run: Run, batch: Batch, number: int) -> None:
    draft = rows.person(run.blueprint, number)
    created = run.writer.stamp(draft.created_at)
    pk = batch.add(
        Person, draft.first_name, draft.last_name, draft.name_key, draft.search_text, draft.notes, run.users[draft.owner],
        run.users[draft.created_by], None, 1, created, created, None,
    )  # fmt: skip
    run.numbered(Person).append(pk)
    _add_details(batch, draft, person=pk, organization=None)
    organizations = run.numbered(Organization)
    for index, (organization, job_title) in enumerate(draft.memberships):
        batch.add(Membership, pk, organizations[organization], job_title, index == 0, created)
    for tag in draft.tags:
        batch.add(PersonTag, pk, run.tags[tag])
    _created_entry(run, batch, draft, pk, f"{draft.first_name} {draft.last_name}".strip())


def _present_updates(run: Run) -> int:
    return HistoryEntry.objects.filter(verb="updated", actor_id__in=run.users).count()


def _add_update(run: Run, batch: Batch, number: int) -> None:
    draft = rows.update(run.blueprint, number)
    targets = run.numbered(Person if draft.target_type == "person" else Organization)
    batch.add(
        HistoryEntry, run.users[draft.actor], "updated", draft.target_type, targets[draft.target],
        draft.target_label, run.writer.json(draft.changes), run.writer.stamp(draft.at),
    )  # fmt: skip


def _present_items(run: Run) -> int:
    return len(run.numbered(Item))


def _add_item(run: Run, batch: Batch, number: int) -> None:
    draft = work.item(run.blueprint, number)
    ids = run.boards
    created = run.writer.stamp(draft.created_at)
    # a deal closes when it is decided (its last stage entry); other items when they are made
    closed_at = (
        run.writer.stamp(draft.deal_path[-1][1])
        if draft.closed and draft.deal_path
        else created
        if draft.closed
        else None
    )
    items = run.numbered(Item)
    pk = batch.add(
        Item, ids.boards[draft.board], work.BOARDS[draft.board].type, draft.title, "", work.state_of(draft),
        work.column_of(ids, draft), work.rank_key(number), draft.priority, None,
        run.writer.day(draft.due_date), draft.estimate, items[draft.parent] if draft.parent is not None else None,
        run.users[draft.created_by], created, created, closed_at,
        run.users[draft.assignees[0]] if draft.closed else None, 1, work.search_text(draft),
    )  # fmt: skip
    items.append(pk)
    if draft.stage is not None:
        batch.add(ItemLabel, pk, ids.stage_labels[draft.board][draft.stage])
    for tag in draft.tags:
        batch.add(ItemLabel, pk, ids.tag_labels[draft.board][tag])
    for user in draft.assignees:
        batch.add(ItemAssignee, pk, run.users[user])
    for user in dict.fromkeys([draft.created_by, *draft.assignees]):
        batch.add(ItemWatcher, pk, run.users[user])
    if draft.organization is not None:
        batch.add(ItemOrganization, pk, run.numbered(Organization)[draft.organization])
    if draft.blocks is not None:
        batch.add(ItemLink, pk, items[draft.blocks], "blocks", run.users[draft.created_by], created)
    label = f"#{pk} {draft.title}"[:300]
    batch.add(HistoryEntry, run.users[draft.created_by], "created", "item", pk, label, "{}", created)
    if draft.board == work.SALES and ids.pipeline is not None and draft.stage is not None:
        _add_deal(run, batch, draft, pk, created)


def _add_deal(run: Run, batch: Batch, draft: work.ItemDraft, pk: int, created: object) -> None:
    """The deal record beside a sales item (its stage, value, currency, expected close, when it
    was won or lost) and its stage history."""
    ids = run.boards
    assert draft.stage is not None and ids.pipeline is not None
    stage_name = work.BOARDS[work.SALES].stages[draft.stage]
    organization = run.numbered(Organization)[draft.organization] if draft.organization is not None else None
    path = draft.deal_path or [(draft.stage, draft.created_at)]
    entered = path[-1][1]
    stamp = run.writer.stamp(entered)
    batch.add_with_pk(
        Deal, pk, ids.pipeline, ids.stage_ids[draft.stage], stamp, draft.deal_value, draft.deal_currency,
        run.writer.day(draft.deal_close), None, "", run.users[draft.assignees[0]], organization, "", None,
        stamp if stage_name == "won" else None,
        run.writer.duration(entered - draft.created_at) if stage_name == "won" else None,
        stamp if stage_name == "lost" else None, "Budget" if stage_name == "lost" else "", "{}", not draft.closed,
    )  # fmt: skip
    previous = None
    for index, at in path:
        stage = ids.stage_ids[index]
        batch.add(StageChange, pk, previous, stage, run.users[draft.assignees[0]], run.writer.stamp(at))
        previous = stage


STAGES: Sequence[Stage] = (
    Stage(
        "organizations", lambda sizes: sizes.organizations, _present_records(Organization), _add_organization
    ),
    Stage("people", lambda sizes: sizes.people, _present_records(Person), _add_person),
    Stage("history edits", lambda sizes: sizes.updates, _present_updates, _add_update),
    Stage("work items", lambda sizes: sizes.items, _present_items, _add_item),
)
