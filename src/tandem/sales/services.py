"""Every write of the sales pipeline: pipelines and their stages, deals, their documents, winning
and losing. A deal's stage is its card's column on the pipeline's board, so a stage change goes
through tandem.work.services.move_item — by drag, form or API alike — and the sales rules
(tandem.sales.rules) check the stage's requirements and record the change there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.contacts import services as contacts
from tandem.contacts.models import Organization, Person
from tandem.core.errors import Conflict, InvalidInput
from tandem.core.files import atomic_with_files, save_file
from tandem.finance.models import Invoice
from tandem.sales.models import (
    STAGE_SCOPE,
    ActivityKind,
    Deal,
    DealActivity,
    DealContact,
    DealDocument,
    DocumentKind,
    Lead,
    LeadStatus,
    Pipeline,
    RequiredField,
    Stage,
    StageKind,
)
from tandem.work import services as work
from tandem.work.models import Board, ColumnKind, Item, ItemType
from tandem.work.queries import board_visibility

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
INVOICE_DUE_DAYS = 14


def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidInput(_("Enter an amount such as 1200.50."), field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise InvalidInput(_("Enter an amount from 0 up."), field=field)
    return amount


def _percent(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidInput(_("Enter a percentage from 0 to 100."), field=field) from None
    if not number.is_finite() or not (0 <= number <= 100):
        raise InvalidInput(_("Enter a percentage from 0 to 100."), field=field)
    return number


def _currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise InvalidInput(_("A currency is a three-letter code such as EUR or USD."), field="currency")
    return code


# --- Pipelines and stages -------------------------------------------------------------------


def _stage_values(spec: Mapping[str, Any]) -> dict[str, Any]:
    required = [str(f) for f in spec.get("required_fields") or []]
    if any(f not in RequiredField.values for f in required):
        raise InvalidInput(
            _("Choose what a stage requires from the offered fields."), field="required_fields"
        )
    checklist = [
        " ".join(str(step).split())[:200] for step in spec.get("checklist") or [] if str(step).strip()
    ]
    document = str(spec.get("required_document") or "")
    if document and document not in DocumentKind.values:
        raise InvalidInput(_("Choose one of the offered document kinds."), field="required_document")
    stale = spec.get("stale_after_days")
    if stale is not None and (not isinstance(stale, int) or stale < 1):
        raise InvalidInput(_("Enter a number of days above zero."), field="stale_after_days")
    return {
        "probability": _percent(spec.get("probability", 0), "probability") or Decimal(0),
        "required_fields": list(dict.fromkeys(required)),
        "checklist": checklist,
        "required_document": document,
        "stale_after_days": stale,
    }


def create_pipeline(
    *,
    by: User,
    name: str,
    stages: Sequence[Mapping[str, Any]],
    currency: str = "EUR",
    finance_board: Board | None = None,
) -> Pipeline:
    """A pipeline and its board: a column per stage in order (label `stage::<name>`), then Won and
    Lost (added when the stages do not name them), then Closed. Each stage spec: `name`, and
    optionally `kind` (open, won, lost), `probability`, `required_fields`, `checklist`,
    `required_document`, `stale_after_days`."""
    require(by, Permission.MANAGE_BOARDS)
    specs = [dict(spec) for spec in stages]
    if not any(s.get("kind") == StageKind.WON for s in specs):
        specs.append({"name": _("Won"), "kind": StageKind.WON, "probability": 100})
    if not any(s.get("kind") == StageKind.LOST for s in specs):
        specs.append({"name": _("Lost"), "kind": StageKind.LOST, "probability": 0})
    names = [" ".join(str(s.get("name") or "").split()) for s in specs]
    if not all(names) or len({n.lower() for n in names}) != len(names):
        raise InvalidInput(_("Every stage needs a name of its own."), field="stages")
    if any(len(n) > 50 or "::" in n for n in names):
        raise InvalidInput(_("A stage name has at most 50 characters and no “::”."), field="stages")
    with transaction.atomic():
        board = work.create_board(by=by, data={"name": name, "default_type": ItemType.DEAL})
        pipeline = Pipeline.objects.create(
            name=board.name, board=board, currency=_currency(currency), finance_board=finance_board
        )
        for position, (stage_name, spec) in enumerate(zip(names, specs, strict=True)):
            label = work.create_label(by=by, board=board, data={"name": f"{STAGE_SCOPE}::{stage_name}"})
            work.add_column(board, by=by, spec={"kind": ColumnKind.LABEL, "label": label, "name": stage_name})
            kind = spec.get("kind") or StageKind.OPEN
            if kind not in StageKind.values:
                raise InvalidInput(_("A stage is in progress, won or lost."), field="stages")
            Stage.objects.create(
                pipeline=pipeline,
                name=stage_name,
                kind=kind,
                position=position,
                label=label,
                **_stage_values(spec),
            )
        record(actor=by, verb="created", target=pipeline, target_type="pipeline")
    return pipeline


def _stage_name(pipeline: Pipeline, value: Any, *, other_than: Stage | None = None) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise InvalidInput(_("A stage needs a name."), field="name")
    if len(name) > 50 or "::" in name:
        raise InvalidInput(_("A stage name has at most 50 characters and no “::”."), field="name")
    same = pipeline.stages.filter(name__iexact=name)
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    if same.exists():
        raise InvalidInput(_("This pipeline already has a stage of that name."), field="name")
    return name


_STAGE_FIELDS = ("probability", "required_fields", "checklist", "required_document", "stale_after_days")


def update_pipeline(pipeline: Pipeline, *, by: User, data: Mapping[str, Any]) -> Pipeline:
    """Rename the pipeline (and its board), change its currency for new deals or its finance board."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        current = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
        changes: dict[str, Any] = {}
        if "name" in data:
            board = work.update_board(current.board, by=by, version=None, data={"name": data["name"]})
            if board.name != current.name:
                changes["name"] = [current.name, board.name]
                current.name = board.name
        if "currency" in data and _currency(data["currency"]) != current.currency:
            changes["currency"] = [current.currency, _currency(data["currency"])]
            current.currency = changes["currency"][1]
        if "finance_board" in data and data["finance_board"] != current.finance_board:
            finance_board = data["finance_board"]
            if finance_board is not None and (
                not isinstance(finance_board, Board) or finance_board.archived_at
            ):
                raise InvalidInput(_("Choose a finance board that is in use."), field="finance_board")
            changes["finance_board"] = [str(current.finance_board or ""), str(finance_board or "")]
            current.finance_board = finance_board
        if changes:
            current.save()
            record(actor=by, verb="updated", target=current, target_type="pipeline", changes=changes)
    return current


def update_stage(stage: Stage, *, by: User, data: Mapping[str, Any]) -> Stage:
    """Change a stage's name, probability, requirements, checklist or stale limit. Renaming goes
    through its label and column too, so the board and the stage keep one name."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        stage = Stage.objects.select_for_update().select_related("pipeline__board", "label").get(pk=stage.pk)
        values = _stage_values({**{f: getattr(stage, f) for f in _STAGE_FIELDS}, **data})
        changes = {
            f: [_plain(getattr(stage, f)), _plain(v)] for f, v in values.items() if getattr(stage, f) != v
        }
        for field, value in values.items():
            setattr(stage, field, value)
        if "name" in data:
            name = _stage_name(stage.pipeline, data["name"], other_than=stage)
            if name != stage.name:
                work.update_label(stage.label, by=by, data={"name": f"{STAGE_SCOPE}::{name}"})
                column = stage.pipeline.board.columns.filter(label=stage.label).first()
                if column is not None:
                    work.update_column(column, by=by, data={"name": name})
                changes["name"] = [stage.name, name]
                stage.name = name
        stage.save()
        if changes:
            record(actor=by, verb="updated stage", target=stage.pipeline, target_type="pipeline",
                   changes={"stage": stage.name, **changes})  # fmt: skip
    return stage


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _open_stages(pipeline: Pipeline) -> list[Stage]:
    return list(pipeline.stages.filter(kind=StageKind.OPEN).order_by("position", "id"))


def _renumber(pipeline: Pipeline, open_stages: Sequence[Stage], *, by: User) -> None:
    """Positions: the open stages in the given order, then Won and Lost. The board's stage columns
    take the same order in the places stage columns hold; other columns (Open, Closed) stay put."""
    ordered = [*open_stages, *pipeline.stages.exclude(kind=StageKind.OPEN).order_by("position", "id")]
    for position, stage in enumerate(ordered):
        if stage.position != position:
            Stage.objects.filter(pk=stage.pk).update(position=position)
            stage.position = position
    columns = list(pipeline.board.columns.order_by("position", "id"))
    of_stage = {column.label_id: column for column in columns if column.label_id is not None}
    slots = [i for i, column in enumerate(columns) if column.label_id in {s.label_id for s in ordered}]
    wanted = list(columns)
    for slot, stage in zip(slots, [s for s in ordered if s.label_id in of_stage], strict=True):
        wanted[slot] = of_stage[stage.label_id]
    if wanted != columns:
        for position, column in enumerate(wanted):
            work.update_column(column, by=by, data={"position": position})


def add_stage(pipeline: Pipeline, *, by: User, spec: Mapping[str, Any], position: int | None = None) -> Stage:
    """A new in-progress stage (a label and a column on the pipeline's board) at `position` among
    the in-progress stages (0 = first; default: last, before Won and Lost)."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        Pipeline.objects.select_for_update().filter(pk=pipeline.pk).first()
        name = _stage_name(pipeline, spec.get("name"))
        values = _stage_values(spec)
        board = pipeline.board
        label = work.create_label(by=by, board=board, data={"name": f"{STAGE_SCOPE}::{name}"})
        work.add_column(board, by=by, spec={"kind": ColumnKind.LABEL, "label": label, "name": name})
        stage = Stage.objects.create(pipeline=pipeline, name=name, kind=StageKind.OPEN, label=label, **values)
        stages = [s for s in _open_stages(pipeline) if s.pk != stage.pk]
        stages.insert(len(stages) if position is None else max(0, min(position, len(stages))), stage)
        _renumber(pipeline, stages, by=by)
        record(actor=by, verb="added stage", target=pipeline, target_type="pipeline", changes={"stage": name})
    return Stage.objects.get(pk=stage.pk)


def move_stage(stage: Stage, *, by: User, position: int) -> Stage:
    """Reorder an in-progress stage among the others (0 = first); Won and Lost stay last."""
    require(by, Permission.MANAGE_BOARDS)
    if stage.kind != StageKind.OPEN:
        raise InvalidInput(_("Won and Lost stay at the end of the pipeline."), field="position")
    with transaction.atomic():
        Pipeline.objects.select_for_update().filter(pk=stage.pipeline_id).first()
        stages = [s for s in _open_stages(stage.pipeline) if s.pk != stage.pk]
        stages.insert(max(0, min(position, len(stages))), stage)
        _renumber(stage.pipeline, stages, by=by)
        record(actor=by, verb="moved stage", target=stage.pipeline, target_type="pipeline",
               changes={"stage": stage.name, "position": stages.index(stage)})  # fmt: skip
    return Stage.objects.get(pk=stage.pk)


def remove_stage(stage: Stage, *, by: User) -> None:
    """Remove an in-progress stage with no deals in it (its column and label go too); the stage
    history of deals that passed through it keeps their other stages."""
    require(by, Permission.MANAGE_BOARDS)
    if stage.kind != StageKind.OPEN:
        raise Conflict(_("A pipeline keeps its Won and Lost stages."))
    with transaction.atomic():
        pipeline = stage.pipeline
        Pipeline.objects.select_for_update().filter(pk=pipeline.pk).first()
        in_it = stage.deals.count()
        if in_it:
            raise Conflict(
                _("%(count)s deals are in “%(stage)s”: move them to another stage first.")
                % {"count": in_it, "stage": stage.name}
            )
        if len(_open_stages(pipeline)) == 1:
            raise Conflict(_("A pipeline needs at least one stage in progress."))
        label, name = stage.label, stage.name
        for column in pipeline.board.columns.filter(label=label):
            work.delete_column(column, by=by)
        stage.delete()
        work.delete_label(label, by=by)
        _renumber(pipeline, _open_stages(pipeline), by=by)
        record(
            actor=by, verb="removed stage", target=pipeline, target_type="pipeline", changes={"stage": name}
        )


# --- Deals ----------------------------------------------------------------------------------


def _deal_values(deal: Deal, data: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    cleaners: dict[str, Any] = {
        "value": lambda v: _money(v, "value"),
        "currency": _currency,
        "probability": lambda v: _percent(v, "probability"),
        "expected_close": lambda v: _date(v, "expected_close"),
        "next_step_due": lambda v: _date(v, "next_step_due"),
        "next_step": lambda v: " ".join(str(v or "").split())[:200],
        "source": lambda v: str(v or "").strip()[:100],
        "owner": lambda v: _active_user(v),
        "organization": lambda v: _organization(v),
    }
    for field, clean in cleaners.items():
        if field in data:
            value = clean(data[field])
            if getattr(deal, field) != value:
                changes[field] = [_text(getattr(deal, field)), _text(value)]
                setattr(deal, field, value)
    return changes


def _text(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int) else str(value)


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise InvalidInput(_("Enter a date."), field=field)
    return value


def _active_user(value: Any) -> User | None:
    if value is not None and (not isinstance(value, User) or not value.is_active):
        raise InvalidInput(_("Choose an active user."), field="owner")
    return value


def _organization(value: Any) -> Organization | None:
    if value is not None and (not isinstance(value, Organization) or value.merged_into_id):
        raise InvalidInput(_("Choose an existing organization."), field="organization")
    return value


def first_stage(pipeline: Pipeline) -> Stage:
    stage = pipeline.stages.filter(kind=StageKind.OPEN).order_by("position", "id").first()
    if stage is None:
        raise Conflict(_("This pipeline has no stage a deal can start in."))
    return stage


def create_deal(
    *,
    by: User,
    pipeline: Pipeline,
    title: str,
    data: Mapping[str, Any] | None = None,
    stage: Stage | None = None,
    contacts: Sequence[tuple[Person, str]] = (),
) -> Deal:
    """A deal: a work item of type deal on the pipeline's board with its sales record, entering
    `stage` (default: the first) — whose requirements it must meet like any later move."""
    require(by, Permission.EDIT_WORK)
    data = dict(data or {})
    with transaction.atomic():
        organization = _organization(data.get("organization"))
        item = work.create_item(
            by=by,
            board=pipeline.board,
            data={"title": title, "type": ItemType.DEAL, "organizations": [organization] if organization else [],
                  "people": [person for person, _role in contacts],
                  "assignees": [data["owner"]] if data.get("owner") else []},
        )  # fmt: skip
        deal = Deal(item=item, pipeline=pipeline, currency=pipeline.currency, owner=by)
        _deal_values(deal, data)
        deal.save()
        for person, role in contacts:
            DealContact.objects.update_or_create(deal=deal, person=person, defaults={"role": role[:100]})
        target = stage or first_stage(pipeline)
        if target.pipeline_id != pipeline.pk:
            raise InvalidInput(_("That stage belongs to another pipeline."), field="stage")
        enter_stage(deal, target, by=by)
    return Deal.objects.get(pk=deal.pk)


def update_deal(deal: Deal, *, by: User, data: Mapping[str, Any]) -> Deal:
    """Change the deal's fields. A new organization or owner shows on the deal's item too: the
    organization is linked (in place of the old one), the owner assigned — so the customer's page
    and the owner's work list find the deal."""
    require(by, Permission.EDIT_WORK)
    with transaction.atomic():
        current = Deal.objects.select_for_update().get(pk=deal.pk)
        old_organization, old_owner = current.organization, current.owner
        changes = _deal_values(current, data)
        if changes:
            current.save()
            record(actor=by, verb="updated", target=current.item, target_type="item", changes=changes)
        item = current.item
        relations: dict[str, Any] = {}
        if "organization" in changes:
            linked = [o for o in item.organizations.all() if o != old_organization]
            relations["organizations"] = [*linked, current.organization] if current.organization else linked
        if "owner" in changes:
            assigned = [u for u in item.assignees.all() if u != old_owner]
            relations["assignees"] = [*assigned, current.owner] if current.owner else assigned
        if relations:
            work.update_item(item, by=by, version=None, data=relations)
    return current


def add_contact(deal: Deal, person: Person, *, by: User, role: str = "") -> DealContact:
    """A person on the deal with their role (decision maker, champion, ...): linked to the deal's
    item too, so the deal shows on their customer page. Adding them again changes the role."""
    require(by, Permission.EDIT_WORK)
    if not isinstance(person, Person) or person.merged_into_id:
        raise InvalidInput(_("Choose an existing person."), field="person")
    role = " ".join(str(role or "").split())
    if len(role) > 100:
        raise InvalidInput(_("A role has at most 100 characters."), field="role")
    with transaction.atomic():
        Deal.objects.select_for_update().filter(pk=deal.pk).first()
        contact, created = DealContact.objects.get_or_create(
            deal=deal, person=person, defaults={"role": role}
        )
        if not created and contact.role != role:
            record(actor=by, verb="updated", target=deal.item, target_type="item",
                   changes={"contact role": [f"{person}: {contact.role}", f"{person}: {role}"]})  # fmt: skip
            contact.role = role
            contact.save(update_fields=["role"])
        if created:
            item = deal.item
            if not item.people.filter(pk=person.pk).exists():
                work.update_item(item, by=by, version=None, data={"people": [*item.people.all(), person]})
            record(actor=by, verb="added contact", target=item, target_type="item",
                   changes={"person": str(person), "role": role})  # fmt: skip
    return contact


def remove_contact(deal: Deal, person: Person, *, by: User) -> None:
    """Take a person off the deal (and off its item's people)."""
    require(by, Permission.EDIT_WORK)
    with transaction.atomic():
        removed, _kinds = DealContact.objects.filter(deal=deal, person=person).delete()
        if not removed:
            raise InvalidInput(_("That person is not on the deal."), field="person")
        item = deal.item
        work.update_item(
            item, by=by, version=None, data={"people": [p for p in item.people.all() if p != person]}
        )
        record(
            actor=by, verb="removed contact", target=item, target_type="item", changes={"person": str(person)}
        )


def stage_column(stage: Stage) -> Any:
    column = stage.pipeline.board.columns.filter(label=stage.label).first()
    if column is None:
        raise Conflict(_("The stage “%(stage)s” has no column on its board.") % {"stage": stage.name})
    return column


def enter_stage(deal: Deal, stage: Stage, *, by: User) -> Item:
    """Move the deal into a stage: the same move as dragging its card to the stage's column."""
    if stage.pipeline_id != deal.pipeline_id:
        raise InvalidInput(_("That stage belongs to another pipeline."), field="stage")
    return work.move_item(deal.item, by=by, column=stage_column(stage))


def tick_step(deal: Deal, stage: Stage, step: str, *, by: User, done: bool = True) -> Deal:
    """Tick (or untick) a step of the checklist a stage requires before a deal enters it."""
    require(by, Permission.EDIT_WORK)
    if step not in stage.checklist:
        raise InvalidInput(_("That step is not on the stage's checklist."), field="step")
    with transaction.atomic():
        current = Deal.objects.select_for_update().get(pk=deal.pk)
        ticked = set(current.checklist_done.get(str(stage.pk), []))
        ticked = ticked | {step} if done else ticked - {step}
        current.checklist_done = {**current.checklist_done, str(stage.pk): sorted(ticked)}
        current.save(update_fields=["checklist_done"])
        record(actor=by, verb="ticked step" if done else "unticked step", target=current.item, target_type="item",
               changes={"stage": stage.name, "step": step})  # fmt: skip
    return current


def attach_document(
    deal: Deal,
    *,
    by: User,
    kind: str,
    file: UploadedFile | None = None,
    url: str = "",
    name: str = "",
) -> DealDocument:
    """A file or a link on the deal, e.g. the signed contract that winning requires."""
    require(by, Permission.EDIT_WORK)
    if kind not in DocumentKind.values:
        raise InvalidInput(_("Choose one of the offered document kinds."), field="kind")
    url = str(url or "").strip()
    if (file is None) == (not url):
        raise InvalidInput(_("Upload a file or give a link (one of them)."), field="file")
    if url and not url.lower().startswith(("https://", "http://")):
        raise InvalidInput(_("A link starts with https:// or http://."), field="url")
    if file is not None and (file.size or 0) > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("A file may be at most 25 MB."), field="file")
    if file is not None and not file.size:
        raise InvalidInput(_("The file is empty."), field="file")
    label = " ".join(str(name or (file.name if file else url)).split())[:200] or DocumentKind(kind).label
    with atomic_with_files():
        document = DealDocument(deal=deal, kind=kind, url=url, name=str(label), uploaded_by=by)
        if file is not None:
            save_file(document.file, file.name or "document", file)
        document.save()
        record(actor=by, verb="attached", target=deal.item, target_type="item",
               changes={"document": document.name, "kind": kind})  # fmt: skip
    return document


def win(deal: Deal, *, by: User) -> Deal:
    """Move the deal to Won. Refused without a signed contract on it; opens the finance ticket."""
    stage = deal.pipeline.stages.filter(kind=StageKind.WON).first()
    if stage is None:
        raise Conflict(_("This pipeline has no Won stage."))
    enter_stage(deal, stage, by=by)
    return Deal.objects.get(pk=deal.pk)


def lose(deal: Deal, *, by: User, reason: str) -> Deal:
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise InvalidInput(_("Say why the deal was lost."), field="reason")
    stage = deal.pipeline.stages.filter(kind=StageKind.LOST).first()
    if stage is None:
        raise Conflict(_("This pipeline has no Lost stage."))
    with transaction.atomic():
        Deal.objects.filter(pk=deal.pk).update(lost_reason=reason[:300])
        enter_stage(deal, stage, by=by)
    return Deal.objects.get(pk=deal.pk)


def open_finance_ticket(deal: Deal, *, by: User | None) -> Item:
    """The won deal's finance ticket on the finance board, blocking the deal until it is closed."""
    board = (
        deal.pipeline.finance_board
        or Board.objects.filter(default_type=ItemType.FINANCE, archived_at__isnull=True)
        .order_by("id")
        .first()
    )
    if board is None:
        raise Conflict(
            _("Winning needs a finance board for the invoice: choose one in the pipeline's settings.")
        )
    existing = Invoice.objects.filter(deal=deal).select_related("item").first()
    if existing is not None:
        return existing.item
    actor = by or deal.owner
    if actor is None:
        raise Conflict(_("Nobody to open the finance ticket as."))
    amount = f"{deal.value} {deal.currency}" if deal.value is not None else _("amount to be agreed")
    # Tandem's own rule, on the seller's behalf: the finance board may be private to finance
    ticket = work.create_item(
        by=actor,
        check_access=False,
        board=board,
        data={
            "title": _("Invoice: %(deal)s") % {"deal": deal.item.title},
            "type": ItemType.FINANCE,
            "description": _("Won deal #%(id)s, %(amount)s. Close this ticket when the invoice is paid.")
            % {"id": deal.item_id, "amount": amount},
            "organizations": [deal.organization] if deal.organization else [],
            "due_date": timezone.localdate() + timedelta(days=INVOICE_DUE_DAYS),
        },
    )
    Invoice.objects.create(
        item=ticket,
        amount=deal.value,
        currency=deal.currency,
        customer=deal.organization,
        due_date=ticket.due_date,
        deal=deal,
    )
    work.link_items(ticket, deal.item, kind="blocks", by=actor, check_access=False)
    return ticket


# --- Leads ----------------------------------------------------------------------------------


def create_lead(*, by: User, data: Mapping[str, Any]) -> Lead:
    """An unqualified lead: a name, and what is known — company, e-mail, phone, source."""
    require(by, Permission.EDIT_WORK)
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        raise InvalidInput(_("A lead needs a name."), field="name")
    email = str(data.get("email") or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    with transaction.atomic():
        lead = Lead.objects.create(
            name=name[:200],
            company=" ".join(str(data.get("company") or "").split())[:200],
            email=email[:254],
            phone=str(data.get("phone") or "").strip()[:40],
            source=str(data.get("source") or "").strip()[:100],
            notes=str(data.get("notes") or "").strip(),
            owner=_active_user(data.get("owner", by)),
        )
        record(actor=by, verb="created", target=lead, target_type="lead")
    return lead


@dataclass
class LeadMatches:
    """Customers Tandem already has that the lead may be: offered before creating new ones."""

    organizations: list[Organization]
    people: list[Person]


def lead_matches(lead: Lead) -> LeadMatches:
    first, _sep, last = lead.name.rpartition(" ")
    people = contacts.find_duplicate_people(
        first_name=first or lead.name,
        last_name=last if first else "",
        emails=[lead.email] if lead.email else [],
    )
    organizations = contacts.find_duplicate_organizations(name=lead.company) if lead.company else []
    return LeadMatches(
        organizations=[d.record for d in organizations if isinstance(d.record, Organization)],
        people=[d.record for d in people if isinstance(d.record, Person)],
    )


def qualify_lead(
    lead: Lead,
    *,
    by: User,
    pipeline: Pipeline,
    organization: Organization | None = None,
    person: Person | None = None,
    create_new: bool = False,
) -> Deal:
    """Turn the lead into an opportunity in the pipeline's first stage, with its organization and
    person: the existing ones given, or new ones made from the lead. Making new ones when Tandem
    has look-alikes is refused (PossibleDuplicate lists them) unless `create_new` says so."""
    require(by, Permission.EDIT_WORK)
    with transaction.atomic():
        current = Lead.objects.select_for_update().get(pk=lead.pk)
        if current.status != LeadStatus.NEW:
            raise Conflict(_("This lead was qualified or disqualified already."))
        if organization is None and current.company:
            organization = contacts.create_organization(
                by=by, data={"name": current.company}, allow_duplicate=create_new
            )
        if person is None:
            first, _sep, last = current.name.rpartition(" ")
            person = contacts.create_person(
                by=by,
                data={
                    "first_name": first or current.name,
                    "last_name": last if first else "",
                    "emails": [{"email": current.email}] if current.email else [],
                    "phones": [{"number": current.phone}] if current.phone else [],
                    "memberships": [{"organization": organization}] if organization else [],
                },
                allow_duplicate=create_new,
            )
        deal = create_deal(
            by=by,
            pipeline=pipeline,
            title=current.company or current.name,
            data={"organization": organization, "source": current.source, "owner": current.owner or by},
            contacts=[(person, _("contact"))],
        )
        current.status = LeadStatus.QUALIFIED
        current.deal = deal
        current.save(update_fields=["status", "deal"])
        record(actor=by, verb="qualified", target=current, target_type="lead", changes={"deal": deal.pk})
    return deal


def disqualify_lead(lead: Lead, *, by: User) -> Lead:
    require(by, Permission.EDIT_WORK)
    with transaction.atomic():
        current = Lead.objects.select_for_update().get(pk=lead.pk)
        if current.status != LeadStatus.NEW:
            raise Conflict(_("This lead was qualified or disqualified already."))
        current.status = LeadStatus.DISQUALIFIED
        current.save(update_fields=["status"])
        record(actor=by, verb="disqualified", target=current, target_type="lead")
    return current


# --- Activities -----------------------------------------------------------------------------


def log_activity(deal: Deal, *, by: User, kind: str, summary: str, due: date | None = None) -> DealActivity:
    """Log a call, meeting, e-mail or note (done now), or schedule one with a due date."""
    require(by, Permission.EDIT_WORK)
    if kind not in ActivityKind.values:
        raise InvalidInput(_("Choose one of the offered kinds."), field="kind")
    text = " ".join(str(summary or "").split())
    if not text:
        raise InvalidInput(_("Say what happened or what is planned."), field="summary")
    with transaction.atomic():
        activity = DealActivity.objects.create(
            deal=deal, kind=kind, summary=text[:300], due=_date(due, "due"), by=by,
            done_at=None if due else timezone.now(),
        )  # fmt: skip
        record(actor=by, verb="logged" if due is None else "scheduled", target=deal.item, target_type="item",
               changes={"activity": str(activity)})  # fmt: skip
    return activity


def complete_activity(activity: DealActivity, *, by: User) -> DealActivity:
    require(by, Permission.EDIT_WORK)
    if activity.done_at is None:
        with transaction.atomic():
            activity.done_at = timezone.now()
            activity.save(update_fields=["done_at"])
            record(actor=by, verb="completed", target=activity.deal.item, target_type="item",
                   changes={"activity": str(activity)})  # fmt: skip
    return activity


def overdue_for(user: User) -> tuple[list[Deal], list[DealActivity]]:
    """What is overdue for a deal owner: next steps past their date, scheduled activities past due."""
    today = timezone.localdate()
    deals = list(
        Deal.objects.filter(owner=user, next_step_due__lt=today, item__state="open")
        .filter(board_visibility(user, through="item__board__"))
        .select_related("item")
        .order_by("next_step_due")[:20]
    )
    activities = list(
        DealActivity.objects.filter(
            deal__owner=user, done_at__isnull=True, due__lt=today, deal__item__state="open"
        )
        .filter(board_visibility(user, through="deal__item__board__"))
        .select_related("deal__item")
        .order_by("due")[:20]
    )
    return deals, activities
