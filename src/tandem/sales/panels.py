"""A deal on its item's page (tandem.core.panels and the item page's hooks in tandem.work.rules),
registered in SalesConfig.ready():

* in the page's header (`item-header`): its value, stage, owner, organization and expected close,
  and Won and Lost, each confirmed in a dialog (Lost asks why);
* above the item's description (`item`): the deal's other fields and their form, its contacts, the
  gates of its current and next stages as a checklist (with an upload beside a missing document),
  its activities and stage history;
* in the item's Files card (`on_item_files`): the deal's documents with their kind, among the
  item's files, and the deal's upload form (which asks for the kind) in place of the plain one;
* the side list leaves out what a deal has no use for (type, start date, estimate)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.urls import reverse

from tandem.core.panels import register_panel
from tandem.sales.models import Deal
from tandem.sales.rules import gates
from tandem.work import rules as work_rules
from tandem.work.models import Item, ItemType


def deal_of(item: Item) -> Deal | None:
    """The item's deal, read once and kept on the item (the page's parts all read `item.deal`);
    None for another kind of item, or an item of type deal made outside a pipeline."""
    if item.type != ItemType.DEAL:
        return None
    try:
        return item.deal
    except ObjectDoesNotExist:
        return None


def header(request: HttpRequest, item: Item) -> dict[str, Any] | None:
    """Shown in a deal's header (the template reads the deal through `item.deal`)."""
    return {} if deal_of(item) is not None else None


def deal(request: HttpRequest, item: Item) -> dict[str, Any] | None:
    """The deal's panel, with the gates of its current and next stages."""
    found = deal_of(item)
    if found is None:
        return None
    return {"gates": gates(found)}


def deal_files(item: Item) -> work_rules.ItemFiles | None:
    """The deal's documents as rows of the item's Files card, and its upload form."""
    found = deal_of(item)
    if found is None:
        return None
    rows = [
        work_rules.FileRow(
            name=document.name,
            url=(
                reverse("sales:deal-document-file", args=[found.pk, document.pk])
                if document.file
                else document.url
            ),
            external=not document.file,
            badge=str(document.get_kind_display()),
            at=document.uploaded_at,
            by=document.uploaded_by.display_name if document.uploaded_by else "",
        )
        for document in found.documents.select_related("uploaded_by")
    ]
    return work_rules.ItemFiles(rows=rows, upload_template="sales/partials/deal_upload.html")


def register() -> None:
    register_panel(
        "item-header", "deal", template="sales/partials/deal_header.html", context=header, order=10
    )
    register_panel("item", "deal", template="sales/partials/deal_panel.html", context=deal, order=10)
    work_rules.on_item_files(deal_files)
    work_rules.leave_out_fields(ItemType.DEAL, {"type", "start_date", "estimate"})
