"""The sales rules the board engine asks (tandem.work.rules), so they hold however a deal moves —
dragged on the board, changed in a form, moved over the API or in bulk:

* entering a stage needs what the stage requires (fields, checklist, a document kind); Won needs a
  signed contract on the deal. A deal moving forward past stages (Qualified → Negotiation, or won
  straight from Qualified) needs what each stage it skips requires too, so skipping never gets
  round a gate; losing a deal skips nothing;
* every stage change is noted, with time and user, and winning opens the finance ticket that
  blocks the deal (both through tandem.sales.services, as every write);
* a deal closes only when lost, or when won and its finance ticket is closed (the blocking-close
  rule does the latter); when the last item blocking a won deal closes, the deal closes itself if
  its pipeline says so (`Pipeline.close_won_deals`);
* a won deal waiting for nothing but its invoice says so calmly on its page ("Waiting for invoice
  #35") instead of the "Blocked" alarm."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.errors import Conflict, InvalidInput
from tandem.finance import queries as finance_queries
from tandem.sales.models import Deal, DocumentKind, RequiredField, Stage, StageKind
from tandem.sales.services import deals
from tandem.work import rules
from tandem.work.models import ItemType, LinkKind

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


@dataclass(frozen=True)
class Requirement:
    """One thing a stage needs of a deal before it enters: a field (`kind` "field", `key` the
    RequiredField), a checklist step ("step", the step's text) or a document ("document", the
    DocumentKind); `label` names it on the deal's checklist, `missing` in a refusal's message."""

    kind: str
    key: str
    label: str
    missing: str
    met: bool


@dataclass(frozen=True)
class DealFacts:
    """What the gates read of a deal beyond its own row, read once for all the stages asked about."""

    documents: frozenset[str]
    has_contact: bool

    @classmethod
    def of(cls, deal: Deal) -> DealFacts:
        return cls(
            documents=frozenset(deal.documents.values_list("kind", flat=True)),
            has_contact=deal.contacts.exists(),
        )


def requirements(deal: Deal, stage: Stage, facts: DealFacts | None = None) -> list[Requirement]:
    """Everything the stage needs of the deal, met or not, in the order of the stage's settings:
    fields, checklist steps, the document; Won needs a signed contract besides."""
    facts = facts or DealFacts.of(deal)
    have = {
        RequiredField.VALUE: deal.value is not None,
        RequiredField.EXPECTED_CLOSE: deal.expected_close is not None,
        RequiredField.NEXT_STEP: bool(deal.next_step) and deal.next_step_due is not None,
        RequiredField.ORGANIZATION: deal.organization_id is not None,
        RequiredField.CONTACT: facts.has_contact,
    }
    found: list[Requirement] = []
    for field in stage.required_fields:
        name = str(FIELD_NAMES.get(field, field))
        found.append(Requirement("field", field, name, name, have.get(field, True)))
    ticked = set(deal.checklist_done.get(str(stage.pk), []))
    for step in stage.checklist:
        found.append(
            Requirement("step", step, step, _("the step “%(step)s”") % {"step": step}, step in ticked)
        )
    won = stage.kind == StageKind.WON
    if stage.required_document and not (won and stage.required_document == DocumentKind.SIGNED_CONTRACT):
        label = str(DocumentKind(stage.required_document).label)
        found.append(
            Requirement(
                "document",
                stage.required_document,
                label,
                label.lower(),
                stage.required_document in facts.documents,
            )
        )
    if won:
        found.append(
            Requirement(
                "document",
                DocumentKind.SIGNED_CONTRACT,
                str(DocumentKind.SIGNED_CONTRACT.label),
                _("a signed contract (upload it or link it on the deal)"),
                DocumentKind.SIGNED_CONTRACT in facts.documents,
            )
        )
    return found


def missing_for(deal: Deal, stage: Stage, facts: DealFacts | None = None) -> list[str]:
    """What the deal lacks to enter the stage, in words a user reads."""
    return list(dict.fromkeys(need.missing for need in requirements(deal, stage, facts) if not need.met))


@dataclass(frozen=True)
class Gate:
    """A stage's gate as the deal's page shows it: the stage, whether the deal is in it already
    (`current`) or it is the next one, and what it needs, met or not."""

    stage: Stage
    current: bool
    needs: list[Requirement]

    @property
    def unmet(self) -> int:
        return sum(1 for need in self.needs if not need.met)


def next_stage(deal: Deal, stages: list[Stage]) -> Stage | None:
    """The stage a deal in progress goes to next: the next stage in progress, or Won after the last
    (`stages`: the pipeline's, in order). None for a deal that is won or lost."""
    current = deal.stage
    if current is not None and current.kind != StageKind.OPEN:
        return None
    since = current.position if current is not None else -1
    later = [s for s in stages if s.kind == StageKind.OPEN and s.position > since and s.pk != deal.stage_id]
    return later[0] if later else next((s for s in stages if s.kind == StageKind.WON), None)


def gates(deal: Deal) -> list[Gate]:
    """The gates of the stage a deal in progress is in and of the stage it goes to next, with what
    each needs (the current one's still show what was needed to get there); none once it is won or
    lost."""
    if deal.stage is not None and deal.stage.kind != StageKind.OPEN:
        return []
    stages = list(deal.pipeline.stages.order_by("position", "id"))
    facts = DealFacts.of(deal)
    shown = [(stage, True) for stage in stages if stage.pk == deal.stage_id]
    upcoming = next_stage(deal, stages)
    if upcoming is not None:
        shown.append((upcoming, False))
    return [
        Gate(stage=stage, current=current, needs=requirements(deal, stage, facts)) for stage, current in shown
    ]


def stages_passed(deal: Deal, stage: Stage) -> list[Stage]:
    """The stages in progress a deal skips on its way into `stage`: those between the stage it is
    in (or, coming back from Won or Lost, the last stage in progress it was in; a new deal: before
    the first stage) and `stage`. None when it goes back, stays, or is lost."""
    if stage.kind == StageKind.LOST:
        return []
    start: Stage | None = deal.stage
    if start is None or start.kind != StageKind.OPEN:
        last = (
            deal.stage_changes.filter(to_stage__kind=StageKind.OPEN, to_stage__pipeline_id=deal.pipeline_id)
            .select_related("to_stage")
            .order_by("-at", "-id")
            .first()
        )
        start = last.to_stage if last is not None else None
    since = start.position if start is not None else -1
    if since >= stage.position:
        return []
    return list(
        Stage.objects.filter(
            pipeline_id=deal.pipeline_id, kind=StageKind.OPEN, position__gt=since, position__lt=stage.position
        ).order_by("position", "id")
    )


def check_entry(item: Item, old: Column | None, new: Column | None) -> None:
    stage = _stage_of(new)
    if stage is None:
        return
    deal = _deal_of(item)
    if deal is None:
        return  # an item of another kind on a sales board: no sales rules
    if stage.pipeline_id != deal.pipeline_id:
        raise InvalidInput(_("That stage belongs to another pipeline."), field="stage")
    facts = DealFacts.of(deal)
    skipped = [(passed, missing_for(deal, passed, facts)) for passed in stages_passed(deal, stage)]
    lacking = [(passed, missing) for passed, missing in skipped if missing]
    missing = missing_for(deal, stage, facts)
    if not lacking:
        if missing:
            raise Conflict(
                _("This deal cannot enter “%(stage)s” yet. Missing: %(missing)s.")
                % {"stage": stage.display_name, "missing": "; ".join(missing)},
                field="stage",
                extra={"missing": missing},
            )
        return
    # a stage skipped on the way holds its gate: name each stage and what it lacks
    names = ", ".join(f"“{passed.display_name}”" for passed, _missing in lacking)
    parts = [
        ngettext(
            "This deal cannot skip the stage %(stages)s on its way to “%(stage)s”.",
            "This deal cannot skip the stages %(stages)s on its way to “%(stage)s”.",
            len(lacking),
        )
        % {"stages": names, "stage": stage.display_name}
    ]
    for passed, what in [*lacking, *([(stage, missing)] if missing else [])]:
        parts.append(
            _("Missing for “%(stage)s”: %(missing)s.")
            % {"stage": passed.display_name, "missing": "; ".join(what)}
        )
    raise Conflict(
        " ".join(parts),
        field="stage",
        extra={
            "missing": list(dict.fromkeys([m for _passed, what in lacking for m in what] + missing)),
            "stages": [
                {"stage": passed.name, "stage_id": passed.pk, "missing": what}
                for passed, what in [*lacking, *([(stage, missing)] if missing else [])]
            ],
        },
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


def close_won_deal(item: Item, by: User) -> None:
    """An item closed: a won deal it blocked, waiting for nothing else, closes too when its
    pipeline says so, by the same person, after the blocker's close (tandem.sales.services)."""
    deals.close_won_deals_after(item, by=by)


def waiting_note(item: Item, blockers: list[Item]) -> str | None:
    """A won deal whose only open blockers are its finance tickets waits for its invoice, calmly."""
    if item.type != ItemType.DEAL or not blockers:
        return None
    deal = Deal.objects.filter(pk=item.pk, stage__kind=StageKind.WON).select_related("pipeline").first()
    if deal is None:
        return None
    tickets = set(finance_queries.invoice_items_of_deal(deal.pk))
    if not all(blocker.pk in tickets for blocker in blockers):
        return None
    refs = ", ".join(f"#{blocker.pk}" for blocker in blockers)
    waiting = ngettext("Waiting for invoice %(refs)s.", "Waiting for invoices %(refs)s.", len(blockers)) % {
        "refs": refs
    }
    if deal.pipeline.close_won_deals:
        then = ngettext(
            "The deal closes itself once finance closes it.",
            "The deal closes itself once finance closes them.",
            len(blockers),
        )
    else:
        then = _("Close the deal once the invoice is paid.")
    return f"{waiting} {then}"


def register() -> None:
    rules.on_column_change(check=check_entry, after=record_stage)
    rules.on_close(check_close)
    rules.on_closed(close_won_deal)
    rules.on_blocked_note(waiting_note)
    rules.on_state_change(follow_state)
    rules.on_cards(stale_flags)
