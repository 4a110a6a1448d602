from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import BootstrapForm
from tandem.mailgate.models import MailAddress, SenderPolicy
from tandem.work.forms import active_users
from tandem.work.models import Board, ItemType, Label


class MailAddressForm(BootstrapForm):
    address = forms.CharField(
        label=_("Address"), max_length=254, help_text=_("Mail to it becomes an item on this board.")
    )
    item_type = forms.ChoiceField(label=_("Item type"), required=False)
    labels = forms.ModelMultipleChoiceField(label=_("Labels"), queryset=Label.objects.none(), required=False)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=active_users(), required=False)
    senders = forms.ChoiceField(label=_("Who may write"), choices=SenderPolicy.choices)
    domains = forms.CharField(
        label=_("Allowed domains"),
        max_length=500,
        required=False,
        help_text=_("For “Addresses at the allowed domains”; empty means the address's own domain."),
    )
    catch_all = forms.BooleanField(
        label=_("Catch-all: also take mail for addresses no board has"), required=False
    )
    acknowledge = forms.BooleanField(
        label=_("Confirm receipt: tell the sender of each new item its number"), required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, board: Board, instance: MailAddress | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "address": instance.address,
                    "item_type": instance.item_type,
                    "labels": list(instance.labels.all()),
                    "assignee": instance.assignee,
                    "senders": instance.senders,
                    "domains": instance.domains,
                    "catch_all": instance.catch_all,
                    "acknowledge": instance.acknowledge,
                    "active": instance.active,
                },
            )
        kwargs.setdefault("prefix", f"address-{instance.pk}" if instance is not None else "address-new")
        super().__init__(*args, **kwargs)
        self.fields["item_type"].choices = [("", _("The board's default")), *ItemType.choices]  # type: ignore[attr-defined]
        self.fields["labels"].queryset = Label.objects.filter(  # type: ignore[attr-defined]
            Q(board=board) | Q(board__isnull=True)
        ).order_by("name")
        self.fields["labels"].widget.attrs["size"] = 4
