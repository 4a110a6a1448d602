"""Reads of pipelines and deals for pages, reports and the API. A pipeline and its deals are seen
by whoever may see the pipeline's board (tandem.work.queries.board_visibility): a pipeline on a
private board, its deals and its reports do not exist for everyone else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.accounts.roles import Permission, require
from tandem.sales.models import Deal, Pipeline
from tandem.work.queries import board_visibility


def pipelines_for(user: Any) -> QuerySet[Pipeline]:
    require(user, Permission.VIEW_WORK)
    return Pipeline.objects.filter(board_visibility(user, through="board__"))


def deals_for(user: Any) -> QuerySet[Deal]:
    require(user, Permission.VIEW_WORK)
    return Deal.objects.filter(board_visibility(user, through="item__board__"))
