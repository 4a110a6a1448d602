"""Qualifying a lead on its page: the pipeline is chosen for you when there is only one, and what is
known of the deal already — value, currency, expected close — goes with it (all optional). The
service checks them before it makes anything: a bad value or currency is shown beside its field
and leaves no organization, person or deal behind. The lead's pages have a breadcrumb and Cancel."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from tandem.contacts.models import Organization, Person
from tandem.core.errors import InvalidInput
from tandem.sales import services
from tandem.sales.models import Deal, Lead, LeadStatus
from tests.conftest import login


@pytest.fixture
def lead(member):
    return services.create_lead(by=member, data={"name": "Ann Lee", "company": "Zeta Robotics"})


def pipeline_options(page: str) -> str:
    found = re.search(r'<select name="pipeline"[^>]*>(.*?)</select>', page, re.S)
    assert found is not None
    return found.group(1)


def test_the_only_pipeline_is_chosen_for_you(member, pipeline, lead):
    page = login(member).get(f"/leads/{lead.pk}/").content.decode()
    assert f'<option value="{pipeline.pk}" selected>New business</option>' in pipeline_options(page)


def test_with_two_pipelines_you_choose(member, manager, pipeline, lead):
    services.create_pipeline(by=manager, name="Renewals", stages=[{"name": "Due", "probability": 50}])
    options = pipeline_options(login(member).get(f"/leads/{lead.pk}/").content.decode())
    assert "Renewals" in options and " selected>" in options
    assert re.findall(r'<option value="(\d*)" selected>', options) == [""]  # the empty choice


def test_the_figures_go_with_the_deal(member, pipeline, lead):
    response = login(member).post(
        f"/leads/{lead.pk}/",
        {
            "pipeline": pipeline.pk,
            "value": "12500.5",
            "currency": "usd",
            "expected_close": "2031-03-31",
            "action": "qualify",
        },
        follow=True,
    )
    deal = Deal.objects.get()
    assert (deal.value, deal.currency, deal.expected_close) == (
        Decimal("12500.50"),
        "USD",
        datetime.date(2031, 3, 31),
    )
    assert response.redirect_chain == [(f"/items/{deal.pk}/", 302)]
    assert "Qualified: the deal is in its pipeline" in response.content.decode()


def test_empty_figures_leave_the_pipelines_currency(member, pipeline, lead):
    login(member).post(
        f"/leads/{lead.pk}/", {"pipeline": pipeline.pk, "value": "", "currency": "", "action": "qualify"}
    )
    deal = Deal.objects.get()
    assert (deal.value, deal.currency, deal.expected_close) == (None, pipeline.currency, None)


@pytest.mark.parametrize(
    ("field", "given", "message"),
    [
        ("value", "-5", "Enter an amount from 0 up."),
        ("value", "lots", "Enter an amount such as 1200.50."),
        ("currency", "EURO", "A currency is a three-letter code such as EUR or USD."),
        ("currency", "E1R", "A currency is a three-letter code such as EUR or USD."),
    ],
)
def test_bad_figures_are_refused_beside_their_field_and_make_nothing(
    member, pipeline, lead, field, given, message
):
    response = login(member).post(
        f"/leads/{lead.pk}/", {"pipeline": pipeline.pk, field: given, "action": "qualify"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(
        rf'<div class="invalid-feedback d-block" id="id_{field}_error">(.*?)</div>\s*</div>', page, re.S
    )
    assert error is not None and message in error.group(1)
    assert re.search(
        rf'<input[^>]*name="{field}"[^>]*is-invalid|<input[^>]*is-invalid[^>]*name="{field}"', page
    )
    assert (Deal.objects.count(), Organization.objects.count(), Person.objects.count()) == (0, 0, 0)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW


def test_the_service_checks_the_figures_first(member, pipeline, lead):
    with pytest.raises(InvalidInput) as refused:
        services.qualify_lead(lead, by=member, pipeline=pipeline, data={"value": "-1"})
    assert refused.value.field == "value"
    assert not Organization.objects.exists() and not Deal.objects.exists()


def test_the_lead_pages_have_a_breadcrumb_and_cancel(member, lead):
    client = login(member)
    for url, current in ((f"/leads/{lead.pk}/", "<bdi>Ann Lee</bdi>"), ("/leads/new/", "New lead")):
        page = client.get(url).content.decode()
        crumbs = page.split('<ol class="breadcrumb', 1)[1].split("</ol>", 1)[0]
        assert '<a href="/leads/">Leads</a>' in crumbs
        assert f'aria-current="page">{current}</li>' in crumbs
        assert re.search(r'<a class="btn btn-link[^"]*" href="/leads/">Cancel</a>', page)
    saved = client.post("/leads/new/", {"name": "Bo Chen"}, follow=True).content.decode()
    assert "Lead saved." in saved
