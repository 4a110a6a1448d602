"""The rituals' forms: the finance run's quick actions (assign, move) and the minutes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.core.forms import BootstrapForm, PickerSelect
from tandem.work.models import Board, Column


class AssignForm(BootstrapForm):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.filter(is_active=True, is_system=False),
        widget=PickerSelect("user"),
        empty_label=_("Choose someone"),
    )

    def __init__(self, *args: Any, item_id: int, **kwargs: Any) -> None:
        super().__init__(*args, auto_id=f"id_assign_{item_id}_%s", **kwargs)


class MoveForm(BootstrapForm):
    column = forms.ModelChoiceField(label=_("Move to"), queryset=Column.objects.none(), empty_label=None)

    def __init__(self, *args: Any, board: Board, item_id: int, **kwargs: Any) -> None:
        super().__init__(*args, auto_id=f"id_move_{item_id}_%s", **kwargs)
        field = self.fields["column"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = board.columns.all()
        field.label_from_instance = lambda column: column.display_name  # type: ignore[method-assign,assignment]


class MinutesForm(BootstrapForm):
    occurrence = forms.DateTimeField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    text = forms.CharField(
        label=_("Text of the minutes"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace minutes-text", "dir": "auto"}),
        help_text=_(
            "Markdown. Action lines (see “Writing actions”) become items on the board when you convert them."
        ),
    )
