"""Reads of pipelines, deals and leads for pages, reports and the API. A pipeline and its deals are
seen by whoever may see the pipeline's board (tandem.work.queries.board_visibility): a pipeline on
a private board, its deals and its reports do not exist for everyone else. Leads belong to no
board: whoever may see work sees them. The `get_*_for_user` reads raise NotFound (a 404 on pages
and in the API) for a record the user may not see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.core.counting import cache_key
from tandem.core.errors import NotFound
from tandem.sales.filters import LeadFilters
from tandem.sales.models import Deal, DealActivity, DealContact, Lead, Pipeline, Stage
from tandem.work.models import Item
from tandem.work.queries import board_visibility

# --- Pipelines --------------------------------------------------------------------------------


def pipelines_for(user: Any) -> QuerySet[Pipeline]:
    require(user, Permission.VIEW_WORK)
    return Pipeline.objects.filter(board_visibility(user, through="board__"))


def pipeline_list(user: Any) -> QuerySet[Pipeline]:
    """The pipelines page: each with its board and stages, by name."""
    return pipelines_for(user).select_related("board").prefetch_related("stages").order_by("name")


def get_pipeline_for_user(user: Any, pk: int) -> Pipeline:
    pipeline = pipelines_for(user).select_related("board", "finance_board").filter(pk=pk).first()
    if pipeline is None:
        raise NotFound(_("Not found."))
    return pipeline


# --- Deals ------------------------------------------------------------------------------------


def deals_for(user: Any) -> QuerySet[Deal]:
    require(user, Permission.VIEW_WORK)
    return Deal.objects.filter(board_visibility(user, through="item__board__"))


def get_deal_for_user(user: Any, pk: int) -> Deal:
    """A deal for its actions on the deal's page: with its item, pipeline and stage."""
    deal = deals_for(user).select_related("item", "pipeline", "stage").filter(pk=pk).first()
    if deal is None:
        raise NotFound(_("Not found."))
    return deal


_CONTACTS = Prefetch("contacts", queryset=DealContact.objects.select_related("person").order_by("pk"))


def deals_in_full(user: Any) -> QuerySet[Deal]:
    """Deals with all the API shows of each: the item, the stage and its label, the owner, the
    documents, invoices and contacts."""
    return (
        deals_for(user)
        .select_related("item", "stage__label", "owner")
        .prefetch_related("documents", "invoices", _CONTACTS)
    )


def get_deal_in_full(user: Any, pk: int) -> Deal:
    deal = deals_in_full(user).select_related("pipeline").filter(pk=pk).first()
    if deal is None:
        raise NotFound(_("Not found."))
    return deal


def deal_list(user: Any, *, pipeline: int | None = None) -> QuerySet[Deal]:
    """The API's deal list, newest first; `pipeline` keeps one pipeline's deals."""
    deals = deals_in_full(user)
    if pipeline is not None:
        deals = deals.filter(pipeline_id=pipeline)
    return deals.order_by("-item_id")


# --- Leads ------------------------------------------------------------------------------------


def leads_for(user: Any) -> QuerySet[Lead]:
    require(user, Permission.VIEW_WORK)
    return Lead.objects.all()


def lead_list(user: Any, filters: LeadFilters) -> QuerySet[Lead]:
    """The leads page and the API's lead list: newest first, with each lead's owner."""
    return filters.apply(leads_for(user).select_related("owner")).order_by("-created_at", "-id")


def get_lead_for_user(user: Any, pk: int) -> Lead:
    lead = leads_for(user).filter(pk=pk).first()
    if lead is None:
        raise NotFound(_("Not found."))
    return lead


# --- Deals on their pipeline's board (tandem.sales.board) ------------------------------------


@dataclass
class DealCard:
    """What a deal's card on its board shows (tandem.sales.board)."""

    value: Decimal | None
    currency: str
    organization: str
    expected_close: date | None
    close_passed: bool  # an open deal's expected close, gone by
    owner: User | None
    has_overdue: bool  # an activity past its due date and not done


def deal_cards(ids: list[int]) -> dict[int, DealCard]:
    """The deals among these items with what their cards show: one query for a whole board page,
    read as values (a board page shows hundreds of deals: model instances would cost more than the
    query), each owner made once."""
    today = timezone.localdate()
    overdue = DealActivity.objects.filter(deal=OuterRef("pk"), done_at__isnull=True, due__lt=today)
    rows = (
        Deal.objects.filter(pk__in=ids)
        .annotate(has_overdue=Exists(overdue))
        .values_list(
            "item_id",
            "value",
            "currency",
            "expected_close",
            "is_open",
            "organization__name",
            "owner_id",
            "owner__full_name",
            "owner__email",
            "has_overdue",
        )
    )
    owners: dict[int, User] = {}
    found: dict[int, DealCard] = {}
    for pk, value, currency, close, is_open, organization, owner_id, full_name, email, late in rows:
        owner = owners.get(owner_id) if owner_id is not None else None
        if owner_id is not None and owner is None:
            owner = owners[owner_id] = User(pk=owner_id, full_name=full_name, email=email)
        found[pk] = DealCard(
            value=value,
            currency=currency,
            organization=organization or "",
            expected_close=close,
            close_passed=bool(is_open and close is not None and close < today),
            owner=owner,
            has_overdue=bool(late),
        )
    return found


@dataclass
class ColumnTotal:
    """The deals of one column in one currency: their value and weighted value (value times the
    deal's probability, else its stage's), summed in whole cents rounded per deal, as the reports."""

    currency: str
    value: Decimal
    weighted: Decimal | None


def _cents(expression: Any) -> Cast:
    return Cast(Round(expression), BigIntegerField())


def column_totals(items: QuerySet[Item], *, large: bool = False) -> dict[int, list[ColumnTotal]]:
    """Column id -> the totals of the deals among `items` (a board's items, as filtered), per
    currency: one grouped query for every column. On a large board (`large`) the rows are kept
    in the cache as long as the board's counts (tandem.work.queries.board_columns)."""
    grouped = (
        Deal.objects.filter(item__in=items.values("pk"), value__isnull=False)
        .values("item__column_id", "currency")
        .annotate(
            cents=Sum(_cents(F("value") * 100)),
            weighted=Sum(_cents(F("value") * Coalesce(F("probability"), F("stage__probability")))),
        )
        .order_by("item__column_id", "currency")
    )
    key = cache_key(grouped)
    rows: list[dict[str, Any]] | None = cache.get(key) if large else None
    if rows is None:
        rows = [dict(row) for row in grouped]
        if large:
            cache.set(key, rows, timeout=settings.TANDEM_LARGE_COUNT_TTL)
    cent = Decimal("0.01")
    totals: dict[int, list[ColumnTotal]] = {}
    for row in rows:
        weighted = row["weighted"]
        totals.setdefault(row["item__column_id"], []).append(
            ColumnTotal(
                currency=row["currency"],
                value=Decimal(row["cents"] or 0) * cent,
                weighted=None if weighted is None else Decimal(weighted) * cent,
            )
        )
    return totals


# --- A salesperson's day (the home page) ------------------------------------------------------

HOME_SHOWN = 5  # deals, next steps and activities listed on the home page; the counts say the rest
COUNT_CAP = 100  # counted up to this many ("99+"): what is late is counted from an index range


def capped_count(queryset: QuerySet[Any], shown: int, limit: int) -> int:
    """How many rows: the rows shown when fewer than a page (no query), else counted up to COUNT_CAP."""
    if shown < limit:
        return shown
    return len(queryset.order_by().values_list("pk", flat=True)[:COUNT_CAP])


@dataclass
class OwnedDeals:
    """A person's open deals: how many, their value and weighted value per currency (as the
    board's column totals), the pipelines they are in (id, name, board id), the first few by
    expected close."""

    count: int
    totals: list[ColumnTotal]
    pipelines: list[tuple[int, str, int]]
    deals: list[Deal]


LARGE_BOOK = 1_000


def _owned_open_deals(user: User, *, open_stage: bool = True) -> QuerySet[Deal]:
    """The open deals `user` owns on pipelines they may see. A deal lives on its pipeline's board
    (items never change boards), so visibility is read from the handful of pipelines and their open
    stages first, and the deals are then found by owner alone, without a board row per deal."""
    require(user, Permission.VIEW_WORK)
    visible = Pipeline.objects.filter(board_visibility(user, through="board__")).values("pk")
    open_stages = Stage.objects.filter(pipeline_id__in=visible, kind="open").values("pk")
    owned = Deal.objects.filter(owner=user, is_open=True, pipeline_id__in=visible)
    return owned.filter(Q(stage_id__in=open_stages) | Q(stage__isnull=True)) if open_stage else owned


def open_deals_of(user: User, *, limit: int = HOME_SHOWN) -> OwnedDeals:
    """The open deals `user` owns on boards they may see: one grouped query for the count, the
    totals and the pipelines, one for the first `limit` (the soonest expected close first), read
    as ids from the deal rows alone and then loaded with their item, organization and stage."""
    deals = _owned_open_deals(user)
    grouped = (
        deals.values("pipeline_id", "pipeline__name", "pipeline__board_id", "currency")
        .annotate(
            n=Count("pk"),
            cents=Sum(_cents(F("value") * 100)),
            weighted=Sum(_cents(F("value") * Coalesce(F("probability"), F("stage__probability")))),
        )
        .order_by("pipeline__name", "pipeline_id", "currency")
    )
    # Someone who owns over LARGE_BOOK open deals sees their totals up to TANDEM_LARGE_COUNT_TTL
    # seconds old, as a large board's column totals (summing thousands of deals on every visit
    # of the home page costs more than the rest of the page).
    key = cache_key(grouped)
    rows: list[dict[str, Any]] | None = cache.get(key)
    if rows is None:
        rows = [dict(row) for row in grouped]
        if sum(row["n"] for row in rows) >= LARGE_BOOK:
            cache.set(key, rows, timeout=settings.TANDEM_LARGE_COUNT_TTL)
    cent = Decimal("0.01")
    count = 0
    per_currency: dict[str, tuple[int, int]] = {}
    pipelines: dict[int, tuple[int, str, int]] = {}
    for row in rows:
        count += row["n"]
        pipelines[row["pipeline_id"]] = (row["pipeline_id"], row["pipeline__name"], row["pipeline__board_id"])
        if row["cents"] is not None:
            value, weighted = per_currency.get(row["currency"], (0, 0))
            per_currency[row["currency"]] = (value + row["cents"], weighted + (row["weighted"] or 0))
    totals = [
        ColumnTotal(currency=currency, value=Decimal(value) * cent, weighted=Decimal(weighted) * cent)
        for currency, (value, weighted) in sorted(per_currency.items())
    ]
    first_ids = (
        list(
            deals.order_by(F("expected_close").asc(nulls_last=True), "item_id").values_list(
                "item_id", flat=True
            )[:limit]
        )
        if count
        else []
    )
    loaded = Deal.objects.select_related("item", "organization", "stage").in_bulk(first_ids)
    first = [loaded[pk] for pk in first_ids if pk in loaded]
    return OwnedDeals(count=count, totals=totals, pipelines=list(pipelines.values()), deals=first)


@dataclass
class DueSales:
    """What a deal owner must do by today: next steps and scheduled activities due today or
    earlier (the first few of each, and how many in all, capped)."""

    next_steps: list[Deal]
    next_step_count: int
    activities: list[DealActivity]
    activity_count: int


def due_for(user: User, *, today: date | None = None, limit: int = HOME_SHOWN) -> DueSales:
    """Next steps of the open deals `user` owns and their activities not done, due today or
    earlier, on boards they may see, the oldest first (a won deal's next step is its invoice)."""
    today = today or timezone.localdate()
    owned = _owned_open_deals(user)
    steps = (
        owned.filter(next_step_due__lte=today, stage__kind="open")
        .select_related("item")
        .order_by("next_step_due", "item_id")
    )
    activities = (
        # from the few activities still to do (their partial index), each checked against the owner's deals
        DealActivity.objects.filter(done_at__isnull=True, due__lte=today)
        .filter(Exists(_owned_open_deals(user, open_stage=False).filter(pk=OuterRef("deal_id"))))
        .select_related("deal__item")
        .order_by("due", "id")
    )
    first_steps = list(steps[:limit])
    first_activities = list(activities[:limit])
    return DueSales(
        next_steps=first_steps,
        next_step_count=capped_count(steps, len(first_steps), limit),
        activities=first_activities,
        activity_count=capped_count(activities, len(first_activities), limit),
    )
