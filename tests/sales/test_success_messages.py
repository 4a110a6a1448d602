"""After each save on a deal's page the page says it was done (Django's messages, which base.html
shows): the deal saved, a document attached, the deal won or lost; a refusal says why instead."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.sales import services
from tandem.sales.models import Deal
from tests.conftest import login
from tests.sales.gates import clear_the_gates


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_each_save_on_the_deal_says_so(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    client = login(member)
    saved = client.post(f"/deals/{deal.pk}/edit/", {"value": "750", "currency": "EUR"}, follow=True)
    assert said(saved) == ["Deal saved."] and Deal.objects.get(pk=deal.pk).value == 750
    refused = client.post(f"/deals/{deal.pk}/edit/", {"value": "-1", "currency": "EUR"}, follow=True)
    assert "Deal saved." not in said(refused) and Deal.objects.get(pk=deal.pk).value == 750
    clear_the_gates(deal, by=member)
    attached = client.post(
        f"/deals/{deal.pk}/documents/",
        {"kind": "signed_contract", "file": SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed")},
        follow=True,
    )
    assert said(attached) == ["Document attached."]
    won = client.post(f"/deals/{deal.pk}/win/", follow=True)
    assert len(said(won)) == 1 and said(won)[0].startswith("Won.")


def test_losing_says_so(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    lost = login(member).post(f"/deals/{deal.pk}/lose/", {"reason": "Went with a rival"}, follow=True)
    assert said(lost) == ["Deal marked as lost."]
    page = lost.content.decode()
    assert "Deal marked as lost." in page[page.index('id="toasts"') :]  # a confirmation toast
