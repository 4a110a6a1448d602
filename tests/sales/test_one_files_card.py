"""A deal's page has one Files card: the deal's documents, each with its kind, and the item's own
files (uploaded on the page, or come with a mail) in one list, and one upload form — the deal's,
which asks for the kind. The item page knows nothing of sales: sales adds its rows and its form
through tandem.work.rules.on_item_files. A plain item's card keeps its plain upload."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.sales import services
from tandem.work import rules
from tandem.work import services as work
from tandem.work.services import NewFile
from tests.conftest import login
from tests.sales.page import part


def files_card(page: str) -> str:
    return part(page, "files", "</section>")


def rows(card: str) -> list[str]:
    return re.findall(r'<li class="list-group-item[^"]*">(.*?)</li>', card, re.S)


def test_documents_and_files_show_in_one_card(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    (notes,) = work.attach_files(deal.item, by=member, files=[NewFile(name="call-notes.txt", content=b"hi")])
    client = login(member)
    client.post(
        f"/deals/{deal.pk}/documents/",
        {"kind": "proposal", "file": SimpleUploadedFile("offer.pdf", b"%PDF-1.4 offer")},
    )
    services.attach_document(deal, by=member, kind="quote", url="https://docs.example/quote")
    page = client.get(f"/items/{deal.pk}/").content.decode()
    assert page.count(">Files</h2>") == 1 and ">Documents<" not in page
    shown = rows(files_card(page))
    assert [re.findall(r"<a href=[^>]*><bdi>([^<]+)</bdi></a>", row)[0] for row in shown] == [
        "call-notes.txt",
        "offer.pdf",
        "https://docs.example/quote",
    ]
    notes_row, offer_row, quote_row = shown
    assert "badge" not in notes_row and f'href="/items/{deal.pk}/files/{notes.pk}/"' in notes_row
    assert "Remove call-notes.txt" in notes_row
    offer = deal.documents.get(kind="proposal")
    assert ">Proposal</span>" in offer_row and f'href="/deals/{deal.pk}/documents/{offer.pk}/"' in offer_row
    assert ">Quote</span>" in quote_row and 'rel="noopener noreferrer nofollow"' in quote_row
    # one upload form, the deal's: it asks for the kind
    card = files_card(page)
    assert card.count("<form") - card.count("/remove/") == 1
    assert f'action="/deals/{deal.pk}/documents/"' in card and 'name="kind"' in card
    assert 'id="item-files-input"' not in card
    assert re.search(r'<label class="form-label small mb-1" for="deal-upload-kind">Kind</label>', card)


def test_a_plain_items_card_keeps_its_plain_upload(member, manager):
    board = work.create_board(by=manager, data={"name": "Tasks"})
    item = work.create_item(by=member, board=board, data={"title": "Write docs"})
    work.attach_files(item, by=member, files=[NewFile(name="outline.txt", content=b"1. intro")])
    card = files_card(login(member).get(f"/items/{item.pk}/").content.decode())
    assert "outline.txt" in card and 'id="item-files-input"' in card
    assert 'name="kind"' not in card and "/deals/" not in card
    assert rules.item_files(item) == []  # sales has nothing to add to a task


def test_an_item_of_type_deal_outside_a_pipeline_keeps_the_plain_card(member, manager):
    board = work.create_board(by=manager, data={"name": "Tasks"})
    item = work.create_item(by=member, board=board, data={"title": "Odd one", "type": "deal"})
    page = login(member).get(f"/items/{item.pk}/")
    assert page.status_code == 200
    card = files_card(page.content.decode())
    assert 'id="item-files-input"' in card and 'id="deal-header"' not in page.content.decode()
