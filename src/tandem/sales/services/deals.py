"""Deals: a work item of type deal with its sales record, its contacts and documents, its stage
(its card's column: moving it goes through tandem.work.services.move_item, and the sales rules
note the change here), winning and losing, and the finance ticket a won deal opens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.contacts.models import Organization, Person
from tandem.core.errors import Conflict, InvalidInput, ServiceError
from tandem.core.files import atomic_with_files, save_file
from tandem.finance import queries as finance_queries
from tandem.finance import services as finance
from tandem.sales.models import (
    Deal,
    DealContact,
    DealDocument,
    DocumentKind,
    Pipeline,
    Stage,
    StageChange,
    StageKind,
)
from tandem.sales.services._values import _active_user, _currency, _date, _money, _percent
from tandem.sales.verbs import SalesVerb
from tandem.work import services as work
from tandem.work.markdown import escape_markdown
from tandem.work.models import Item, ItemState, ItemType, LinkKind

MAX_UPLOAD_BYTES = 25 * 1024 * 1024


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
            record(by=by, verb=RecordVerb.UPDATED, target=current.item, changes=changes)
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
            record(
                by=by,
                verb=RecordVerb.UPDATED,
                target=deal.item,
                changes={"contact role": [f"{person}: {contact.role}", f"{person}: {role}"]},
            )
            contact.role = role
            contact.save(update_fields=["role"])
        if created:
            item = deal.item
            if not item.people.filter(pk=person.pk).exists():
                work.update_item(item, by=by, version=None, data={"people": [*item.people.all(), person]})
            record(
                by=by,
                verb=SalesVerb.ADDED_CONTACT,
                target=item,
                changes={"person": str(person), "role": role},
            )
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
            by=by,
            verb=SalesVerb.REMOVED_CONTACT,
            target=item,
            changes={"person": str(person)},
        )


def stage_column(stage: Stage) -> Any:
    column = stage.pipeline.board.columns.filter(label=stage.label).first()
    if column is None:
        raise Conflict(_("The stage “%(stage)s” has no column on its board.") % {"stage": stage.display_name})
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
        record(
            by=by,
            verb=SalesVerb.TICKED_STEP if done else SalesVerb.UNTICKED_STEP,
            target=current.item,
            changes={"stage": stage.name, "step": step},
        )
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
        record(
            by=by,
            verb=SalesVerb.ATTACHED,
            target=deal.item,
            changes={"document": document.name, "kind": kind},
        )
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
    """The won deal's finance ticket on the finance board, blocking the deal until it is closed.
    It carries what finance needs to invoice: the amount (formatted; the invoice keeps the
    Decimal), the customer, the signed contract and the deal (`finance_description`)."""
    board = deal.pipeline.finance_board or finance_queries.default_board()
    if board is None:
        raise Conflict(
            _("Winning needs a finance board for the invoice: choose one in the pipeline's settings.")
        )
    existing = finance_queries.invoice_of_deal(deal.pk)
    if existing is not None:
        return existing.item
    actor = by or deal.owner
    if actor is None:
        raise Conflict(_("Nobody to open the finance ticket as."))
    invoice = finance.open_invoice(
        by=actor,
        board=board,
        title=_("Invoice: %(deal)s") % {"deal": deal.item.title},
        description=finance_description(deal),
        amount=deal.value,
        currency=deal.currency,
        customer=deal.organization,
        deal_id=deal.pk,
        blocks=deal.item,
    )
    return invoice.item


def money(value: Decimal | None, currency: str) -> str:
    """An amount as people read it, grouped by thousands with two decimals: "24,000.00 EUR"."""
    if value is None:
        return str(_("amount to be agreed"))
    return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency}"


def finance_description(deal: Deal) -> str:
    """The finance ticket's description (Markdown): the deal (`#id`, a link for whoever may see
    it), the amount, the customer, the signed contract, and what closing the ticket does."""
    lines = [
        _("Won deal #%(id)s: %(title)s") % {"id": deal.item_id, "title": escape_markdown(deal.item.title)},
        "",
        "- " + _("Amount: %(amount)s") % {"amount": f"**{money(deal.value, deal.currency)}**"},
    ]
    if deal.organization is not None:
        url = reverse("organization-detail", args=[deal.organization_id])
        customer = f"[{escape_markdown(deal.organization.name)}](<{url}>)"
        lines.append("- " + _("Customer: %(customer)s") % {"customer": customer})
    contract = (
        deal.documents.filter(kind=DocumentKind.SIGNED_CONTRACT).order_by("-uploaded_at", "-id").first()
    )
    if contract is not None:
        if contract.file:
            url = reverse("sales:deal-document-file", args=[deal.pk, contract.pk])
        else:
            url = quote(contract.url, safe=":/?#[]@!$&'()*+,;=%~")
        link = f"[{escape_markdown(contract.name)}](<{url}>)"
        lines.append("- " + _("Signed contract: %(contract)s") % {"contract": link})
    lines.append("")
    if deal.pipeline.close_won_deals:
        lines.append(_("Close this ticket when the invoice is paid: the deal then closes itself."))
    else:
        lines.append(_("Close this ticket when the invoice is paid, then close the deal."))
    return "\n".join(lines)


def close_won_deals_after(closed: Item, *, by: User) -> list[Item]:
    """`closed` has just closed: each won deal it blocked whose pipeline closes won deals with their
    invoice, and that no other open item blocks, closes too — by the same person, through the
    blocking-close rule like any close, on the deal's board even if they may not see it (the
    finance team closes the invoice; the seller's pipeline may be private). A deal another rule
    keeps open (its invoice unlinked) stays open; the blocker's close stands either way."""
    waiting = Deal.objects.filter(
        item__links_in__source=closed,
        item__links_in__kind=LinkKind.BLOCKS,
        item__state=ItemState.OPEN,
        stage__kind=StageKind.WON,
        pipeline__close_won_deals=True,
    ).select_related("item")
    done: list[Item] = []
    for deal in waiting.distinct():
        if work.open_blockers(deal.item):
            continue
        try:
            with transaction.atomic():
                done.append(work.close_item(deal.item, by=by, check_access=False))
        except ServiceError:
            continue
    return done


# --- What the board's rules note (tandem.sales.rules) ---------------------------------------


def note_stage_change(deal: Deal, stage: Stage, *, item: Item, by: User | None) -> None:
    """The deal's card entered the stage's column (the move is its item's history): the stage
    change with its time and user, the deal's stage and won or lost time; winning opens the
    finance ticket. Runs inside the move's transaction."""
    if deal.stage_id == stage.pk:
        return
    now = timezone.now()
    StageChange.objects.create(deal=deal, from_stage=deal.stage, to_stage=stage, by=by, at=now)
    deal.stage = stage
    deal.stage_entered_at = now
    deal.won_at = now if stage.kind == StageKind.WON else None
    deal.won_after = now - item.created_at if stage.kind == StageKind.WON else None
    deal.lost_at = now if stage.kind == StageKind.LOST else None
    if stage.kind != StageKind.LOST:
        deal.lost_reason = ""
    deal.save(update_fields=["stage", "stage_entered_at", "won_at", "won_after", "lost_at", "lost_reason"])
    if stage.kind == StageKind.WON:
        open_finance_ticket(deal, by=by)


def follow_item_state(item: Item) -> None:
    """A deal's record mirrors its item's state (the item's close or reopen is its history), which
    the reports read beside the figures."""
    Deal.objects.filter(pk=item.pk).update(is_open=item.state == ItemState.OPEN)
