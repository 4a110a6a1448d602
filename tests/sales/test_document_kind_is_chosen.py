"""A deal's document has the kind someone chose: the panel's form offers an empty "Choose a kind…"
that must be changed, the API refuses a document without a kind (422), so an upload counts for
the win's signed contract only when it was said to be one."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.core.errors import Conflict, InvalidInput
from tandem.sales import services
from tandem.sales.models import Deal, DealDocument
from tests.api.conftest import BASE, ApiClient, assert_error
from tests.conftest import login
from tests.sales.gates import clear_the_gates


@pytest.fixture
def deal(member, pipeline):
    return clear_the_gates(services.create_deal(by=member, pipeline=pipeline, title="Acme pilot"), by=member)


def pdf(name="contract.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 signed", content_type="application/pdf")


def test_the_panel_offers_no_kind_until_one_is_chosen(member, deal):
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    select = re.search(r'<select[^>]*name="kind"[^>]*required[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    options = select.group(1)
    assert options.startswith('<option value="" selected>Choose a kind…</option>')
    assert options.count("selected") == 1  # "Signed contract" is not taken for granted


@pytest.mark.parametrize("kind", [None, ""])
def test_an_upload_without_a_kind_is_refused_and_does_not_win(member, deal, kind):
    client = login(member)
    body = {"file": pdf()} | ({} if kind is None else {"kind": kind})
    page = client.post(f"/deals/{deal.pk}/documents/", body, follow=True).content.decode()
    assert "Choose the kind of document." in page
    assert not deal.documents.filter(kind="signed_contract").exists()
    won = client.post(f"/deals/{deal.pk}/win/", follow=True).content.decode()
    assert "signed contract" in won and Deal.objects.get(pk=deal.pk).stage.kind == "open"


def test_a_chosen_kind_is_kept(member, deal):
    login(member).post(f"/deals/{deal.pk}/documents/", {"kind": "signed_contract", "file": pdf()})
    assert list(deal.documents.values_list("kind", flat=True)) == ["signed_contract", "proposal"]


def test_the_service_takes_no_kind_for_granted(member, deal):
    with pytest.raises(InvalidInput) as refused:
        services.attach_document(deal, by=member, kind="", url="https://docs.example/x.pdf")
    assert refused.value.field == "kind"
    services.attach_document(deal, by=member, kind="other", url="https://docs.example/x.pdf")
    with pytest.raises(Conflict, match="signed contract"):
        services.win(deal, by=member)


def test_the_api_answers_422_without_a_kind(member, deal, api_token_for):
    api = ApiClient(api_token_for(member))
    link = api.post(f"/deals/{deal.pk}/documents", {"url": "https://docs.example/c.pdf"})
    assert_error(link, 422, "invalid")
    assert "kind" in {e["field"] for e in link.json()["errors"]}
    upload = api.client.post(
        f"{BASE}/deals/{deal.pk}/documents/upload", {"file": pdf()}, headers=api._headers(None)
    )
    assert upload.status_code == 422
    empty = api.client.post(
        f"{BASE}/deals/{deal.pk}/documents/upload", {"kind": "", "file": pdf()}, headers=api._headers(None)
    )
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "kind"
    assert not DealDocument.objects.filter(deal=deal).exclude(kind="proposal").exists()
    made = api.post(
        f"/deals/{deal.pk}/documents", {"kind": "signed_contract", "url": "https://docs.example/c.pdf"}
    )
    assert made.status_code == 201 and made.json()["kind"] == "signed_contract"
