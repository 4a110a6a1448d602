"""Pipelines and their stages. A pipeline is a board whose columns are its stages (each a label
`stage::<name>` and a column of that label), then Won and Lost, then Closed; renaming or moving a
stage changes its label and column with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.core import builtin_names
from tandem.core.errors import Conflict, InvalidInput
from tandem.sales.models import (
    BUILTIN_STAGES,
    STAGE_SCOPE,
    DocumentKind,
    Pipeline,
    RequiredField,
    Stage,
    StageKind,
)
from tandem.sales.services._values import _currency, _percent
from tandem.sales.verbs import SalesVerb
from tandem.work import services as work
from tandem.work.models import Board, ColumnKind, ItemType


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
    close_won_deals: bool = True,
) -> Pipeline:
    """A pipeline and its board: a column per stage in order (label `stage::<name>`), then Won and
    Lost (added when the stages do not name them), then Closed. Each stage spec: `name`, and
    optionally `kind` (open, won, lost), `probability`, `required_fields`, `checklist`,
    `required_document`, `stale_after_days`. `close_won_deals`: a won deal closes itself once
    finance closes its invoice ticket (else it is closed by hand)."""
    require(by, Permission.MANAGE_BOARDS)
    specs = [dict(spec) for spec in stages]
    if not any(s.get("kind") == StageKind.WON for s in specs):
        specs.append({"name": _("Won"), "kind": StageKind.WON, "probability": 100, "builtin": "won"})
    if not any(s.get("kind") == StageKind.LOST for s in specs):
        specs.append({"name": _("Lost"), "kind": StageKind.LOST, "probability": 0, "builtin": "lost"})
    names = [" ".join(str(s.get("name") or "").split()) for s in specs]
    if not all(names) or len({n.lower() for n in names}) != len(names):
        raise InvalidInput(_("Every stage needs a name of its own."), field="stages")
    if any(len(n) > 50 or "::" in n for n in names):
        raise InvalidInput(_("A stage name has at most 50 characters and no “::”."), field="stages")
    with transaction.atomic():
        board = work.create_board(by=by, data={"name": name, "default_type": ItemType.DEAL})
        pipeline = Pipeline.objects.create(
            name=board.name,
            board=board,
            currency=_currency(currency),
            finance_board=finance_board,
            close_won_deals=bool(close_won_deals),
        )
        for position, (stage_name, spec) in enumerate(zip(names, specs, strict=True)):
            # a name Tandem gives (Won, Lost, the demo's stages) is shown in the reader's language
            builtin = str(spec.get("builtin") or "")
            builtin = builtin if builtin in BUILTIN_STAGES else ""
            label = work.create_label(
                by=by, board=board, data={"name": f"{STAGE_SCOPE}::{stage_name}"}, builtin=builtin
            )
            work.add_column(
                board,
                by=by,
                spec={"kind": ColumnKind.LABEL, "label": label, "name": stage_name},
                builtin=builtin,
            )
            kind = spec.get("kind") or StageKind.OPEN
            if kind not in StageKind.values:
                raise InvalidInput(_("A stage is in progress, won or lost."), field="stages")
            Stage.objects.create(
                pipeline=pipeline,
                name=stage_name,
                kind=kind,
                position=position,
                label=label,
                builtin=builtin,
                **_stage_values(spec),
            )
        record(by=by, verb=RecordVerb.CREATED, target=pipeline)
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
    """Rename the pipeline (and its board), change its currency for new deals, its finance board,
    or whether a won deal closes itself once finance closes its invoice (`close_won_deals`)."""
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
        if "close_won_deals" in data and bool(data["close_won_deals"]) != current.close_won_deals:
            changes["close_won_deals"] = [current.close_won_deals, bool(data["close_won_deals"])]
            current.close_won_deals = bool(data["close_won_deals"])
        if changes:
            current.save()
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
    return current


def update_stage(stage: Stage, *, by: User, data: Mapping[str, Any], position: int | None = None) -> Stage:
    """Change a stage's name, probability, requirements, checklist or stale limit, and with
    `position` move it too (move_stage): both or neither. Renaming goes through its label and
    column too, so the board and the stage keep one name."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        stage = Stage.objects.select_for_update().select_related("pipeline__board", "label").get(pk=stage.pk)
        values = _stage_values({**{f: getattr(stage, f) for f in _STAGE_FIELDS}, **data})
        changes = {
            f: [_plain(getattr(stage, f)), _plain(v)] for f, v in values.items() if getattr(stage, f) != v
        }
        for field, value in values.items():
            setattr(stage, field, value)
        if "name" in data and not builtin_names.is_unchanged(
            str(data["name"] or ""), stage.name, stage.builtin
        ):
            name = _stage_name(stage.pipeline, data["name"], other_than=stage)
            if name != stage.name:
                stage.builtin = ""  # renamed: shown as typed from now on
                work.update_label(stage.label, by=by, data={"name": f"{STAGE_SCOPE}::{name}"})
                column = stage.pipeline.board.columns.filter(label=stage.label).first()
                if column is not None:
                    work.update_column(column, by=by, data={"name": name})
                changes["name"] = [stage.name, name]
                stage.name = name
        stage.save()
        if changes:
            record(
                by=by,
                verb=SalesVerb.UPDATED_STAGE,
                target=stage.pipeline,
                changes={"stage": stage.name, **changes},
            )
        if position is not None:
            stage = move_stage(stage, by=by, position=position)
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
        record(by=by, verb=SalesVerb.ADDED_STAGE, target=pipeline, changes={"stage": name})
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
        record(
            by=by,
            verb=SalesVerb.MOVED_STAGE,
            target=stage.pipeline,
            changes={"stage": stage.name, "position": stages.index(stage)},
        )
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
            by=by,
            verb=SalesVerb.REMOVED_STAGE,
            target=pipeline,
            changes={"stage": name},
        )
