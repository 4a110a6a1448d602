"""/api/v1/pipelines, /api/v1/leads and /api/v1/deals. A deal's id is its item's id, so the items
API (close, links, comments, history) works on deals too. Writes go through sales.services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status, UploadedFile
from ninja import Form as NinjaForm

from tandem.accounts.auth import acting_user
from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.contacts.models import Organization, Person
from tandem.core.api.errors import errors
from tandem.core.api.pagination import Page, PageParams, paginate
from tandem.core.api.types import PathId
from tandem.core.errors import InvalidInput, NotFound
from tandem.sales import queries, services
from tandem.sales import reports as sales_reports
from tandem.sales.filters import LeadFilters
from tandem.sales.models import Deal, Lead, Pipeline, Stage, StageKind
from tandem.sales.schemas import (
    ChecklistIn,
    ContactIn,
    DealFields,
    DealIn,
    DealOut,
    DocumentLinkIn,
    DocumentOut,
    LeadIn,
    LeadOut,
    LoseIn,
    NewStageIn,
    PipelineIn,
    PipelineOut,
    PipelinePatch,
    QualifyIn,
    StageMoveIn,
    StageOut,
    StagePatch,
)
from tandem.work.models import Board

pipelines = Router(tags=["Sales"])
leads = Router(tags=["Sales"])
deals = Router(tags=["Sales"])


def _get[M: (Pipeline, Lead, Organization, Person, User, Board)](
    model: type[M], pk: int | None, field: str
) -> M | None:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("No such record: %(id)s.") % {"id": pk}, field=field)
    return found


def _readable(request: HttpRequest) -> User:
    user = acting_user(request)
    require(user, Permission.VIEW_WORK)
    return user


def _pipeline(request: HttpRequest, pk: int) -> Pipeline:
    return queries.get_pipeline_for_user(acting_user(request), pk)


def _visible_pipeline(request: HttpRequest, pk: int) -> Pipeline:
    """A pipeline named in a request's body: a 422 when there is none the user may see."""
    try:
        return _pipeline(request, pk)
    except NotFound:
        raise InvalidInput(_("No such record: %(id)s.") % {"id": pk}, field="pipeline") from None


def _deal(request: HttpRequest, pk: int) -> Deal:
    return queries.get_deal_in_full(acting_user(request), pk)


def _stage(pipeline: Pipeline, pk: int) -> Stage:
    stage = pipeline.stages.filter(pk=pk).first()
    if stage is None:
        raise InvalidInput(_("The deal's pipeline has no such stage."), field="stage")
    return stage


# --- Pipelines --------------------------------------------------------------------------------


@pipelines.get("", response={200: Page[PipelineOut], **errors()})
def list_pipelines(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    _readable(request)
    return paginate(queries.pipelines_for(acting_user(request)).order_by("name", "id"), page)


@pipelines.post("", response={201: PipelineOut, **errors(403)})
def create_pipeline(request: HttpRequest, payload: PipelineIn) -> Status[Pipeline]:
    """Stages in order; Won and Lost are added when not given."""
    user = acting_user(request)
    pipeline = services.create_pipeline(
        by=user,
        name=payload.name,
        currency=payload.currency,
        finance_board=_get(Board, payload.finance_board, "finance_board"),
        close_won_deals=payload.close_won_deals,
        stages=[
            {**stage.model_dump(), "required_document": stage.required_document or ""}
            for stage in payload.stages
        ],
    )
    return Status(201, pipeline)


@pipelines.get("/{id}", response={200: PipelineOut, **errors(404)})
def get_pipeline(request: HttpRequest, id: PathId) -> Pipeline:
    _readable(request)
    return _pipeline(request, id)


@pipelines.patch("/{id}", response={200: PipelineOut, **errors(403, 404)})
def update_pipeline(request: HttpRequest, id: PathId, payload: PipelinePatch) -> Pipeline:
    """Rename (the board follows), the currency of new deals, the finance board (null: none)."""
    data = payload.model_dump(exclude_unset=True)
    if "finance_board" in data:
        data["finance_board"] = _get(Board, data["finance_board"], "finance_board")
    return services.update_pipeline(_pipeline(request, id), by=acting_user(request), data=data)


def _pipeline_stage(pipeline: Pipeline, stage_id: int) -> Stage:
    stage = pipeline.stages.filter(pk=stage_id).first()
    if stage is None:
        raise NotFound(_("Not found."))
    return stage


@pipelines.post("/{id}/stages", response={201: StageOut, **errors(403, 404)})
def add_stage(request: HttpRequest, id: PathId, payload: NewStageIn) -> Status[Stage]:
    """A new stage in progress, with its column on the pipeline's board."""
    if payload.kind != StageKind.OPEN:
        raise InvalidInput(_("A pipeline has one Won and one Lost stage already."), field="kind")
    spec = payload.model_dump(exclude={"position", "kind"})
    spec["required_document"] = spec["required_document"] or ""
    stage = services.add_stage(
        _pipeline(request, id), by=acting_user(request), spec=spec, position=payload.position
    )
    return Status(201, stage)


@pipelines.patch("/{id}/stages/{stage_id}", response={200: StageOut, **errors(403, 404)})
def update_stage(request: HttpRequest, id: PathId, stage_id: PathId, payload: StagePatch) -> Stage:
    user = acting_user(request)
    stage = _pipeline_stage(_pipeline(request, id), stage_id)
    data = payload.model_dump(exclude_unset=True)
    position = data.pop("position", None)
    if "required_document" in data:
        data["required_document"] = data["required_document"] or ""
    return services.update_stage(stage, by=user, data=data, position=position)


@pipelines.delete("/{id}/stages/{stage_id}", response={204: None, **errors(403, 404, 409)})
def remove_stage(request: HttpRequest, id: PathId, stage_id: PathId) -> Status[None]:
    """Only a stage in progress with no deals in it (409 otherwise)."""
    services.remove_stage(_pipeline_stage(_pipeline(request, id), stage_id), by=acting_user(request))
    return Status(204, None)


# --- Leads ------------------------------------------------------------------------------------


@leads.get("", response={200: Page[LeadOut], **errors()})
def list_leads(
    request: HttpRequest,
    page: Query[PageParams],
    status: Literal["new", "qualified", "disqualified", "all"] = "new",
) -> dict[str, Any]:
    """Newest first; `status`: new (default), qualified, disqualified or all (anything else is 422)."""
    return paginate(queries.lead_list(_readable(request), LeadFilters(status=status)), page)


@leads.post("", response={201: LeadOut, **errors(403)})
def create_lead(request: HttpRequest, payload: LeadIn) -> Status[Lead]:
    return Status(201, services.create_lead(by=acting_user(request), data=payload.model_dump()))


def _lead(request: HttpRequest, pk: int) -> Lead:
    return queries.get_lead_for_user(acting_user(request), pk)


@leads.post("/{id}/qualify", response={201: DealOut, **errors(403, 404, 409)})
def qualify_lead(request: HttpRequest, id: PathId, payload: QualifyIn) -> Status[Deal]:
    """Makes (or links) the organization and person and starts the deal in the first stage. 409
    `possible_duplicate` lists look-alikes: send their ids, or `create_new: true`."""
    user = acting_user(request)
    pipeline = _visible_pipeline(request, payload.pipeline)
    deal = services.qualify_lead(
        _lead(request, id),
        by=user,
        pipeline=pipeline,
        organization=_get(Organization, payload.organization, "organization"),
        person=_get(Person, payload.person, "person"),
        create_new=payload.create_new,
    )
    return Status(201, _deal(request, deal.pk))


@leads.post("/{id}/disqualify", response={200: LeadOut, **errors(403, 404, 409)})
def disqualify_lead(request: HttpRequest, id: PathId) -> Lead:
    return services.disqualify_lead(_lead(request, id), by=acting_user(request))


# --- Deals ------------------------------------------------------------------------------------


def _deal_data(payload: DealFields) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude={"pipeline", "title", "stage", "contacts"})
    if "owner" in data:
        data["owner"] = _get(User, data["owner"], "owner")
    if "organization" in data:
        data["organization"] = _get(Organization, data["organization"], "organization")
    return data


@deals.get("", response={200: Page[DealOut], **errors()})
def list_deals(
    request: HttpRequest, page: Query[PageParams], pipeline: PathId | None = None
) -> dict[str, Any]:
    return paginate(queries.deal_list(_readable(request), pipeline=pipeline), page)


@deals.post("", response={201: DealOut, **errors(403, 409)})
def create_deal(request: HttpRequest, payload: DealIn) -> Status[Deal]:
    """Starts in `stage` (default: the first), whose requirements it must meet (409 lists what is missing)."""
    user = acting_user(request)
    pipeline = _visible_pipeline(request, payload.pipeline)
    contacts = [
        (person, "") for pk in payload.contacts if (person := _get(Person, pk, "contacts")) is not None
    ]
    deal = services.create_deal(
        by=user,
        pipeline=pipeline,
        title=payload.title,
        data=_deal_data(payload),
        stage=_stage(pipeline, payload.stage) if payload.stage else None,
        contacts=contacts,
    )
    return Status(201, _deal(request, deal.pk))


@deals.get("/{id}", response={200: DealOut, **errors(404)})
def get_deal(request: HttpRequest, id: PathId) -> Deal:
    _readable(request)
    return _deal(request, id)


@deals.patch("/{id}", response={200: DealOut, **errors(403, 404)})
def update_deal(request: HttpRequest, id: PathId, payload: DealFields) -> Deal:
    services.update_deal(_deal(request, id), by=acting_user(request), data=_deal_data(payload))
    return _deal(request, id)


@deals.post("/{id}/contacts", response={200: DealOut, **errors(403, 404)})
def add_contact(request: HttpRequest, id: PathId, payload: ContactIn) -> Deal:
    """Put a person on the deal with their role; posting them again changes the role."""
    person = _get(Person, payload.person, "person")
    assert person is not None
    services.add_contact(_deal(request, id), person, by=acting_user(request), role=payload.role)
    return _deal(request, id)


@deals.delete("/{id}/contacts/{person_id}", response={200: DealOut, **errors(403, 404)})
def remove_contact(request: HttpRequest, id: PathId, person_id: PathId) -> Deal:
    deal = _deal(request, id)
    contact = deal.contacts.select_related("person").filter(person_id=person_id).first()
    if contact is None:
        raise NotFound(_("That person is not on the deal."))
    services.remove_contact(deal, contact.person, by=acting_user(request))
    return _deal(request, id)


@deals.post("/{id}/stage", response={200: DealOut, **errors(403, 404, 409)})
def move_stage(request: HttpRequest, id: PathId, payload: StageMoveIn) -> Deal:
    """409 names what the stage requires and the deal lacks (`missing`)."""
    deal = _deal(request, id)
    services.enter_stage(deal, _stage(deal.pipeline, payload.stage), by=acting_user(request))
    return _deal(request, id)


@deals.post("/{id}/checklist", response={200: DealOut, **errors(403, 404)})
def tick_step(request: HttpRequest, id: PathId, payload: ChecklistIn) -> Deal:
    deal = _deal(request, id)
    services.tick_step(
        deal, _stage(deal.pipeline, payload.stage), payload.step, by=acting_user(request), done=payload.done
    )
    return _deal(request, id)


@deals.post("/{id}/documents", response={201: DocumentOut, **errors(403, 404)})
def add_document_link(request: HttpRequest, id: PathId, payload: DocumentLinkIn) -> Status[Any]:
    """A link to a document, e.g. `{"kind": "signed_contract", "url": "https://…"}`."""
    document = services.attach_document(
        _deal(request, id), by=acting_user(request), kind=payload.kind, url=payload.url, name=payload.name
    )
    return Status(201, document)


@deals.post("/{id}/documents/upload", response={201: DocumentOut, **errors(403, 404)})
def upload_document(
    request: HttpRequest,
    id: PathId,
    kind: NinjaForm[str],
    file: File[UploadedFile],
    name: NinjaForm[str] = "",
) -> Status[Any]:
    """multipart/form-data with `kind` and `file` (at most 25 MB)."""
    document = services.attach_document(
        _deal(request, id), by=acting_user(request), kind=kind, file=file, name=name
    )
    return Status(201, document)


@deals.post("/{id}/win", response={200: DealOut, **errors(403, 404, 409)})
def win(request: HttpRequest, id: PathId) -> Deal:
    """Needs a signed contract on the deal (409 otherwise); opens the finance ticket that blocks
    the deal until it is closed."""
    services.win(_deal(request, id), by=acting_user(request))
    return _deal(request, id)


@deals.post("/{id}/lose", response={200: DealOut, **errors(403, 404)})
def lose(request: HttpRequest, id: PathId, payload: LoseIn) -> Deal:
    services.lose(_deal(request, id), by=acting_user(request), reason=payload.reason)
    return _deal(request, id)


# --- Reports ----------------------------------------------------------------------------------

reports_router = Router(tags=["Sales reports"])


def _report_scope(
    request: HttpRequest, pipeline: PathId, owner: PathId | None
) -> tuple[Pipeline, User | None]:
    _readable(request)
    try:
        found = _pipeline(request, pipeline)
    except NotFound:
        raise InvalidInput(_("There is no such pipeline."), field="pipeline") from None
    return found, _get(User, owner, "owner")


@reports_router.get("/funnel", response={200: list[dict[str, Any]], **errors()})
def funnel_report(
    request: HttpRequest, pipeline: PathId, owner: PathId | None = None
) -> list[dict[str, Any]]:
    """Open deals per stage: count, value and weighted value per currency (decimal strings)."""
    scope, who = _report_scope(request, pipeline, owner)
    return [
        {"stage": row.stage, "stage_id": row.stage_id, "kind": row.kind, "count": row.count,
         "value": _amounts(row.value), "weighted": _amounts(row.weighted)}
        for row in sales_reports.funnel(scope, owner=who)
    ]  # fmt: skip


@reports_router.get("/forecast", response={200: list[dict[str, Any]], **errors()})
def forecast_report(
    request: HttpRequest,
    pipeline: PathId,
    owner: PathId | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Open deals by expected-close month and currency: count, value, weighted value; `since` and
    `until` keep the deals expected to close in that period."""
    scope, who = _report_scope(request, pipeline, owner)
    return [
        {"month": row.month.isoformat(), "currency": row.currency, "count": row.count,
         "value": str(row.value), "weighted": str(row.weighted)}
        for row in sales_reports.forecast(scope, owner=who, since=since, until=until)
    ]  # fmt: skip


@reports_router.get("/outcomes", response={200: dict[str, Any], **errors()})
def outcomes_report(
    request: HttpRequest,
    pipeline: PathId,
    owner: PathId | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    """Won, lost, win rate (%) and average days from creation to win, in the period; `months`: the
    same by the (Gregorian) month they were decided in, from the first month with a decision: the
    months of the period (at most its last ten years), without `since` the last twelve months."""
    scope, who = _report_scope(request, pipeline, owner)
    result, months = sales_reports.outcomes_over_time(scope, since=since, until=until, owner=who)
    return {
        "won": result.won,
        "lost": result.lost,
        "win_rate": _decimal(result.win_rate),
        "average_cycle_days": _decimal(result.average_cycle_days),
        "months": [
            {"month": month.month.isoformat(), "won": month.won, "lost": month.lost,
             "win_rate": _decimal(month.win_rate), "average_cycle_days": _decimal(month.average_cycle_days)}
            for month in months
        ],
    }  # fmt: skip


@reports_router.get("/conversion", response={200: list[dict[str, Any]], **errors()})
def conversion_report(
    request: HttpRequest, pipeline: PathId, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Stage to stage: deals that entered a stage (in the period) and went on to the next."""
    scope, _who = _report_scope(request, pipeline, None)
    return [
        {**row, "rate": _decimal(row["rate"])}
        for row in sales_reports.conversion(scope, since=since, until=until)
    ]


@reports_router.get("/owners", response={200: list[dict[str, Any]], **errors()})
def owners_report(
    request: HttpRequest, pipeline: PathId, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Per owner: open deals (count, value and weighted value per currency), deals won and lost in
    the period (value won per currency, win rate in %) and the average days to win."""
    scope, _who = _report_scope(request, pipeline, None)
    return [
        {
            "owner_id": row.owner_id,
            "owner": row.owner,
            "open": row.open_count,
            "open_value": _amounts(row.open_value),
            "weighted": _amounts(row.weighted),
            "won": row.won,
            "won_value": _amounts(row.won_value),
            "lost": row.lost,
            "win_rate": _decimal(row.win_rate),
            "average_cycle_days": _decimal(row.cycle_days),
        }
        for row in sales_reports.by_owner(scope, since=since, until=until)
    ]


def _decimal(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _amounts(values: dict[str, Decimal]) -> dict[str, str]:
    return {currency: str(amount) for currency, amount in values.items()}
