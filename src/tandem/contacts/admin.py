"""Organizations and people are edited in the app, where the service layer checks duplicates,
versions and history; the admin configures the tags they use, through the same services, so a tag
made, renamed or deleted here is checked against the role and recorded in history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, can
from tandem.contacts import services
from tandem.contacts.models import Tag
from tandem.core.errors import InvalidInput


def _acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the admin site lets only logged-in admins in
    return request.user


class TagForm(forms.ModelForm[Tag]):
    """The services' own checks, shown next to the field they concern."""

    class Meta:
        model = Tag
        fields = ["name", "color"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        tag = self.instance if self.instance.pk else None
        try:
            services.clean_tag({f: data[f] for f in ("name", "color") if f in data}, tag=tag)
        except InvalidInput as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    form = TagForm
    list_display = ["name", "color"]
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and can(request.user, Permission.EDIT_CUSTOMERS)

    def has_change_permission(self, request: HttpRequest, obj: Tag | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and can(request.user, Permission.ARCHIVE_CUSTOMERS)

    def has_delete_permission(self, request: HttpRequest, obj: Tag | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and can(request.user, Permission.ARCHIVE_CUSTOMERS)

    def save_model(self, request: HttpRequest, obj: Tag, form: forms.ModelForm[Tag], change: bool) -> None:
        by = _acting_user(request)
        if change:
            data = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data}
            saved = services.update_tag(obj, by=by, data=data)
        else:
            saved = services.create_tag(by=by, data=form.cleaned_data)
        obj.pk, obj.name, obj.color = saved.pk, saved.name, saved.color

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        services.delete_tag(obj, by=_acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Tag]) -> None:
        by = _acting_user(request)
        with transaction.atomic():  # all or nothing, like the admin's other bulk actions
            for tag in queryset:
                services.delete_tag(tag, by=by)
