"""The sales pages: define a pipeline from a form, add and qualify a lead, and on the deal's page
attach the signed contract, win (refused first without it), lose with a reason; guests read."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.finance.models import Invoice
from tandem.sales import services
from tandem.sales.models import Deal, Lead, LeadStatus, Pipeline, StageKind
from tests.conftest import join_team_of, login
from tests.sales.gates import clear_the_gates
from tests.sales.page import gate


def test_a_manager_defines_a_pipeline_from_the_form(manager, finance_board):
    client = login(manager)
    response = client.post(
        "/pipelines/new/",
        {
            "name": "Renewals",
            "currency": "usd",
            "finance_board": finance_board.pk,
            "stages": "Due, 50\nOffer sent, 70\n",
        },
    )
    pipeline = Pipeline.objects.get(name="Renewals")
    assert response.status_code == 302 and response["Location"] == f"/boards/{pipeline.board_id}/"
    assert [(s.name, str(s.probability)) for s in pipeline.stages.all()][:2] == [
        ("Due", "50.00"),
        ("Offer sent", "70.00"),
    ]
    assert pipeline.currency == "USD"
    assert "Renewals" in client.get("/pipelines/").content.decode()


def test_lead_to_deal_through_the_pages(member, pipeline):
    client = login(member)
    client.post("/leads/new/", {"name": "Ann Lee", "company": "Zeta Robotics", "email": "ann@zeta.example"})
    lead = Lead.objects.get()
    assert "Zeta Robotics" in client.get("/leads/").content.decode()
    response = client.post(f"/leads/{lead.pk}/", {"pipeline": pipeline.pk, "action": "qualify"})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED
    assert response["Location"] == f"/items/{lead.deal_id}/"


def test_the_deal_panel_wins_only_with_a_signed_contract(member, pipeline, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot", data={"value": "500"})
    clear_the_gates(deal, by=member)
    client = login(member)
    page = client.get(f"/items/{deal.pk}/").content.decode()
    assert 'id="deal"' in page and "Mark as won" in page
    refused = client.post(f"/deals/{deal.pk}/win/", follow=True).content.decode()
    assert "signed contract" in refused
    assert Deal.objects.get(pk=deal.pk).stage.kind == StageKind.OPEN
    client.post(
        f"/deals/{deal.pk}/documents/",
        {"kind": "signed_contract", "file": SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed")},
    )
    client.post(f"/deals/{deal.pk}/win/")
    won = Deal.objects.get(pk=deal.pk)
    assert won.stage.kind == StageKind.WON and Invoice.objects.filter(deal=won).exists()
    # the contract is served by Tandem (not from /media/, which production does not serve)
    document = won.documents.get(kind="signed_contract")
    link = f"/deals/{deal.pk}/documents/{document.pk}/"
    assert link in client.get(f"/items/{won.item_id}/").content.decode()
    served = client.get(link)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == b"%PDF-1.4 signed"
    assert client.get(f"/deals/{deal.pk}/documents/{document.pk + 1}/").status_code == 404


def test_losing_from_the_panel_needs_a_reason(member, guest, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme pilot")
    client = login(member)
    client.post(f"/deals/{deal.pk}/lose/", {"reason": ""})
    assert Deal.objects.get(pk=deal.pk).stage.kind == StageKind.OPEN
    client.post(f"/deals/{deal.pk}/lose/", {"reason": "No budget"})
    assert Deal.objects.get(pk=deal.pk).lost_reason == "No budget"
    assert login(guest).get(f"/items/{deal.pk}/").status_code == 404  # not in the board's team
    join_team_of(guest, pipeline.board)
    assert login(guest).get(f"/items/{deal.pk}/").status_code == 200
    assert login(guest).post(f"/deals/{deal.pk}/win/").status_code == 403


def test_the_report_page_and_its_csv(member, manager, pipeline):
    services.create_deal(by=member, pipeline=pipeline, title="Acme", data={"value": "1234.50"})
    lost = services.create_deal(
        by=manager, pipeline=pipeline, title="Globex", data={"value": "10", "owner": manager}
    )
    services.lose(lost, by=manager, reason="Price")
    client = login(member)
    page = client.get(f"/pipelines/{pipeline.pk}/report/").content.decode()
    assert "Funnel (open deals)" in page and "1,234.50 EUR" in page
    owners = page[page.index('id="owners"') :]
    assert owners.index("Bob Member") < owners.index("Mona Manager") and "0.00 %" in owners
    csv_lines = (
        client.get(f"/pipelines/{pipeline.pk}/report/", {"format": "csv"}).content.decode().splitlines()
    )
    assert "funnel,Lead,EUR,1,1234.50,123.45" in csv_lines
    assert "outcomes,,,,,,0,,1,0.00," in csv_lines
    assert "conversion,Lead -> Qualified,,2,,,0,,,0.00" in csv_lines
    assert "owner,Bob Member,EUR,1,1234.50,123.45,0,,0,," in csv_lines
    assert "owner,Mona Manager,,0,,,0,,1,0.00," in csv_lines

    # one owner: the funnel counts only theirs; a later period has no decisions in it
    mine = client.get(f"/pipelines/{pipeline.pk}/report/", {"owner": manager.pk, "since": "2999-01-01"})
    funnel = mine.content.decode().split('id="funnel"')[1].split("</table>")[0]
    assert "1,234.50" not in funnel
    outcomes = mine.content.decode().split('id="outcomes"')[1].split("</dl>")[0]
    assert '<dd class="col-6">1</dd>' not in outcomes
    # a bad date is ignored, not an error; an unknown pipeline is a 404
    assert (
        client.get(f"/pipelines/{pipeline.pk}/report/", {"since": "not-a-date", "owner": "x"}).status_code
        == 200
    )
    assert client.get("/pipelines/999999/report/").status_code == 404


def test_the_report_page_loads_the_conversion_in_its_own_request(member, pipeline):
    services.create_deal(by=member, pipeline=pipeline, title="Acme")
    client = login(member)
    page = client.get(f"/pipelines/{pipeline.pk}/report/", {"owner": member.pk}).content.decode()
    conversion = page.split('id="conversion"')[1].split("</div>")[0]
    assert f'hx-get="?owner={member.pk}&amp;part=conversion"' in conversion and "Lead → Qualified" not in page
    part = client.get(f"/pipelines/{pipeline.pk}/report/", {"owner": member.pk, "part": "conversion"})
    text = part.content.decode()
    assert part.status_code == 200 and "<html" not in text
    assert "Lead → Qualified" in text and "0 / 1" in text


def test_deals_that_sit_too_long_in_a_stage_are_flagged_on_the_board(member, manager, pipeline):
    from datetime import timedelta

    from django.utils import timezone

    from tandem.sales.models import Deal

    services.update_stage(pipeline.stages.get(name="Lead"), by=manager, data={"stale_after_days": 7})
    fresh = services.create_deal(by=member, pipeline=pipeline, title="Fresh deal")
    old = services.create_deal(by=member, pipeline=pipeline, title="Old deal")
    Deal.objects.filter(pk=old.pk).update(stage_entered_at=timezone.now() - timedelta(days=9))
    page = login(member).get(f"/boards/{pipeline.board_id}/").content.decode()
    old_card = page[page.index(f'id="card-{old.pk}"') :][:2500]
    fresh_card = page[page.index(f'id="card-{fresh.pk}"') :][:2500].split("</article>")[0]
    assert "9 days in stage" in old_card.split("</article>")[0]
    assert "in stage" not in fresh_card


def test_ticking_a_stage_checklist_from_the_deal_panel(member, pipeline, make_org):
    """The next stage's checklist steps are ticked in its gate on the deal's panel."""
    qualified, proposal = pipeline.stages.get(name="Qualified"), pipeline.stages.get(name="Proposal")
    deal = services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme",
        data={"value": "10", "organization": make_org("Acme")},
        stage=qualified,
    )
    client = login(member)
    page = client.get(f"/items/{deal.pk}/").content.decode()
    assert "To enter “Proposal”, the deal needs:" in page
    assert gate(page, proposal.pk)["step:Demo given"] is False
    client.post(f"/deals/{deal.pk}/checklist/", {"stage": proposal.pk, "step": "Demo given", "done": "1"})
    assert Deal.objects.get(pk=deal.pk).checklist_done == {str(proposal.pk): ["Demo given"]}
    assert gate(client.get(f"/items/{deal.pk}/").content.decode(), proposal.pk)["step:Demo given"] is True


def test_stages_typed_on_a_persian_keyboard_keep_their_probabilities(manager, finance_board):
    stages = "سررسید، ۵۰\nپیشنهاد ارسال شد، 70\n"  # noqa: RUF001 - Persian words and digits
    login(manager).post(
        "/pipelines/new/",
        {"name": "تمدید", "currency": "irr", "finance_board": finance_board.pk, "stages": stages},
    )
    pipeline = Pipeline.objects.get(name="تمدید")
    assert [(s.name, str(s.probability)) for s in pipeline.stages.all()][:2] == [
        ("سررسید", "50.00"),
        ("پیشنهاد ارسال شد", "70.00"),
    ]
