"""History is read only everywhere and admins export it: the CSV holds every row with its
changes, filtered by kind, verb, who and day, in pages (more rows than one page); members, managers
and outsiders get no export; the admin lists history without add, change or delete; the API has
no way to write history."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from django.test import Client

from tandem.activity.models import HistoryEntry
from tandem.contacts import services as contacts
from tandem.feeds import views
from tests.conftest import login


def export(client: Client, **query: str) -> list[dict[str, str]]:
    response = client.get("/history/export.csv", query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_admins_export_every_row_in_pages(admin_user, member, monkeypatch):
    monkeypatch.setattr(views, "PAGE", 3)
    acme = contacts.create_organization(by=member, data={"name": "Acme", "industry": "Tools"})
    contacts.update_organization(acme, by=member, version=acme.version, data={"industry": "Rockets"})
    for n in range(6):
        contacts.create_person(
            by=member, data={"first_name": "Ada", "last_name": f"Lovelace {n}"}, allow_duplicate=True
        )
    rows = export(login(admin_user))
    assert len(rows) == HistoryEntry.objects.count() >= 8
    assert [int(r["id"]) for r in rows] == sorted(HistoryEntry.objects.values_list("pk", flat=True))
    updated = next(r for r in rows if r["verb"] == "updated" and r["target_type"] == "organization")
    assert (
        json.loads(updated["changes"])["industry"] == ["Tools", "Rockets"]
        and updated["actor"] == member.email
    )

    only_orgs = export(login(admin_user), target_type="organization", verb="created")
    assert [r["target"] for r in only_orgs] == ["Acme"]
    assert export(login(admin_user), actor=str(admin_user.pk)) == []
    HistoryEntry.objects.filter(target_type="person").update(at=datetime(2020, 5, 1, 12, tzinfo=UTC))
    may_2020 = export(login(admin_user), since="2020-05-01", until="2020-05-01")
    assert len(may_2020) == 6 and {r["target_type"] for r in may_2020} == {"person"}
    assert len(export(login(admin_user), since="bad date")) == len(rows)  # a bad filter is ignored


def test_nobody_else_exports(member, manager, guest):
    for user in (member, manager, guest):
        assert login(user).get("/history/export.csv").status_code == 403
    anonymous = Client().get("/history/export.csv")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_history_is_read_only_in_the_admin_and_the_api(admin_user, member):
    acme = contacts.create_organization(by=member, data={"name": "Acme"})
    entry = HistoryEntry.objects.get(target_type="organization", target_id=acme.pk)
    client = login(admin_user)
    listing = client.get("/admin/activity/historyentry/").content.decode()
    assert "/history/export.csv" in listing
    assert client.get(f"/admin/activity/historyentry/{entry.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/activity/historyentry/{entry.pk}/change/", {"verb": "forged"}).status_code == 403
    )
    assert HistoryEntry.objects.get(pk=entry.pk).verb == "created"
    document = Client().get("/api/v1/openapi.json").json()
    history_paths = {path: ops for path, ops in document["paths"].items() if "history" in path}
    assert history_paths and all(set(ops) == {"get"} for ops in history_paths.values())
