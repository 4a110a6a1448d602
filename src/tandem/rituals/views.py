"""The rituals' pages: the list, a ritual's page (the finance run's review with its quick actions,
or the board meeting's minutes with their actions), and the way there from an event. Views
translate HTTP only: reads through rituals.queries, writes through rituals.services and (the
quick actions) work.services, whose refusals (the blocking-close rule) are shown, never a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.models import User
from tandem.accounts.roles import Permission, can
from tandem.agenda.queries import get_event_for_user
from tandem.agenda.recurrence import Occurrence, iso
from tandem.core.errors import NotFound, ServiceError
from tandem.core.htmx import is_htmx_partial
from tandem.rituals import queries, services
from tandem.rituals.forms import AssignForm, MinutesForm, MoveForm
from tandem.rituals.models import Ritual, RitualKind
from tandem.work import markdown
from tandem.work import queries as work_queries
from tandem.work import services as work
from tandem.work.models import Item


def _parse_moment(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat((value or "").strip().replace(" ", "+").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _url(ritual: Ritual, moment: datetime | None = None) -> str:
    url = reverse("rituals:detail", args=[ritual.pk])
    return f"{url}?{urlencode({'occurrence': iso(moment)})}" if moment else url


@guarded_view(Permission.VIEW_WORK)
def ritual_list(request: HttpRequest) -> HttpResponse:
    rituals = list(queries.rituals_for(acting_user(request)))
    return render(request, "rituals/ritual_list.html", {"rituals": rituals, "nav": "boards"})


@guarded_view(Permission.VIEW_WORK)
def event_run(request: HttpRequest, event_pk: int) -> HttpResponse:
    """From an event (or one of its occurrences) to its ritual's page."""
    user = acting_user(request)
    event = get_event_for_user(user, event_pk)
    rituals = queries.rituals_of_event(user, event)
    if not rituals:
        raise NotFound(_("There is no such ritual."))
    moment = _parse_moment(request.GET.get("occurrence")) or event.recurrence_id
    return HttpResponseRedirect(_url(rituals[0], moment))


def _occurrence(ritual: Ritual, request: HttpRequest) -> tuple[list[Occurrence], Occurrence | None]:
    choices = queries.occurrence_choices(ritual)
    wanted = _parse_moment(request.GET.get("occurrence") or request.POST.get("occurrence"))
    chosen = None
    if wanted is not None:
        chosen = next((o for o in choices if queries.original_start(o) == wanted), None)
        chosen = chosen or queries.find_occurrence(ritual, wanted)
        if chosen is not None and chosen not in choices:
            choices = sorted([*choices, chosen], key=lambda o: o.start)
    return choices, chosen or queries.current_occurrence(ritual, choices)


@guarded_view(Permission.VIEW_WORK)
def ritual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    ritual = queries.get_ritual_for_user(user, pk)
    choices, occurrence = _occurrence(ritual, request)
    context: dict[str, Any] = {
        "ritual": ritual,
        "choices": [(iso(queries.original_start(o)), o) for o in choices],
        "occurrence": occurrence,
        "occurrence_key": iso(queries.original_start(occurrence)) if occurrence else "",
        "attendees": queries.attendees_of(occurrence) if occurrence else [],
        "can_edit": can(user, Permission.EDIT_WORK),
        "nav": "boards",
    }
    if ritual.kind == RitualKind.FINANCE_RUN:
        context.update(_review_context(user, ritual))
        return render(request, "rituals/finance_run.html", context)
    context.update(_minutes_context(user, ritual, occurrence))
    return render(request, "rituals/board_meeting.html", context)


# --- The finance run ----------------------------------------------------------------------------


def _row_context(user: User, ritual: Ritual, row: queries.ReviewRow) -> dict[str, Any]:
    return {
        "row": row,
        "assign_form": AssignForm(
            item_id=row.item.pk, initial={"assignee": next(iter(row.item.assignees.all()), None)}
        ),
        "move_form": MoveForm(
            board=ritual.board, item_id=row.item.pk, initial={"column": row.item.column_id}
        ),
    }


def _review_context(user: User, ritual: Ritual) -> dict[str, Any]:
    rows = queries.review(user, ritual)
    return {
        "rows": [_row_context(user, ritual, row) for row in rows],
        "overdue_count": sum(1 for row in rows if row.overdue),
        "blocked_count": sum(1 for row in rows if row.blocked),
        "review_limit": queries.REVIEW_LIMIT,
    }


def _row_answer(
    request: HttpRequest, ritual: Ritual, item: Item, *, toast: str, error: str = ""
) -> HttpResponse:
    """The row as it is now (nothing when the item left the review), with a toast; without htmx a
    redirect to the page with the message."""
    user = acting_user(request)
    if not is_htmx_partial(request):
        (messages.error if error else messages.success)(request, error or toast)
        return HttpResponseRedirect(reverse("rituals:detail", args=[ritual.pk]))
    rows = queries.review(user, ritual, only=[item.pk])
    if rows:
        context = {"ritual": ritual, "can_edit": can(user, Permission.EDIT_WORK), "row_error": error}
        context.update(_row_context(user, ritual, rows[0]))
        response = render(request, "rituals/partials/review_row.html", context)
    else:
        response = HttpResponse("")
    response["HX-Trigger"] = json.dumps({"tandem:toast": error or toast})
    return response


@require_POST
@guarded_view(Permission.EDIT_WORK)
def quick_action(request: HttpRequest, pk: int, item_pk: int, action: str) -> HttpResponse:
    """Assign, move or close one item of the review, through work's services."""
    user = acting_user(request)
    ritual = queries.get_ritual_for_user(user, pk)
    item = work_queries.get_item_for_user(user, item_pk)
    if item.board_id != ritual.board_id or action not in {"assign", "move", "close"}:
        raise NotFound(_("Not found."))
    try:
        if action == "assign":
            form = AssignForm(request.POST, item_id=item.pk)
            if not form.is_valid():
                return _row_answer(request, ritual, item, toast="", error=_("Choose someone to assign."))
            assignee = form.cleaned_data["assignee"]
            work.update_item(item, by=user, version=None, data={"assignees": [assignee]})
            toast = _("%(ref)s assigned to %(name)s.") % {
                "ref": item.reference,
                "name": assignee.display_name,
            }
        elif action == "move":
            move = MoveForm(request.POST, board=ritual.board, item_id=item.pk)
            if not move.is_valid():
                return _row_answer(request, ritual, item, toast="", error=_("Choose a column."))
            column = move.cleaned_data["column"]
            work.move_item(item, by=user, column=column)
            toast = _("%(ref)s moved to %(column)s.") % {"ref": item.reference, "column": column.display_name}
        else:
            work.close_item(item, by=user)
            toast = _("%(ref)s closed.") % {"ref": item.reference}
    except ServiceError as error:
        return _row_answer(request, ritual, item, toast="", error=error.message)
    return _row_answer(request, ritual, item, toast=toast)


# --- The board meeting -------------------------------------------------------------------------


def _minutes_context(
    user: User, ritual: Ritual, occurrence: Occurrence | None, form: MinutesForm | None = None
) -> dict[str, Any]:
    if occurrence is None:
        return {"minutes": None, "minutes_form": None}
    moment = queries.original_start(occurrence)
    minutes = queries.minutes_of(ritual, moment)
    form = form or MinutesForm(
        initial={
            "occurrence": iso(moment),
            "version": minutes.version if minutes else 0,
            "text": minutes.text if minutes else "",
        }
    )
    written = queries.minutes_list(ritual)
    return {
        "minutes": minutes,
        "minutes_form": form,
        "minutes_html": markdown.render(
            minutes.text, references=work_queries.references_for(user), mentions=work_queries.mentions
        )
        if minutes
        else "",
        "converted": queries.converted_items(user, minutes) if minutes else [],
        "written_keys": {iso(moment) for moment in written},
    }


def _minutes_page(request: HttpRequest, ritual: Ritual, form: MinutesForm, **extra: Any) -> HttpResponse:
    user = acting_user(request)
    choices, occurrence = _occurrence(ritual, request)
    context: dict[str, Any] = {
        "ritual": ritual,
        "choices": [(iso(queries.original_start(o)), o) for o in choices],
        "occurrence": occurrence,
        "occurrence_key": iso(queries.original_start(occurrence)) if occurrence else "",
        "attendees": queries.attendees_of(occurrence) if occurrence else [],
        "can_edit": can(user, Permission.EDIT_WORK),
        "nav": "boards",
        **_minutes_context(user, ritual, occurrence, form),
        **extra,
    }
    return render(request, "rituals/board_meeting.html", context, status=422 if form.errors else 200)


@require_POST
@guarded_view(Permission.EDIT_WORK)
def minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    ritual = queries.get_ritual_for_user(user, pk)
    form = MinutesForm(request.POST)
    convert = "convert" in request.POST
    if form.is_valid():
        data = form.cleaned_data
        try:
            if convert:
                done = services.convert_actions(
                    ritual, by=user, occurrence=data["occurrence"], text=data["text"], version=data["version"]
                )
                messages.success(request, _conversion_message(done))
                moment = done.minutes.occurrence_start
            else:
                saved = services.save_minutes(
                    ritual, by=user, occurrence=data["occurrence"], text=data["text"], version=data["version"]
                )
                messages.success(request, _("Minutes saved."))
                moment = saved.occurrence_start
        except ServiceError as error:
            lines = error.extra.get("lines", [])
            form.add_error("text" if not lines else None, error.message)
            return _minutes_page(request, ritual, form, line_errors=lines)
        return HttpResponseRedirect(_url(ritual, moment) + "#minutes")
    return _minutes_page(request, ritual, form)


def _conversion_message(done: services.Conversion) -> str:
    if not done.created:
        return _("Nothing new to convert: every action line is an item already.")
    return ngettext(
        "%(count)d item created: %(refs)s.", "%(count)d items created: %(refs)s.", len(done.created)
    ) % {"count": len(done.created), "refs": ", ".join(item.reference for item in done.created)}


@require_POST
@guarded_view(Permission.VIEW_WORK)
def minutes_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What converting the minutes as typed would make (nothing is saved)."""
    user = acting_user(request)
    ritual = queries.get_ritual_for_user(user, pk)
    moment = _parse_moment(request.POST.get("occurrence"))
    minutes = queries.minutes_of(ritual, moment) if moment else None
    text = request.POST.get("text", "")[: services.MINUTES_MAX]
    planned = services.plan_actions(ritual, text, minutes=minutes, by=user)
    context = {
        "ritual": ritual,
        "planned": planned,
        "new_count": sum(1 for p in planned if p.is_new and not p.errors),
        "error_count": sum(1 for p in planned if p.is_new and p.errors),
        "existing_count": sum(1 for p in planned if not p.is_new),
    }
    return render(request, "rituals/partials/preview.html", context)
