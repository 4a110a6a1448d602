"""The sales rules the board engine asks (tandem.work.rules), so they hold however a deal moves —
dragged on the board, changed in a form, moved over the API or in bulk:

* entering a stage needs what the stage requires (fields, checklist, a document kind); Won needs a
  signed contract on the deal;
* every stage change is noted, with time and user, and winning opens the finance ticket that
  blocks the deal (both through tandem.sales.services, as every write);
* a deal closes only when lost, or when won and its finance ticket is closed (the blocking-close
  rule does the latter)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.errors import Conflict, InvalidInput
from tandem.sales.models import Deal, DocumentKind, RequiredField, Stage, StageKind
from tandem.sales.services import deals
from tandem.work import rules
from tandem.work.models import LinkKind

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.work.models import Column, Item

FIELD_NAMES = dict(RequiredField.choices)


def _stage_of(column: Column | None) -> Stage | None:
    if column is None or column.label_id is None:
        return None
    return Stage.objects.filter(label_id=column.label_id).select_related("pipeline").first()


def _deal_of(item: Item) -> Deal | None:
    return Deal.objects.filter(pk=item.pk).select_related("stage").first()


def missing_for(deal: Deal, stage: Stage) -> list[str]:
    """What the deal lacks to enter the stage, in words a user reads."""
    missing: list[str] = []
    have = {
        RequiredField.VALUE: deal.value is not None,
        RequiredField.EXPECTED_CLOSE: deal.expected_close is not None,
        RequiredField.NEXT_STEP: bool(deal.next_step) and deal.next_step_due is not None,
        RequiredField.ORGANIZATION: deal.organization_id is not None,
        RequiredField.CONTACT: deal.contacts.exists(),
    }
    for field in stage.required_fields:
        if not have.get(field, True):
            missing.append(str(FIELD_NAMES.get(field, field)))
    ticked = set(deal.checklist_done.get(str(stage.pk), []))
    missing += [_("the step “%(step)s”") % {"step": step} for step in stage.checklist if step not in ticked]
    documents = set(deal.documents.values_list("kind", flat=True))
    if stage.required_document and stage.required_document not in documents:
        missing.append(str(DocumentKind(stage.required_document).label).lower())
    if stage.kind == StageKind.WON and DocumentKind.SIGNED_CONTRACT not in documents:
        missing.append(_("a signed contract (upload it or link it on the deal)"))
    return list(dict.fromkeys(missing))


def check_entry(item: Item, old: Column | None, new: Column | None) -> None:
    stage = _stage_of(new)
    if stage is None:
        return
    deal = _deal_of(item)
    if deal is None:
        return  # an item of another kind on a sales board: no sales rules
    if stage.pipeline_id != deal.pipeline_id:
        raise InvalidInput(_("That stage belongs to another pipeline."), field="stage")
    missing = missing_for(deal, stage)
    if missing:
        raise Conflict(
            _("This deal cannot enter “%(stage)s” yet. Missing: %(missing)s.")
            % {"stage": stage.name, "missing": "; ".join(missing)},
            field="stage",
            extra={"missing": missing},
        )


def record_stage(item: Item, old: Column | None, new: Column | None, by: User | None) -> None:
    stage = _stage_of(new)
    deal = _deal_of(item)
    if stage is None or deal is None or deal.stage_id == stage.pk:
        return
    deals.note_stage_change(deal, stage, item=item, by=by)


def follow_state(item: Item) -> None:
    """A deal's record mirrors its item's state, which the reports read beside the figures."""
    deals.follow_item_state(item)


def check_close(item: Item) -> None:
    """A deal closes once it is lost, or won with its finance ticket linked as blocking it (the
    blocking-close rule then waits for finance to close that ticket)."""
    deal = _deal_of(item)
    if deal is None or (deal.stage is not None and deal.stage.kind == StageKind.LOST):
        return
    if not deal.invoices.exists():
        raise Conflict(
            _("A deal closes once it is lost, or won with its finance ticket closed. Win or lose it first."),
            field="state",
        )
    if not deal.invoices.filter(item__links_out__target=item, item__links_out__kind=LinkKind.BLOCKS).exists():
        raise Conflict(
            _("Link the deal's finance ticket as blocking the deal again before closing it."), field="state"
        )


def stale_flags(cards: list[Item]) -> dict[int, list[tuple[str, str]]]:
    """Deals that have sat in their stage longer than the stage allows get a badge."""
    ids = [card.pk for card in cards if card.type == "deal" and card.state == "open"]
    if not ids:
        return {}
    now = timezone.now()
    flags: dict[int, list[tuple[str, str]]] = {}
    deals = Deal.objects.filter(pk__in=ids, stage__stale_after_days__isnull=False).select_related("stage")
    for deal in deals.only("item_id", "stage_entered_at", "stage__stale_after_days"):
        days = (now - deal.stage_entered_at).days
        if deal.stage and deal.stage.stale_after_days and days > deal.stage.stale_after_days:
            flags[deal.pk] = [
                (
                    "text-bg-warning",
                    ngettext("%(days)d day in stage", "%(days)d days in stage", days) % {"days": days},
                )
            ]
    return flags


def register() -> None:
    rules.on_column_change(check=check_entry, after=record_stage)
    rules.on_close(check_close)
    rules.on_state_change(follow_state)
    rules.on_cards(stale_flags)
