"""Forms of the board and item pages. A form checks what a person typed and shapes it into what
tandem.work.services expects; the rules stay in the services, whose refusals come back to the field
they concern (`show_error`)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import Team, User
from tandem.contacts.models import Organization, Person
from tandem.core.errors import ServiceError
from tandem.core.forms import BootstrapForm, PickerSelect, PickerSelectMultiple
from tandem.core.numbers import id_or_none
from tandem.work.models import (
    Board,
    Column,
    ColumnKind,
    Item,
    ItemType,
    Label,
    Priority,
    SumField,
    TeamNotifications,
)
from tandem.work.queries import items_visible_to


class UserChoice(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} (@{obj.handle})"


def show_error(form: forms.Form, error: ServiceError) -> None:
    """A service's refusal, shown beside the field it names (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def active_users() -> Any:
    return User.objects.filter(is_active=True).order_by("full_name", "email")


def customer_picker(kind: str) -> dict[str, str]:
    """A text input whose suggestions (a datalist) come from the server as the user types."""
    return {
        "hx-get": f"{reverse('work:customer-options')}?kind={kind}",
        "hx-trigger": "input changed delay:250ms",
        "hx-target": f"#{kind}-options",
    }


class ItemForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    type = forms.ChoiceField(label=_("Type"), choices=ItemType.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. #123 links an item, @handle mentions someone."),
    )
    labels = forms.ModelMultipleChoiceField(label=_("Labels"), queryset=Label.objects.none(), required=False)
    assignees = UserChoice(
        label=_("Assignees"),
        queryset=User.objects.none(),
        required=False,
        widget=PickerSelectMultiple("user"),
    )
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int, initial=0)
    start_date = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    estimate = forms.DecimalField(
        label=_("Estimate (hours)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    parent = forms.IntegerField(
        label=_("Parent item"),
        required=False,
        min_value=1,
        help_text=_("The number of the item this is part of."),
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=PickerSelectMultiple("organization"),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=Person.objects.none(),
        required=False,
        widget=PickerSelectMultiple("person"),
    )
    add_organization = forms.CharField(
        label=_("Link an organization"),
        required=False,
        max_length=220,
        widget=forms.TextInput(attrs={"list": "organization-options", "autocomplete": "off"}),
        help_text=_("Type a few letters and pick one."),
    )
    add_person = forms.CharField(
        label=_("Link a person"),
        required=False,
        max_length=220,
        widget=forms.TextInput(attrs={"list": "person-options", "autocomplete": "off"}),
        help_text=_("Type a few letters and pick one."),
    )

    def __init__(self, *args: Any, board: Board, user: User, item: Item | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board = board
        self.item = item
        self.user = user
        self.fields["add_organization"].widget.attrs.update(customer_picker("organization"))
        self.fields["add_person"].widget.attrs.update(customer_picker("person"))
        self.fields["labels"].queryset = Label.objects.filter(Q(board=board) | Q(board__isnull=True))  # type: ignore[attr-defined]
        self.fields["assignees"].queryset = active_users()  # type: ignore[attr-defined]
        # Customers: the ones already linked plus any chosen in the submitted form, not the whole table.
        chosen_orgs = self.data.getlist("organizations") if hasattr(self.data, "getlist") else []
        chosen_people = self.data.getlist("people") if hasattr(self.data, "getlist") else []
        linked_orgs = list(item.organizations.values_list("pk", flat=True)) if item else []
        linked_people = list(item.people.values_list("pk", flat=True)) if item else []
        linked_orgs += [getattr(o, "pk", o) for o in self.initial.get("organizations") or []]
        linked_people += [getattr(p, "pk", p) for p in self.initial.get("people") or []]
        self.fields["organizations"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=[*linked_orgs, *[n for v in chosen_orgs if (n := id_or_none(v))]], merged_into__isnull=True
        )
        self.fields["people"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=[*linked_people, *[n for v in chosen_people if (n := id_or_none(v))]],
            merged_into__isnull=True,
        )
        if item is None:
            self.fields["type"].initial = board.default_type
            if board.title_prefix:
                self.fields["title"].help_text = _("“%(prefix)s” is put in front.") % {
                    "prefix": board.title_prefix
                }

    def clean_parent(self) -> Item | None:
        number = self.cleaned_data.get("parent")
        if not number:
            return None
        parent = items_visible_to(self.user).filter(pk=number).first()
        if parent is None:
            raise forms.ValidationError(_("There is no item #%(number)s.") % {"number": number})
        return parent

    def clean_add_organization(self) -> Organization | None:
        return picked_customer(self.cleaned_data.get("add_organization", ""), Organization)

    def clean_add_person(self) -> Person | None:
        return picked_customer(self.cleaned_data.get("add_person", ""), Person)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("labels", "assignees", "organizations", "people"):
            data[name] = list(data[name])
        for field, name in (("add_organization", "organizations"), ("add_person", "people")):
            added = data.pop(field)
            if added is not None and added not in data[name]:
                data[name].append(added)
        return data


def customer_option(record: Organization | Person) -> str:
    """How the customer pickers name a record: its name and number, e.g. "Acme Corp (#12)"."""
    return f"{record} (#{record.pk})"


def picked_customer(text: str, model: type[Organization] | type[Person]) -> Any:
    """The customer a picker's text names: "Name (#12)" as the options offer it, or just "#12"."""
    text = text.strip()
    if not text:
        return None
    match = re.search(r"#(\d{1,18})\)?$", text)
    record = model.objects.filter(pk=int(match.group(1)), merged_into__isnull=True).first() if match else None
    if record is None:
        raise forms.ValidationError(_("Pick one of the offered names."))
    return record


class BoardForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False)
    private = forms.BooleanField(
        label=_("Private to its team"),
        required=False,
        help_text=_(
            "Only the team's members and admins see the board and everything on it; "
            "for everyone else it does not exist. Needs a team."
        ),
    )
    default_type = forms.ChoiceField(label=_("Type of new items"), choices=ItemType.choices)
    title_prefix = forms.CharField(
        label=_("Title prefix"),
        max_length=100,
        required=False,
        strip=False,
        help_text=_("Put in front of every new item's title, e.g. “Acme Board Meeting action: ”."),
    )
    sum_field = forms.ChoiceField(label=_("Column headers add up"), choices=SumField.choices, required=False)
    team_notifications = forms.ChoiceField(
        label=_("The team hears of"),
        choices=TeamNotifications.choices,
        initial=TeamNotifications.ASSIGNMENTS,
        required=False,
        help_text=_("Everyone in the board's team is notified of these, so no work is done twice."),
    )
    default_assignee = forms.ModelChoiceField(
        label=_("Default assignee"),
        queryset=active_users(),
        required=False,
        widget=PickerSelect("user"),
        help_text=_("New items nobody was assigned to go to this person, e.g. the invoice a won deal opens."),
    )


class NewBoardForm(BoardForm):
    stages = forms.CharField(
        label=_("Stages"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, in order. Each becomes a column between Open and Closed."),
    )
    scope = forms.CharField(
        label=_("Stage label scope"),
        max_length=40,
        required=False,
        help_text=_("Stages become labels scope::stage, e.g. sales::qualified. Empty: the board's name."),
    )

    def clean_stages(self) -> list[str]:
        lines = [line.strip() for line in str(self.cleaned_data.get("stages") or "").splitlines()]
        stages = list(dict.fromkeys(line for line in lines if line))
        if len(stages) > 20:
            raise forms.ValidationError(_("At most 20 stages."))
        if any(len(stage) > 50 or "::" in stage for stage in stages):
            raise forms.ValidationError(_("A stage has at most 50 characters and no “::”."))
        return stages


class LabelForm(BootstrapForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("scope::value for a stage-like label, e.g. finance::paid."),
    )
    color = forms.CharField(
        label=_("Colour"), max_length=7, initial="#6c757d", widget=forms.TextInput(attrs={"type": "color"})
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class ColumnForm(BootstrapForm):
    label = forms.ModelChoiceField(label=_("Label"), queryset=Label.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    wip_limit = forms.IntegerField(label=_("WIP limit"), required=False, min_value=1, max_value=100000)

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        used = board.columns.exclude(label__isnull=True).values_list("label_id", flat=True)
        self.fields["label"].queryset = (  # type: ignore[attr-defined]
            Label.objects.filter(Q(board=board) | Q(board__isnull=True)).exclude(pk__in=used).order_by("name")
        )

    def spec(self) -> dict[str, Any]:
        return {"kind": ColumnKind.LABEL, **self.cleaned_data}


class ColumnEditForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    wip_limit = forms.IntegerField(label=_("WIP limit"), required=False, min_value=1, max_value=100000)


class LinkForm(BootstrapForm):
    KINDS = [
        ("blocks", _("blocks")),
        ("blocked_by", _("is blocked by")),
        ("relates_to", _("relates to")),
    ]
    kind = forms.ChoiceField(label=_("This item"), choices=KINDS)
    target = forms.CharField(label=_("Item"), max_length=20, help_text=_("Its number, e.g. #42."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_target(self) -> Item:
        text = str(self.cleaned_data.get("target") or "").strip().lstrip("#")
        number = id_or_none(text)
        item = items_visible_to(self.user).filter(pk=number).first() if number else None
        if item is None:
            raise forms.ValidationError(_("There is no such item."))
        return item


class CommentForm(BootstrapForm):
    body = forms.CharField(
        label=_("Comment"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown. @handle mentions someone; they start watching the item."),
    )


class MoveForm(forms.Form):
    """A card's new place: its column and the neighbours it was dropped between."""

    column = forms.ModelChoiceField(queryset=Column.objects.none())
    after = forms.ModelChoiceField(queryset=Item.objects.none(), required=False)
    before = forms.ModelChoiceField(queryset=Item.objects.none(), required=False)

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = board.columns.all()  # type: ignore[attr-defined]
        self.fields["after"].queryset = Item.objects.filter(board=board)  # type: ignore[attr-defined]
        self.fields["before"].queryset = Item.objects.filter(board=board)  # type: ignore[attr-defined]


class SaveViewForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)


class BulkForm(forms.Form):
    ACTIONS = [
        ("assign", _("Assign to")),
        ("unassign", _("Unassign")),
        ("label", _("Add label")),
        ("unlabel", _("Remove label")),
        ("move", _("Move to column")),
        ("close", _("Close")),
        ("reopen", _("Reopen")),
    ]
    items = forms.ModelMultipleChoiceField(queryset=Item.objects.none())
    action = forms.ChoiceField(choices=ACTIONS)
    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    label = forms.ModelChoiceField(queryset=Label.objects.none(), required=False)
    column = forms.ModelChoiceField(queryset=Column.objects.none(), required=False)

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = Item.objects.filter(board=board)  # type: ignore[attr-defined]
        self.fields["user"].queryset = active_users()  # type: ignore[attr-defined]
        self.fields["label"].queryset = Label.objects.filter(Q(board=board) | Q(board__isnull=True))  # type: ignore[attr-defined]
        self.fields["column"].queryset = board.columns.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs = {"assign": "user", "unassign": "user", "label": "label", "unlabel": "label", "move": "column"}
        field = needs.get(data.get("action", ""))
        if field and not data.get(field):
            self.add_error(field, _("Choose one."))
        data["value"] = data.get(field) if field else None
        return data
