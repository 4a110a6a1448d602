"""The admin looks at pipelines, their stages, deals and leads, and changes them only through
tandem.sales.services, so the rules and the history hold here too: a pipeline's name, currency and
finance board, a stage's name, probability, required document and stale limit, a deal's figures
and owner; leads can be disqualified. Pipelines, stages and deals are made, ordered and removed in
the app (a pipeline is a board, a stage its column, a deal a card on it), so the admin adds and
deletes none of them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tandem.accounts.models import User
from tandem.core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin
from tandem.core.errors import ServiceError
from tandem.sales import services
from tandem.sales.models import Deal, Lead, Pipeline, Stage


def _acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the admin site lets only logged-in admins in
    return request.user


class _ChangedThroughServices(ServiceAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if data:
            self.save_through_services(obj, by=_acting_user(request), data=data)

    def save_through_services(self, obj: Any, *, by: User, data: dict[str, Any]) -> None:
        raise NotImplementedError


class StageInline(ReadOnlyInline):
    model = Stage
    fields = ("position", "name", "kind", "probability", "required_document", "stale_after_days")


@admin.register(Pipeline)
class PipelineAdmin(_ChangedThroughServices):
    list_display = ["name", "board", "currency", "finance_board", "created_at"]
    search_fields = ["name"]
    list_select_related = ["board", "finance_board"]
    fields = ["name", "currency", "finance_board", "board", "created_at"]
    readonly_fields = ["board", "created_at"]
    inlines = [StageInline]

    def save_through_services(self, obj: Pipeline, *, by: User, data: dict[str, Any]) -> None:
        services.update_pipeline(obj, by=by, data=data)


@admin.register(Stage)
class StageAdmin(_ChangedThroughServices):
    list_display = ["name", "pipeline", "kind", "position", "probability", "stale_after_days"]
    list_filter = ["pipeline", "kind"]
    search_fields = ["name"]
    list_select_related = ["pipeline"]
    fields = [
        "pipeline",
        "name",
        "kind",
        "position",
        "probability",
        "required_document",
        "stale_after_days",
        "required_fields",
        "checklist",
        "label",
    ]
    readonly_fields = ["pipeline", "kind", "position", "required_fields", "checklist", "label"]

    def save_through_services(self, obj: Stage, *, by: User, data: dict[str, Any]) -> None:
        services.update_stage(obj, by=by, data=data)


@admin.register(Deal)
class DealAdmin(_ChangedThroughServices):
    list_display = ["__str__", "item", "pipeline", "stage", "value", "currency", "owner", "is_open"]
    list_filter = ["pipeline", "is_open"]
    search_fields = ["item__title"]
    list_select_related = ["item", "pipeline", "stage", "owner"]
    fields = [
        "item",
        "pipeline",
        "stage",
        "stage_entered_at",
        "value",
        "currency",
        "probability",
        "expected_close",
        "source",
        "owner",
        "organization",
        "next_step",
        "next_step_due",
        "won_at",
        "lost_at",
        "lost_reason",
    ]
    readonly_fields = [
        "item",
        "pipeline",
        "stage",
        "stage_entered_at",
        "organization",
        "won_at",
        "lost_at",
        "lost_reason",
    ]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "owner":
            kwargs["queryset"] = User.objects.filter(is_active=True).order_by("full_name", "email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_through_services(self, obj: Deal, *, by: User, data: dict[str, Any]) -> None:
        services.update_deal(obj, by=by, data=data)


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    """Leads are added and qualified in the app; here they are read, and disqualified."""

    list_display = ["name", "company", "email", "source", "owner", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "company", "email"]
    list_select_related = ["owner"]
    actions = ["disqualify_leads"]

    @admin.action(description=_("Disqualify the selected leads"), permissions=["view"])
    def disqualify_leads(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        by, done = _acting_user(request), 0
        for lead in queryset:
            try:
                services.disqualify_lead(lead, by=by)
            except ServiceError as error:
                messages.error(request, f"{lead.name}: {error.message}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext("Disqualified %(count)d lead.", "Disqualified %(count)d leads.", done)
                % {"count": done},
            )
