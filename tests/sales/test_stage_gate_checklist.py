"""The deal's page shows the gates of its current and next stages as a checklist: what each needs
(fields, checklist steps, a document; Won a signed contract), met or not, with an upload form
beside a missing document whose kind is the requirement's — while the Files card's form still
takes no kind for granted. The checklist reads the same rules that refuse a move."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.sales import rules, services
from tandem.sales.models import Deal, StageKind
from tests.conftest import join_team_of, login
from tests.sales.page import gate, part


def stages(pipeline):
    return {stage.name: stage for stage in pipeline.stages.all()}


def test_a_new_deal_sees_its_stage_and_the_next_ones_gate(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot", data={"value": "500"})
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    named = stages(pipeline)
    gates = part(page, "deal-gates", "</section>")
    assert "Nothing required." in part(gates, f"gate-{named['Lead'].pk}", "</div>")
    assert gate(page, named["Qualified"].pk) == {"field:value": True, "field:organization": False}
    assert 'id="gate-{}"'.format(named["Proposal"].pk) not in page  # only the current and next stages
    unmet = part(page, f"gate-{named['Qualified'].pk}", "</ul>")
    assert 'href="#deal-edit-organization"' in unmet  # the way to meet it: the deal form's field
    assert 'id="deal-edit-organization"' in page


def test_a_missing_document_is_uploaded_beside_it_with_its_kind(member, pipeline, make_org):
    deal = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme pilot",
        data={"value": "500", "organization": make_org("Acme")},
        stage=stages(pipeline)["Qualified"],
    )
    client = login(member)
    proposal = stages(pipeline)["Proposal"]
    page = client.get(f"/items/{deal.pk}/").content.decode()
    assert gate(page, proposal.pk) == {"step:Demo given": False, "document:proposal": False}
    beside = part(page, f"gate-{proposal.pk}", "</ul>")
    upload = re.search(r'<form[^>]*action="/deals/\d+/documents/"[^>]*>(.*?)</form>', beside, re.S)
    assert upload is not None
    assert '<input type="hidden" name="kind" value="proposal">' in upload.group(1)
    assert re.search(r'<label class="visually-hidden" for="([^"]+)">Proposal: file</label>', upload.group(1))
    # the Files card's own form still starts with no kind chosen
    files_form = part(page, "deal-upload", "</form>")
    assert '<option value="" selected>Choose a kind…</option>' in files_form
    assert files_form.count(" selected") == 1

    answer = client.post(
        f"/deals/{deal.pk}/documents/",
        {"kind": "proposal", "file": SimpleUploadedFile("proposal.pdf", b"%PDF-1.4 offer")},
        follow=True,
    ).content.decode()
    assert "Document attached." in answer
    assert gate(answer, proposal.pk) == {"step:Demo given": False, "document:proposal": True}
    client.post(f"/deals/{deal.pk}/checklist/", {"stage": proposal.pk, "step": "Demo given", "done": "1"})
    page = client.get(f"/items/{deal.pk}/").content.decode()
    assert gate(page, proposal.pk) == {"step:Demo given": True, "document:proposal": True}
    assert rules.missing_for(Deal.objects.get(pk=deal.pk), proposal) == []  # the rules agree


def test_the_last_stage_shows_what_winning_needs(member, pipeline, make_org):
    deal = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme pilot",
        data={"value": "500", "organization": make_org("Acme")},
        stage=stages(pipeline)["Qualified"],
    )
    proposal = stages(pipeline)["Proposal"]
    services.tick_step(deal, proposal, "Demo given", by=member)
    services.attach_document(deal, by=member, kind="proposal", url="https://docs.example/offer.pdf")
    services.enter_stage(deal, proposal, by=member)
    page = login(member).get(f"/items/{deal.pk}/").content.decode()
    won = pipeline.stages.get(kind=StageKind.WON)
    assert gate(page, proposal.pk) == {"step:Demo given": True, "document:proposal": True}
    assert gate(page, won.pk) == {"document:signed_contract": False}
    assert '<input type="hidden" name="kind" value="signed_contract">' in part(
        page, f"gate-{won.pk}", "</ul>"
    )
    services.attach_document(deal, by=member, kind="signed_contract", url="https://docs.example/signed.pdf")
    assert gate(login(member).get(f"/items/{deal.pk}/").content.decode(), won.pk) == {
        "document:signed_contract": True
    }


def test_readers_see_the_checklist_but_no_forms(member, guest, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    join_team_of(guest, pipeline.board)
    page = login(guest).get(f"/items/{deal.pk}/").content.decode()
    qualified = stages(pipeline)["Qualified"]
    assert gate(page, qualified.pk) == {"field:value": False, "field:organization": False}
    assert "gate-upload" not in page and "Set it in the deal" not in page


def test_a_decided_deal_shows_no_gates(member, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    services.lose(deal, by=member, reason="No budget")
    assert 'id="deal-gates"' not in login(member).get(f"/items/{deal.pk}/").content.decode()
