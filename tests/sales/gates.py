"""For tests that win a deal straight from an early stage: skipping a stage checks what it skips
(tandem.sales.rules), so such a deal first meets what every stage in progress of its pipeline
requires, as a seller would: the fields it lacks, the checklist steps, the documents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.accounts.models import User
from tandem.contacts import services as contacts
from tandem.sales import services
from tandem.sales.models import Deal, RequiredField, StageKind


def clear_the_gates(deal: Deal, *, by: User) -> Deal:
    """Meet every gate of the deal's stages in progress; keeps what the deal already has."""
    deal = Deal.objects.get(pk=deal.pk)
    today = timezone.localdate()
    for stage in deal.pipeline.stages.filter(kind=StageKind.OPEN).order_by("position", "id"):
        data: dict[str, Any] = {}
        for field in stage.required_fields:
            if field == RequiredField.VALUE and deal.value is None:
                data["value"] = "1000"
            elif field == RequiredField.ORGANIZATION and deal.organization_id is None:
                data["organization"] = contacts.create_organization(
                    by=by, data={"name": f"Customer of {deal.item.title}"}, allow_duplicate=True
                )
            elif field == RequiredField.EXPECTED_CLOSE and deal.expected_close is None:
                data["expected_close"] = today + timedelta(days=30)
            elif field == RequiredField.NEXT_STEP and not (deal.next_step and deal.next_step_due):
                data |= {"next_step": "Call the buyer", "next_step_due": today + timedelta(days=7)}
            elif field == RequiredField.CONTACT and not deal.contacts.exists():
                person = contacts.create_person(
                    by=by, data={"first_name": "Buyer", "last_name": f"{deal.pk}"}, allow_duplicate=True
                )
                services.add_contact(deal, person, by=by, role="buyer")
        if data:
            deal = services.update_deal(deal, by=by, data=data)
        for step in stage.checklist:
            services.tick_step(deal, stage, step, by=by)
        if stage.required_document and not deal.documents.filter(kind=stage.required_document).exists():
            services.attach_document(
                deal,
                by=by,
                kind=stage.required_document,
                url=f"https://docs.example/{deal.pk}/{stage.pk}.pdf",
            )
    return Deal.objects.get(pk=deal.pk)
