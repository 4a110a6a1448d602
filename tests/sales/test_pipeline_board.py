"""A pipeline's board sells: a deal's card shows its value, organization, expected close, owner and
an overdue activity, and no chip of the stage its column already names; stage columns count and sum
their deals (value and value times probability, per currency); Won, Lost and Closed are drop zones
at the end; an empty Open column stays away. Work items that are not deals keep their cards. A drop
answers with the card and both columns' headers as they are now. The page's queries do not grow
with its cards."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.sales import services
from tandem.sales.models import Deal
from tandem.sales.services.activities import complete_activity, log_activity
from tandem.work import services as work
from tests.conftest import login


def card(page: str, pk: int) -> str:
    found = re.search(rf'<article[^>]*id="card-{pk}".*?</article>', page, re.S)
    return found.group(0) if found else ""


def header(page: str, column_pk: int) -> str:
    found = re.search(rf'id="column-{column_pk}-header">(.*?)</header>', page, re.S)
    return " ".join(found.group(1).split()) if found else ""


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def stages(pipeline):
    return {stage.name: stage for stage in pipeline.stages.all()}


@pytest.fixture
def columns(pipeline):
    return {column.name: column for column in pipeline.board.columns.all()}


def deal(by, pipeline, title: str, **data) -> Deal:
    stage = data.pop("stage", None)
    return services.create_deal(by=by, pipeline=pipeline, title=title, data=data, stage=stage)


def board_page(user, pipeline) -> str:
    response = login(user).get(f"/boards/{pipeline.board_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_deal_card_shows_value_organization_close_owner_and_an_overdue_activity(
    member, manager, pipeline, make_org
):
    today = timezone.localdate()
    acme = make_org("Acme Corp")
    late = deal(
        member,
        pipeline,
        "Acme pilot",
        value="24000",
        organization=acme,
        owner=manager,
        expected_close=date(2031, 5, 12),
    )
    log_activity(late, by=member, kind="call", summary="Call the buyer back", due=today - timedelta(days=2))
    done = deal(member, pipeline, "Done calls", value="10.50")
    complete_activity(
        log_activity(done, by=member, kind="call", summary="Done", due=today - timedelta(days=2)), by=member
    )
    coming = deal(member, pipeline, "Calls ahead")
    log_activity(coming, by=member, kind="meeting", summary="Demo", due=today + timedelta(days=3))

    page = board_page(member, pipeline)
    shown = text(card(page, late.pk))
    assert "24,000 EUR" in shown
    assert "Acme Corp" in shown
    assert "12 May 2031" in shown
    assert 'title="Mona Manager"><span aria-hidden="true">MM<' in card(
        page, late.pk
    )  # the owner, not the creator
    assert "deal-card-overdue" in card(page, late.pk) and "Overdue" in shown
    assert "10.50 EUR" in text(card(page, done.pk))
    for other in (done, coming):  # done, or not due yet: no mark
        assert "deal-card-overdue" not in card(page, other.pk)
    assert "stage::" not in page[page.index('id="board"') :]  # every card's column names its stage


def test_other_items_keep_their_cards_and_other_labels_still_show(member, manager, pipeline, columns):
    task = work.create_item(
        by=member,
        board=pipeline.board,
        data={"title": "Plan the trade fair", "type": "task", "assignees": [member]},
    )
    hot = work.create_label(by=manager, board=pipeline.board, data={"name": "hot"})
    sale = deal(member, pipeline, "Hot lead", value="100")
    item = sale.item
    work.update_item(item, by=member, version=None, data={"labels": [*item.labels.all(), hot]})

    page = board_page(member, pipeline)
    assert 'id="column-{}"'.format(columns["Open"].pk) in page  # not empty: it shows
    plain = card(page, task.pk)
    assert plain and "deal-card" not in plain and "EUR" not in plain
    assert 'title="Bob Member"><span aria-hidden="true">BM<' in plain  # its assignees, as on any board
    shown = card(page, sale.pk)
    assert ">hot<" in shown and "stage::" not in shown


def test_stage_columns_count_and_sum_their_deals_per_currency(member, pipeline, columns, stages, make_org):
    deal(member, pipeline, "A", value="10000")  # Lead, 10 %: 1,000 weighted
    deal(member, pipeline, "B", value="2500", probability="50")  # its own 50 %: 1,250
    deal(member, pipeline, "C", value="1000", currency="USD")  # 100 USD
    deal(member, pipeline, "D")  # no value: counted, not summed
    deal(member, pipeline, "E", value="3000", organization=make_org("Zeta"), stage=stages["Qualified"])

    page = board_page(member, pipeline)
    lead = header(page, columns["Lead"].pk)
    assert 'column-count" title="Items">4<' in lead
    assert "12,500 EUR" in text(lead) and "2,250 EUR weighted" in text(lead)
    assert "1,000 USD" in text(lead) and "100 USD weighted" in text(lead)
    qualified = text(header(page, columns["Qualified"].pk))
    assert "3,000 EUR" in qualified and "900 EUR weighted" in qualified
    assert "EUR" not in text(header(page, columns["Proposal"].pk))  # nothing to sum


def test_won_lost_and_closed_are_drop_zones_and_an_empty_open_column_stays_away(member, pipeline, columns):
    lost = deal(member, pipeline, "Gone", value="700")
    services.lose(lost, by=member, reason="Chose a rival")
    page = board_page(member, pipeline)
    assert f'id="column-{columns["Open"].pk}"' not in page  # empty on a pipeline: left off
    zones = page[page.index('class="board-zones"') :]
    for name in ("Won", "Lost", "Closed"):
        assert f'id="column-{columns[name].pk}"' in zones
        assert f'<div class="board-column-cards" id="column-{columns[name].pk}-cards"' in zones
    lost_zone = text(header(page, columns["Lost"].pk))
    assert "Lost" in lost_zone and "1" in lost_zone and "700 EUR" in lost_zone
    assert "weighted" not in lost_zone
    assert card(page, lost.pk) == ""  # a zone shows no cards: its name links to them
    assert f"/boards/{pipeline.board_id}/list/?column={columns['Lost'].pk}" in zones
    for name in ("Lead", "Qualified", "Proposal"):  # the stages are columns with tabs on a phone
        assert f'id="column-{columns[name].pk}-tab"' in page


def test_a_drop_answers_the_card_and_both_headers_afresh(member, pipeline, columns, make_org):
    sale = deal(member, pipeline, "Moving on", value="5000", organization=make_org("Acme"))
    deal(member, pipeline, "Staying", value="1000")
    client = login(member)
    response = client.post(
        f"/items/{sale.pk}/move/",
        {"column": columns["Qualified"].pk, "filters": ""},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert "5,000 EUR" in text(answer["card"]) and "stage::" not in answer["card"]
    assert f'id="card-{sale.pk}"' in answer["card"]
    headers = {int(pk): " ".join(text(html).split()) for pk, html in answer["headers"].items()}
    assert set(headers) == {columns["Lead"].pk, columns["Qualified"].pk}
    assert "1,000 EUR" in headers[columns["Lead"].pk]
    assert (
        "5,000 EUR" in headers[columns["Qualified"].pk]
        and "1,500 EUR weighted" in headers[columns["Qualified"].pk]
    )


def test_a_pipeline_board_runs_as_many_queries_for_3_deals_as_for_23(member, pipeline, make_org):
    """One query more than a board of tasks for the deals' figures on the cards, one for the
    columns' totals; a stage is read with its column. Never a query per card."""
    acme = make_org("Acme Corp")

    def add(count: int) -> None:
        for n in range(count):
            made = deal(member, pipeline, f"Deal {n}", value=str(100 + n), organization=acme, owner=member)
            if n % 3 == 0:
                log_activity(made, by=member, kind="call", summary="Late", due=date(2020, 1, 1))

    def count() -> int:
        client = login(member)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/boards/{pipeline.board_id}/").status_code == 200
        return len(queries.captured_queries)

    add(3)
    few = count()
    add(20)
    many = count()
    assert few == many, f"{few} queries for 3 deals, {many} for 23"
    assert many <= PIPELINE_BOARD_QUERIES, f"{many} queries (pinned at most {PIPELINE_BOARD_QUERIES})"


# the board of tasks' 16 (tests/work/test_query_counts.py, two columns of cards) with one column of
# cards here (14), + the stale deals' badges (as before), + the deals' figures on the cards (one query
# for the page), + the columns' totals (one grouped query for every column); a stage is read with
# its column (a join), and a drop zone (Won, Lost, Closed) reads no cards; + the board's rituals
# (a finance run reviewing it: one query)
PIPELINE_BOARD_QUERIES = 18
