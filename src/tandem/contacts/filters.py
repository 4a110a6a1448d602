"""The filters of the organization and people lists: one form per list reads the query string
(from the filter form, a sort link, a tag badge or a bookmarked URL) and turns it into the
keyword arguments of contacts.queries. Invalid values are ignored rather than refused, so an
old bookmark or a hand-edited URL still shows a list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.contacts.models import Tag
from tandem.contacts.queries import ORGANIZATION_ORDERINGS, PERSON_ORDERINGS

MINE = "mine"


@dataclass(frozen=True)
class SortColumn:
    field: str
    label: str
    direction: str  # "asc", "desc" or "" when the list is not sorted by this column
    next_ordering: str

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.direction, "none")


def sort_columns(current: str, columns: dict[str, str]) -> dict[str, SortColumn]:
    """Each sortable column with its state and where a click on its header leads. Names sort
    A→Z first; dates newest first, which is what people look for."""
    result: dict[str, SortColumn] = {}
    for name, label in columns.items():
        ascending_first = name == "name"
        if current == name:
            direction, following = "asc", f"-{name}"
        elif current == f"-{name}":
            direction, following = "desc", name
        else:
            direction, following = "", name if ascending_first else f"-{name}"
        result[name] = SortColumn(name, label, direction, following)
    return result


class _ListFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    archived = forms.BooleanField(label=_("Archived only"), required=False)
    ordering = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    orderings: Mapping[str, tuple[str, ...]] = {}

    def __init__(self, data: QueryDict, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        self._set_choices("tag", [("", _("Any tag")), *((t.name, t.name) for t in Tag.objects.all())])
        self._set_choices(
            "owner",
            [
                ("", _("Anyone")),
                (MINE, _("Me")),
                *((str(u.pk), u.display_name) for u in User.objects.filter(is_active=True)),
            ],
        )
        self._set_choices("ordering", [(key, key) for key in self.orderings])
        self.fields["q"].widget.attrs["class"] = "form-control"
        for name in ("tag", "owner"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["archived"].widget.attrs["class"] = "form-check-input"
        self.is_valid()  # fills cleaned_data with the values that are valid

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices

    def value(self, name: str, default: Any = "") -> Any:
        return self.cleaned_data.get(name) or default

    @property
    def current_ordering(self) -> str:
        return str(self.value("ordering", "name"))

    def query_kwargs(self) -> dict[str, Any]:
        owner = self.value("owner")
        return {
            "q": self.value("q"),
            "tag": self.value("tag"),
            "owner": self.user.pk if owner == MINE else (int(owner) if owner else None),
            "archived": bool(self.value("archived", False)),
            "ordering": self.current_ordering,
        }

    @property
    def is_filtered(self) -> bool:
        """True when something narrows the list (sorting and paging do not)."""
        kwargs = self.query_kwargs()
        return any(kwargs[name] for name in kwargs if name != "ordering")


class OrganizationFilterForm(_ListFilterForm):
    orderings = ORGANIZATION_ORDERINGS

    def __init__(self, data: QueryDict, *, user: User) -> None:
        super().__init__(data, user=user)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or web domain")


class PersonFilterForm(_ListFilterForm):
    organization = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    review = forms.BooleanField(required=False, widget=forms.HiddenInput)

    orderings = PERSON_ORDERINGS

    def __init__(self, data: QueryDict, *, user: User) -> None:
        super().__init__(data, user=user)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, e-mail or phone")

    def query_kwargs(self) -> dict[str, Any]:
        return {
            **super().query_kwargs(),
            "organization": self.value("organization", None),
            "review": bool(self.value("review", False)),
        }
