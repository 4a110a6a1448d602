from __future__ import annotations

from typing import Any

from django import template

from tandem.contacts.models import Organization, Person
from tandem.sales.models import DocumentKind, RequiredField
from tandem.work.forms import active_users, customer_option

register = template.Library()


@register.simple_tag
def document_kinds() -> list[tuple[Any, Any]]:
    """The kinds a deal's document can be, for the deal panel's upload form."""
    return list(DocumentKind.choices)


@register.simple_tag
def deal_owners() -> list[Any]:
    """The users a deal can be given to, for the deal panel's owner menu."""
    return list(active_users().only("full_name", "email"))


@register.simple_tag
def deal_contacts(deal: Any) -> list[Any]:
    """The people on a deal with their roles, in one query."""
    return list(
        deal.contacts.select_related("person").order_by("person__last_name", "person__first_name", "pk")
    )


@register.filter
def picker_text(record: Organization | Person | None) -> str:
    """A customer as the pickers offer it ("Acme Corp (#12)"), or nothing."""
    return customer_option(record) if record is not None else ""


@register.filter
def get_steps(done: dict[str, list[str]], stage_id: int) -> list[str]:
    """The checklist steps ticked for a stage (Deal.checklist_done is keyed by the stage's id)."""
    return list((done or {}).get(str(stage_id), []))


# the deal panel's form fields by the requirement they meet (a stage gate's "Set it" link goes there)
_FORM_FIELDS: dict[str, str] = {
    RequiredField.VALUE.value: "deal-edit-value",
    RequiredField.EXPECTED_CLOSE.value: "deal-edit-expected-close",
    RequiredField.NEXT_STEP.value: "deal-edit-next-step",
    RequiredField.ORGANIZATION.value: "deal-edit-organization",
}


@register.filter
def deal_form_field(required_field: str) -> str:
    """The id of the deal form's input that meets a required field (the form itself otherwise)."""
    return _FORM_FIELDS.get(required_field, "deal-edit")
