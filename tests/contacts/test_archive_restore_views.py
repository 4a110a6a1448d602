"""Archiving and restoring from the record page (managers and admins)."""

from __future__ import annotations

from tandem.activity.models import HistoryEntry
from tandem.contacts import services
from tests.conftest import login
from tests.contacts.pages import org_url, person_url


def test_archive_then_restore_an_organization(manager, make_org):
    org = make_org("Acme Corp")
    client = login(manager)
    response = client.post(org_url("archive", org.pk), {"version": org.version}, follow=True)
    html = response.content.decode()
    org.refresh_from_db()
    assert org.archived_at is not None
    assert "Archived “Acme Corp”" in html
    assert ">Restore<" in html and org_url("restore", org.pk) in html
    assert f'href="{org_url("detail", org.pk)}"' not in client.get(org_url("list")).content.decode()

    response = client.post(org_url("restore", org.pk), {"version": org.version}, follow=True)
    org.refresh_from_db()
    assert org.archived_at is None
    assert "Restored “Acme Corp”." in response.content.decode()
    assert list(
        HistoryEntry.objects.filter(target_type="organization", target_id=org.pk).values_list(
            "verb", flat=True
        )
    ) == ["restored", "archived", "created"]


def test_archive_a_person(admin_user, make_person):
    person = make_person("Ada", "Lovelace")
    response = login(admin_user).post(person_url("archive", person.pk), {"version": person.version})
    assert response.status_code == 302 and response.url == person_url("detail", person.pk)
    person.refresh_from_db()
    assert person.is_archived


def test_archive_based_on_an_old_page_is_refused(manager, member, make_org):
    org = make_org("Acme Corp")
    old_version = org.version
    services.update_organization(org, by=member, version=org.version, data={"industry": "Rockets"})
    response = login(manager).post(org_url("archive", org.pk), {"version": old_version}, follow=True)
    assert "Someone else changed this record" in response.content.decode()
    org.refresh_from_db()
    assert org.archived_at is None


def test_restoring_a_merged_record_is_refused(manager, make_person):
    keep, gone = make_person("Ada", "Lovelace"), make_person("Ada", "Lovelace")
    services.merge(keep, gone, by=manager)
    client = login(manager)
    response = client.post(person_url("restore", gone.pk), follow=True)
    assert "merged into another one" in response.content.decode()
    gone.refresh_from_db()
    assert gone.is_archived
