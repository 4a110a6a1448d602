"""The sales pages: pipelines (defined by anyone who shapes boards), leads and their qualification,
and the deal actions on a deal's page. Views translate HTTP only; rules live in sales.services and
sales.rules, whose refusals come back as messages."""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.models import User
from tandem.accounts.roles import Permission
from tandem.contacts.models import Organization, Person
from tandem.core import calendars
from tandem.core.csv_export import SafeWriter
from tandem.core.dates import day_or_none
from tandem.core.errors import PossibleDuplicate, ServiceError
from tandem.core.files import serve
from tandem.core.numbers import id_or_none
from tandem.core.views import go, int_or_none, posted
from tandem.finance.queries import invoice_items_of_deal
from tandem.sales import queries, report_charts, reports, services
from tandem.sales.filters import LeadFilters
from tandem.sales.forms import (
    ContactForm,
    DealForm,
    DocumentForm,
    LeadForm,
    PipelineForm,
    PipelineSettingsForm,
    QualifyForm,
    StageForm,
)
from tandem.sales.models import Deal, DealDocument, Pipeline, StageKind
from tandem.work.forms import show_error
from tandem.work.queries import get_item_for_user


def _refused(request: HttpRequest, form: Any) -> None:
    """A deal panel form's errors, as one message above the panel."""
    messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))


def _back(deal: Deal) -> HttpResponse:
    return HttpResponseRedirect(deal.item.get_absolute_url() + "#deal")


@guarded_view(Permission.VIEW_WORK)
def pipeline_list(request: HttpRequest) -> HttpResponse:
    pipelines = queries.pipeline_list(acting_user(request))
    return render(request, "sales/pipeline_list.html", {"pipelines": pipelines, "nav": "sales"})


@guarded_view(Permission.MANAGE_BOARDS)
def pipeline_create(request: HttpRequest) -> HttpResponse:
    form = PipelineForm(posted(request), user=acting_user(request))
    if request.method == "POST" and form.is_valid():
        try:
            pipeline = services.create_pipeline(
                by=acting_user(request),
                name=form.cleaned_data["name"],
                currency=form.cleaned_data["currency"],
                finance_board=form.cleaned_data["finance_board"],
                close_won_deals=form.cleaned_data["close_won_deals"],
                stages=form.cleaned_data["stages"],
            )
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Pipeline “%(name)s” created.") % {"name": pipeline.name})
            return go(request, pipeline.board.get_absolute_url())
    return render(request, "sales/pipeline_form.html", {"form": form, "nav": "sales"})


@guarded_view(Permission.MANAGE_BOARDS)
def pipeline_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The pipeline's name, currency and finance board, and each stage: its probability, what must
    be true to enter it, its checklist and stale limit; stages added, reordered and removed."""
    pipeline = queries.get_pipeline_for_user(acting_user(request), pk)
    user = acting_user(request)
    initial = {
        "name": pipeline.name,
        "currency": pipeline.currency,
        "finance_board": pipeline.finance_board,
        "close_won_deals": pipeline.close_won_deals,
    }
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = PipelineSettingsForm(
        request.POST if action == "pipeline" else None,
        initial=initial,
        user=user,
        current=pipeline.finance_board,
    )
    new_stage = StageForm(request.POST if action == "add" else None, prefix="new")
    stages = list(pipeline.stages.annotate(deal_count=Count("deals")).order_by("position", "id"))
    open_ids = [s.pk for s in stages if s.kind == StageKind.OPEN]
    stage_forms = {
        stage.pk: StageForm.for_stage(stage, request.POST if action == f"stage-{stage.pk}" else None)
        for stage in stages
    }
    if action == "pipeline" and form.is_valid():
        try:
            services.update_pipeline(pipeline, by=user, data=form.cleaned_data)
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Pipeline saved."))
            return go(request, request.path)
    elif action == "add" and new_stage.is_valid():
        position = int_or_none(request.POST.get("position"))
        try:
            services.add_stage(pipeline, by=user, spec=new_stage.cleaned_data, position=position)
        except ServiceError as error:
            show_error(new_stage, error)
        else:
            messages.success(request, _("Stage added."))
            return go(request, request.path)
    elif action.startswith("stage-"):
        stage_pk = int_or_none(action.removeprefix("stage-"))
        stage = next((s for s in stages if s.pk == stage_pk), None)
        if stage is None:
            raise Http404(_("Not found."))
        stage_form = stage_forms[stage.pk]
        if stage_form.is_valid():
            try:
                services.update_stage(stage, by=user, data=stage_form.cleaned_data)
            except ServiceError as error:
                show_error(stage_form, error)
            else:
                messages.success(
                    request, _("Stage “%(name)s” saved.") % {"name": stage_form.cleaned_data["name"]}
                )
                return go(request, f"{request.path}#stage-{stage.pk}")
    elif action in {"up", "down", "remove"}:
        stage = next((s for s in stages if s.pk == int_or_none(request.POST.get("stage"))), None)
        if stage is None:
            raise Http404(_("Not found."))
        try:
            if action == "remove":
                services.remove_stage(stage, by=user)
                messages.success(request, _("Stage “%(name)s” removed.") % {"name": stage.display_name})
            else:
                index = open_ids.index(stage.pk) if stage.pk in open_ids else 0
                services.move_stage(stage, by=user, position=index - 1 if action == "up" else index + 1)
        except ServiceError as error:
            messages.error(request, error.message)
        return go(request, request.path)
    context = {
        "pipeline": pipeline,
        "form": form,
        "new_stage": new_stage,
        "stages": [(stage, stage_forms[stage.pk]) for stage in stages],
        "last_open": open_ids[-1] if open_ids else None,
        "nav": "sales",
    }
    return render(request, "sales/pipeline_settings.html", context)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = queries.get_deal_for_user(acting_user(request), pk)
    form = DealForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return _back(deal)
    try:
        services.update_deal(deal, by=acting_user(request), data=form.service_data())
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Deal saved."))
    return _back(deal)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def deal_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a person with their role on the deal, change the role, or (`remove`) take them off."""
    deal = queries.get_deal_for_user(acting_user(request), pk)
    user = acting_user(request)
    try:
        remove = int_or_none(request.POST.get("remove"))
        if remove is not None:
            person = deal.contacts.filter(person_id=remove).select_related("person").first()
            if person is None:
                raise Http404(_("Not found."))
            services.remove_contact(deal, person.person, by=user)
        else:
            form = ContactForm(request.POST)
            if not form.is_valid():
                _refused(request, form)
                return _back(deal)
            services.add_contact(
                deal, form.cleaned_data["add_person"], by=user, role=form.cleaned_data["role"]
            )
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(deal)


@guarded_view(Permission.VIEW_WORK)
def deal_document_file(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    """A document's file, to whoever may see the deal's item."""
    deal = queries.get_deal_for_user(acting_user(request), pk)
    get_item_for_user(acting_user(request), deal.item_id)
    document = DealDocument.objects.filter(pk=document_pk, deal=deal).exclude(file="").first()
    if document is None:
        raise Http404(_("Not found."))
    content_type = mimetypes.guess_type(document.file.name or "")[0] or "application/octet-stream"
    return serve(document.file, name=document.name, content_type=content_type, inline=True)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def deal_document(request: HttpRequest, pk: int) -> HttpResponse:
    deal = queries.get_deal_for_user(acting_user(request), pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        _refused(request, form)
        return _back(deal)
    try:
        services.attach_document(
            deal,
            by=acting_user(request),
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            url=form.cleaned_data["url"] or "",
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Document attached."))
    return _back(deal)


def won_message(deal: Deal) -> str:
    """What winning did, truly: the invoice ticket finance has, and whether the deal closes itself
    when finance closes it (the pipeline's setting) or is closed by hand once the invoice is paid."""
    tickets = ", ".join(f"#{pk}" for pk in invoice_items_of_deal(deal.pk))
    if not tickets:
        return str(_("Won."))
    if deal.pipeline.close_won_deals:
        return _(
            "Won. Finance has invoice %(ticket)s to send; this deal closes itself once finance closes it."
        ) % {"ticket": tickets}
    return _("Won. Finance has invoice %(ticket)s to send; close this deal once the invoice is paid.") % {
        "ticket": tickets
    }


@guarded_view(Permission.EDIT_WORK)
@require_POST
def deal_outcome(request: HttpRequest, pk: int, outcome: str) -> HttpResponse:
    """Win (needs a signed contract) or lose (needs a reason)."""
    deal = queries.get_deal_for_user(acting_user(request), pk)
    try:
        if outcome == "win":
            won = services.win(deal, by=acting_user(request))
            messages.success(request, won_message(won))
        else:
            services.lose(deal, by=acting_user(request), reason=request.POST.get("reason", ""))
            messages.success(request, _("Deal marked as lost."))
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(deal)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def deal_step(request: HttpRequest, pk: int) -> HttpResponse:
    deal = queries.get_deal_for_user(acting_user(request), pk)
    stage = deal.pipeline.stages.filter(pk=request.POST.get("stage") or 0).first()
    if stage is None:
        raise Http404(_("Not found."))
    try:
        services.tick_step(deal, stage, request.POST.get("step", ""), by=acting_user(request),
                           done=request.POST.get("done") == "1")  # fmt: skip
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(deal)


@guarded_view(Permission.EDIT_WORK)
@require_POST
def deal_activity(request: HttpRequest, pk: int) -> HttpResponse:
    deal = queries.get_deal_for_user(acting_user(request), pk)
    done = request.POST.get("done", "")
    try:
        if done:
            activity = deal.activities.filter(pk=id_or_none(done) or 0).first()
            if activity is not None:
                services.complete_activity(activity, by=acting_user(request))
        else:
            services.log_activity(
                deal, by=acting_user(request), kind=request.POST.get("kind", ""),
                summary=request.POST.get("summary", ""), due=day_or_none(request.POST.get("due")),
            )  # fmt: skip
    except ServiceError as error:
        messages.error(request, error.message)
    return _back(deal)


@guarded_view(Permission.VIEW_WORK)
def lead_list(request: HttpRequest) -> HttpResponse:
    filters = LeadFilters.parse(request.GET)
    leads = queries.lead_list(acting_user(request), filters).select_related("deal__item")[:200]
    context = {"leads": leads, "status": filters.status, "nav": "sales"}
    return render(request, "sales/lead_list.html", context)


@guarded_view(Permission.EDIT_WORK)
def lead_create(request: HttpRequest) -> HttpResponse:
    form = LeadForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.create_lead(by=acting_user(request), data=form.cleaned_data)
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Lead saved."))
            return go(request, f"/leads/{lead.pk}/")
    return render(request, "sales/lead_form.html", {"form": form, "nav": "sales"})


@guarded_view(Permission.VIEW_WORK)
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead and its qualification: pick the pipeline, and an existing organization and person
    where Tandem has look-alikes, or make new ones."""
    user = acting_user(request)
    lead = queries.get_lead_for_user(user, pk)
    form = QualifyForm(posted(request), pipelines=queries.pipelines_for(user).order_by("name"))
    matches = services.lead_matches(lead)
    if request.method == "POST":
        if request.POST.get("action") == "disqualify":
            try:
                services.disqualify_lead(lead, by=user)
            except ServiceError as error:
                messages.error(request, error.message)
            return HttpResponseRedirect("/leads/")
        if form.is_valid():
            org_pk, person_pk = request.POST.get("organization") or "", request.POST.get("person") or ""
            organization = Organization.objects.filter(pk=id_or_none(org_pk) or 0).first()
            person = Person.objects.filter(pk=id_or_none(person_pk) or 0).first()
            try:
                deal = services.qualify_lead(
                    lead,
                    by=user,
                    pipeline=form.cleaned_data["pipeline"],
                    organization=organization,
                    person=person,
                    create_new=request.POST.get("create_new") == "1",
                    data=form.deal_figures(),
                )
            except PossibleDuplicate as error:
                messages.error(request, error.message)
            except ServiceError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Qualified: the deal is in its pipeline's first stage."))
                return HttpResponseRedirect(deal.item.get_absolute_url())
    context = {"lead": lead, "form": form, "matches": matches, "nav": "sales"}
    return render(request, "sales/lead_detail.html", context)


@guarded_view(Permission.VIEW_WORK)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A pipeline's reports: funnel, weighted forecast, outcomes (with the win rate by month),
    conversion and owners, filtered by owner and period, as charts (sales.report_charts) beside
    their tables, months in the reader's calendar; `?format=csv` downloads every table as CSV
    (Gregorian months). The conversion, which reads the whole stage history, comes in its own
    request (`?part=conversion`, loaded by htmx once the page is shown), so the page itself
    answers in the time of the other reports."""
    pipeline = queries.get_pipeline_for_user(acting_user(request), pk)
    owner_id = request.GET.get("owner", "")
    owner = User.objects.filter(pk=id_or_none(owner_id) or 0).first()
    since, until = day_or_none(request.GET.get("since")), day_or_none(request.GET.get("until"))
    period = {"since": since, "until": until}
    if request.GET.get("part") == "conversion":
        return render(
            request,
            "sales/partials/report_conversion.html",
            {"conversion": reports.conversion(pipeline, **period)},
        )
    csv = request.GET.get("format") == "csv"
    calendar = calendars.GREGORIAN if csv else calendars.active()  # a file's months are ISO dates
    funnel = reports.funnel(pipeline, owner=owner)
    in_progress = [row for row in funnel if row.kind == StageKind.OPEN]  # Won and Lost are decided
    forecast = reports.forecast(pipeline, owner=owner, calendar=calendar, **period)
    outcomes, months = reports.outcomes_over_time(pipeline, owner=owner, calendar=calendar, **period)
    owners = reports.by_owner(pipeline, **period)
    if csv:
        return _report_csv(
            pipeline,
            in_progress,
            forecast,
            (outcomes, months),
            reports.conversion(pipeline, **period),
            owners,
        )
    chart_data, charts = report_charts.charts(in_progress, forecast, months, calendar=calendar)
    busiest = max((row.open_count + row.won + row.lost for row in owners), default=0) or 1
    context = {
        "pipeline": pipeline,
        "pipelines": queries.pipelines_for(acting_user(request)).order_by("name", "id").only("name"),
        "funnel": in_progress,
        "forecast": forecast,
        "outcomes": outcomes,
        "months": [month for month in months if month.won or month.lost],
        "months_shown": reports.MONTHS_SHOWN if since is None else None,
        "chart_data": chart_data,
        "charts": charts,
        "conversion_query": urlencode(
            {**{k: v for k, v in request.GET.items() if k != "part"}, "part": "conversion"}
        ),
        "owners": [(row, round((row.open_count + row.won + row.lost) * 100 / busiest)) for row in owners],
        "owner_choices": User.objects.filter(is_active=True).order_by("full_name", "email"),
        "owner": owner,
        "since": since,
        "until": until,
        "nav": "sales",
    }
    return render(request, "sales/report.html", context)


def _report_csv(
    pipeline: Pipeline,
    funnel: list[reports.FunnelRow],
    forecast: list[reports.ForecastRow],
    outcomes_and_months: tuple[reports.Outcomes, list[reports.MonthOutcomes]],
    conversion: list[dict[str, Any]],
    owners: list[reports.OwnerRow],
) -> HttpResponse:
    """Every table of the report page in one file, a section per table (first column), money as
    exact decimals with the currency beside it. Names (stages, owners) are people's text, so the
    file is written by `SafeWriter`: none of them can become a spreadsheet formula."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pipeline-{pipeline.pk}-report.csv"'
    out = SafeWriter(response)
    # columns: report, key, currency, count, value, weighted, won (or went on), won value, lost, rate, days
    out.writerow(["report", "stage, month or owner", "currency", "count", "value", "weighted",
                  "won or went on", "won value", "lost", "rate (%)", "days to win"])  # fmt: skip
    for row in funnel:
        for currency in sorted(row.value) or [""]:
            out.writerow(["funnel", row.stage, currency, row.count, row.value.get(currency, ""),
                          row.weighted.get(currency, "")])  # fmt: skip
    for month in forecast:
        out.writerow(
            ["forecast", month.month.isoformat(), month.currency, month.count, month.value, month.weighted]
        )
    outcomes, months = outcomes_and_months
    out.writerow(["outcomes", "", "", "", "", "", outcomes.won, "", outcomes.lost, outcomes.win_rate,
                  outcomes.average_cycle_days])  # fmt: skip
    for decided in months:
        if decided.won or decided.lost:
            out.writerow(["outcomes by month", decided.month.isoformat(), "", "", "", "", decided.won, "", decided.lost,
                          decided.win_rate, decided.average_cycle_days])  # fmt: skip
    for step in conversion:
        out.writerow(["conversion", f"{step['from']} -> {step['to']}", "", step["entered"], "", "", step["went_on"],
                      "", "", step["rate"]])  # fmt: skip
    for person in owners:
        # one line per currency; the counts repeat on each, as a spreadsheet filter on currency expects
        for currency in sorted(set(person.open_value) | set(person.won_value)) or [""]:
            out.writerow(["owner", person.owner, currency, person.open_count, person.open_value.get(currency, ""),
                          person.weighted.get(currency, ""), person.won, person.won_value.get(currency, ""),
                          person.lost, person.win_rate, person.cycle_days])  # fmt: skip
    return response
