"""Reads of pipelines, deals and leads for pages, reports and the API. A pipeline and its deals are
seen by whoever may see the pipeline's board (tandem.work.queries.board_visibility): a pipeline on
a private board, its deals and its reports do not exist for everyone else. Leads belong to no
board: whoever may see work sees them. The `get_*_for_user` reads raise NotFound (a 404 on pages
and in the API) for a record the user may not see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from tandem.accounts.roles import Permission, require
from tandem.core.errors import NotFound
from tandem.sales.filters import LeadFilters
from tandem.sales.models import Deal, DealContact, Lead, Pipeline
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
