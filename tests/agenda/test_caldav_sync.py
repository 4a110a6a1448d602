"""Two-way CalDAV sync against a real Radicale server on 127.0.0.1: each side's creations, changes
and deletions reach the other; a series with an overridden occurrence is one remote object; syncing
again duplicates nothing; a conflict keeps the newer change and records the other in history; a
pruned change log (sync token unknown) resyncs fully without duplicates; two attendees syncing one
meeting get one event; remote attendees survive a push; a wrong password is a clear error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from tandem.activity.models import HistoryEntry
from tandem.agenda import services, sync
from tandem.agenda.models import Calendar, CalendarAccount, Event, SyncedObject, SyncStatus
from tandem.agenda.verbs import AgendaVerb
from tests.agenda.conftest import BERLIN, at
from tests.agenda.radicale_server import PASSWORD, RadicaleServer
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def vevent(
    uid: str, title: str, start: str, end: str, *, extra: str = "", modified: str = "20260101T000000Z"
) -> str:
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:{modified}\r\nLAST-MODIFIED:{modified}\r\n"
        f"DTSTART;TZID=Europe/Berlin:{start}\r\nDTEND;TZID=Europe/Berlin:{end}\r\n"
        f"SUMMARY:{title}\r\n{extra}END:VEVENT\r\n"
    )


def ics(*events: str) -> str:
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Phone//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n"


def connect(user: Any, calendar: Calendar, url: str, login: str = "alice") -> CalendarAccount:
    return services.connect_account(by=user, url=url, username=login, password=PASSWORD, calendar=calendar)


def run(account: CalendarAccount) -> dict[str, Any]:
    counts = sync.sync_account(account.pk).as_dict()
    account.refresh_from_db()
    assert account.status == SyncStatus.OK, account.last_error
    return counts


def changed(counts: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v and k != "problems"}


@pytest.fixture
def alice(db: None) -> Any:
    return make_user("alice@example.com", "member", full_name="Alice")


@pytest.fixture
def setup(
    alice: Any, radicale: RadicaleServer, calendar_of: Callable[..., Calendar]
) -> tuple[CalendarAccount, str, Calendar]:
    calendar = calendar_of(alice, time_zone="Europe/Berlin")
    url = radicale.make_calendar("alice")
    return connect(alice, calendar, url), url, calendar


def test_remote_events_reach_tandem_created_changed_deleted(setup: Any, radicale: RadicaleServer) -> None:
    account, url, calendar = setup
    radicale.put(
        "alice", url + "m1.ics", ics(vevent("m1@phone", "Dentist", "20260310T090000", "20260310T100000"))
    )

    assert changed(run(account)) == {"pulled_created": 1}
    event = Event.objects.get(calendar=calendar, uid="m1@phone")
    assert (event.title, event.start, event.time_zone) == (
        "Dentist",
        at(BERLIN, 2026, 3, 10, 9),
        "Europe/Berlin",
    )
    assert HistoryEntry.objects.filter(target_type="event", target_id=event.pk, actor=account.user).exists()

    radicale.put(
        "alice",
        url + "m1.ics",
        ics(vevent("m1@phone", "Dentist (moved)", "20260311T090000", "20260311T100000")),
    )
    assert changed(run(account)) == {"pulled_updated": 1}
    event.refresh_from_db()
    assert (event.title, event.start) == ("Dentist (moved)", at(BERLIN, 2026, 3, 11, 9))

    radicale.delete("alice", url + "m1.ics")
    assert changed(run(account)) == {"pulled_deleted": 1}
    assert not Event.objects.filter(uid="m1@phone").exists()
    assert not SyncedObject.objects.filter(account=account).exists()


def test_tandem_events_reach_the_server_created_changed_deleted(
    setup: Any, radicale: RadicaleServer, alice: Any, schedule: Callable[..., Event]
) -> None:
    account, url, calendar = setup
    event = schedule(alice, calendar, at(BERLIN, 2026, 4, 1, 14), at(BERLIN, 2026, 4, 1, 15), title="Pitch")

    assert changed(run(account)) == {"pushed_created": 1}
    [(href, text)] = radicale.objects("alice", url).items()
    remote = icalendar.Calendar.from_ical(text)
    [component] = remote.walk("VEVENT")
    assert (str(component["uid"]), str(component["summary"])) == (event.uid, "Pitch")
    assert component["dtstart"].dt == at(BERLIN, 2026, 4, 1, 14)
    assert remote.walk("VTIMEZONE"), "the object carries its VTIMEZONE"

    services.update_event(event, by=alice, version=event.version, data={"title": "Pitch, final"})
    assert changed(run(account)) == {"pushed_updated": 1}
    assert "SUMMARY:Pitch\\, final" in (radicale.get("alice", href) or "")

    services.delete_event(Event.objects.get(pk=event.pk), by=alice)
    assert changed(run(account)) == {"pushed_deleted": 1}
    assert radicale.hrefs("alice", url) == []
    assert not SyncedObject.objects.filter(account=account).exists()


def test_a_series_with_an_overridden_occurrence_is_one_object_both_ways(
    setup: Any, radicale: RadicaleServer, alice: Any, schedule: Callable[..., Event]
) -> None:
    account, url, calendar = setup
    # from the server: a weekly series with its third occurrence moved, in one resource
    radicale.put(
        "alice",
        url + "weekly.ics",
        ics(
            vevent(
                "weekly@phone",
                "Stand-up",
                "20260302T090000",
                "20260302T091500",
                extra="RRULE:FREQ=WEEKLY;COUNT=6\r\n",
            ),
            vevent(
                "weekly@phone",
                "Stand-up (late)",
                "20260316T110000",
                "20260316T111500",
                extra="RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000\r\n",
            ),
        ),
    )
    assert changed(run(account)) == {"pulled_created": 1}
    series = Event.objects.get(calendar=calendar, uid="weekly@phone", master=None)
    [override] = Event.objects.filter(master=series)
    assert override.recurrence_id == at(BERLIN, 2026, 3, 16, 9)
    assert (override.title, override.start) == ("Stand-up (late)", at(BERLIN, 2026, 3, 16, 11))

    # from Tandem: a series of its own with one occurrence changed
    mine = schedule(
        alice,
        calendar,
        at(BERLIN, 2026, 5, 4, 10),
        at(BERLIN, 2026, 5, 4, 11),
        title="Review",
        rrule="FREQ=WEEKLY;COUNT=4",
    )
    services.update_event(
        mine,
        by=alice,
        version=None,
        data={"title": "Review (board)"},
        scope="this",
        occurrence=at(BERLIN, 2026, 5, 11, 10),
    )
    assert changed(run(account)) == {"pushed_created": 1}
    objects = radicale.objects("alice", url)
    assert len(objects) == 2
    [text] = [t for t in objects.values() if mine.uid in t]
    components = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert len(components) == 2 and {str(c["uid"]) for c in components} == {mine.uid}
    [moved] = [c for c in components if c.get("recurrence-id") is not None]
    assert moved["recurrence-id"].dt == at(BERLIN, 2026, 5, 11, 10)
    assert str(moved["summary"]) == "Review (board)"

    # nothing came back doubled
    assert changed(run(account)) == {}
    assert Event.objects.filter(calendar=calendar, master=None).count() == 2
    assert Event.objects.filter(calendar=calendar).count() == 4

    # the phone moves its changed occurrence again and cancels another: one object, one update
    radicale.put(
        "alice",
        url + "weekly.ics",
        ics(
            vevent(
                "weekly@phone",
                "Stand-up",
                "20260302T090000",
                "20260302T091500",
                extra="RRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;TZID=Europe/Berlin:20260323T090000\r\n",
            ),
            vevent(
                "weekly@phone",
                "Stand-up (later still)",
                "20260316T120000",
                "20260316T121500",
                extra="RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000\r\n",
            ),
        ),
    )
    assert changed(run(account)) == {"pulled_updated": 1}
    override.refresh_from_db()
    assert (override.title, override.start) == ("Stand-up (later still)", at(BERLIN, 2026, 3, 16, 12))
    series.refresh_from_db()
    assert series.exdates == ["2026-03-23T08:00:00Z"]
    assert Event.objects.filter(calendar=calendar).count() == 4
    assert changed(run(account)) == {}


def test_syncing_again_and_again_duplicates_nothing(
    setup: Any, radicale: RadicaleServer, alice: Any, schedule: Callable[..., Event]
) -> None:
    account, url, calendar = setup
    radicale.put("alice", url + "a.ics", ics(vevent("a@phone", "A", "20260310T090000", "20260310T100000")))
    schedule(alice, calendar, at(BERLIN, 2026, 3, 12, 9), at(BERLIN, 2026, 3, 12, 10), title="B")

    first = changed(run(account))
    assert first == {"pulled_created": 1, "pushed_created": 1}
    for _ in range(3):
        assert changed(run(account)) == {}
    assert Event.objects.filter(calendar=calendar).count() == 2
    assert len(radicale.hrefs("alice", url)) == 2
    assert SyncedObject.objects.filter(account=account).count() == 2


def test_a_conflict_keeps_the_newer_change_and_records_the_other(
    setup: Any, radicale: RadicaleServer, alice: Any
) -> None:
    account, url, _calendar = setup
    radicale.put(
        "alice", url + "c.ics", ics(vevent("c@phone", "Budget", "20260310T090000", "20260310T100000"))
    )
    run(account)
    event = Event.objects.get(uid="c@phone")

    # both sides change it; the server's change is the later one (LAST-MODIFIED in the future)
    services.update_event(event, by=alice, version=None, data={"title": "Budget (Tandem)"})
    later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    radicale.put(
        "alice",
        url + "c.ics",
        ics(vevent("c@phone", "Budget (phone)", "20260310T090000", "20260310T100000", modified=later)),
    )
    counts = changed(run(account))
    assert counts["conflicts"] == 1
    event.refresh_from_db()
    assert event.title == "Budget (phone)"
    entry = HistoryEntry.objects.get(target_id=event.pk, verb=AgendaVerb.SYNC_CONFLICT.value)
    assert entry.changes["kept"] == "remote"
    assert entry.changes["discarded"]["title"] == "Budget (Tandem)"
    assert "Budget (phone)" in (radicale.get("alice", url + "c.ics") or "")
    assert changed(run(account)) == {}

    # both change it again; this time Tandem's change is the later one
    radicale.put(
        "alice",
        url + "c.ics",
        ics(
            vevent(
                "c@phone",
                "Budget (phone 2)",
                "20260310T090000",
                "20260310T100000",
                modified="20200101T000000Z",
            )
        ),
    )
    services.update_event(event, by=alice, version=None, data={"title": "Budget (Tandem 2)"})
    counts = changed(run(account))
    assert counts["conflicts"] == 1 and counts["pushed_updated"] == 1
    event.refresh_from_db()
    assert event.title == "Budget (Tandem 2)"
    assert "Budget (Tandem 2)" in (radicale.get("alice", url + "c.ics") or "")
    entry = HistoryEntry.objects.filter(target_id=event.pk, verb=AgendaVerb.SYNC_CONFLICT.value).latest("pk")
    assert entry.changes["kept"] == "tandem"
    assert entry.changes["discarded"]["title"] == "Budget (phone 2)"
    assert changed(run(account)) == {}


def test_an_unknown_sync_token_resyncs_fully_without_duplicates(
    setup: Any, radicale: RadicaleServer, alice: Any, schedule: Callable[..., Event]
) -> None:
    account, url, calendar = setup
    radicale.put("alice", url + "a.ics", ics(vevent("a@phone", "A", "20260310T090000", "20260310T100000")))
    schedule(alice, calendar, at(BERLIN, 2026, 3, 12, 9), at(BERLIN, 2026, 3, 12, 10), title="B")
    run(account)
    old_token = account.sync_token
    assert old_token

    # the server prunes its change log; meanwhile one event changes and one is deleted there
    radicale.put("alice", url + "a.ics", ics(vevent("a@phone", "A2", "20260310T090000", "20260310T100000")))
    radicale.put("alice", url + "z.ics", ics(vevent("z@phone", "Z", "20260320T090000", "20260320T100000")))
    radicale.forget_sync_tokens()

    assert changed(run(account)) == {"pulled_created": 1, "pulled_updated": 1}
    assert account.sync_token and account.sync_token != old_token
    assert Event.objects.filter(calendar=calendar).count() == 3
    assert sorted(Event.objects.filter(calendar=calendar).values_list("title", flat=True)) == ["A2", "B", "Z"]
    assert len(radicale.hrefs("alice", url)) == 3
    assert changed(run(account)) == {}


def test_two_attendees_syncing_one_meeting_make_one_event(
    radicale: RadicaleServer, alice: Any, calendar_of: Callable[..., Calendar]
) -> None:
    bob = make_user("bob@example.com", "member", full_name="Bob")
    alice_calendar, bob_calendar = calendar_of(alice), calendar_of(bob)
    alice_url, bob_url = radicale.make_calendar("alice"), radicale.make_calendar("bob")
    meeting = vevent(
        "kickoff@corp",
        "Kick-off",
        "20260310T090000",
        "20260310T100000",
        extra="ORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:bob@example.com\r\n",
    )
    radicale.put("alice", alice_url + "kickoff.ics", ics(meeting))
    radicale.put("bob", bob_url + "kickoff.ics", ics(meeting))
    alice_account = connect(alice, alice_calendar, alice_url)
    bob_account = connect(bob, bob_calendar, bob_url, login="bob")

    assert changed(run(alice_account)) == {"pulled_created": 1}
    assert changed(run(bob_account)) == {}
    assert changed(run(alice_account)) == {}
    assert changed(run(bob_account)) == {}
    [event] = Event.objects.filter(uid="kickoff@corp")
    assert event.calendar == alice_calendar
    assert SyncedObject.objects.get(account=bob_account).series == event
    assert not Event.objects.filter(calendar=bob_calendar).exists()
    # Bob's server did not get a second copy either
    assert len(radicale.hrefs("bob", bob_url)) == 1


def test_a_push_keeps_the_remote_attendees(setup: Any, radicale: RadicaleServer, alice: Any) -> None:
    account, url, _calendar = setup
    radicale.put(
        "alice",
        url + "p.ics",
        ics(
            vevent(
                "p@phone",
                "Supplier call",
                "20260310T090000",
                "20260310T100000",
                extra="ORGANIZER;CN=Alice:mailto:alice@example.com\r\n"
                "ATTENDEE;CN=Sam Supplier;PARTSTAT=ACCEPTED:mailto:sam@supplier.example\r\n",
            )
        ),
    )
    run(account)
    event = Event.objects.get(uid="p@phone")
    assert not event.attendees.exists()  # a sync imports nobody
    services.update_event(event, by=alice, version=None, data={"title": "Supplier call (moved)"})
    assert changed(run(account)) == {"pushed_updated": 1}
    text = radicale.get("alice", url + "p.ics") or ""
    [component] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(component["summary"]) == "Supplier call (moved)"
    attendees = component.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == ["mailto:sam@supplier.example"]
    assert attendees[0].params["PARTSTAT"] == "ACCEPTED"
    assert str(component["organizer"]) == "mailto:alice@example.com"


def test_a_deletion_against_a_change_keeps_the_change(
    setup: Any, radicale: RadicaleServer, alice: Any
) -> None:
    account, url, _calendar = setup
    radicale.put(
        "alice", url + "d.ics", ics(vevent("d@phone", "Offsite", "20260310T090000", "20260310T100000"))
    )
    run(account)
    event = Event.objects.get(uid="d@phone")
    radicale.delete("alice", url + "d.ics")
    services.update_event(event, by=alice, version=None, data={"title": "Offsite (confirmed)"})

    counts = changed(run(account))
    assert counts["conflicts"] == 1 and counts["pushed_created"] == 1
    assert Event.objects.get(pk=event.pk).title == "Offsite (confirmed)"
    [text] = radicale.objects("alice", url).values()
    assert "Offsite (confirmed)" in text
    assert changed(run(account)) == {}


def test_a_wrong_password_is_a_clear_error_and_others_still_sync(
    setup: Any, radicale: RadicaleServer, alice: Any, calendar_of: Callable[..., Calendar]
) -> None:
    account, _url, _calendar = setup
    bob = make_user("bob@example.com", "member", full_name="Bob")
    bob_url = radicale.make_calendar("bob")
    radicale.put("bob", bob_url + "x.ics", ics(vevent("x@phone", "X", "20260310T090000", "20260310T100000")))
    bob_account = connect(bob, calendar_of(bob), bob_url, login="bob")
    # Alice changes her password on the server
    (radicale.folder / "users").write_text(f"alice:changed-elsewhere\nbob:{PASSWORD}\n")

    assert sync.sync_due_accounts.call() == 2
    account.refresh_from_db()
    bob_account.refresh_from_db()
    assert account.status == SyncStatus.ERROR
    assert account.last_error == "The server refused the username or password."
    assert PASSWORD not in account.last_error
    assert bob_account.status == SyncStatus.OK and bob_account.last_error == ""
    assert Event.objects.filter(uid="x@phone").exists()


def test_connecting_checks_the_server(
    alice: Any, radicale: RadicaleServer, calendar_of: Callable[..., Calendar]
) -> None:
    from tandem.core.errors import InvalidInput

    calendar = calendar_of(alice)
    url = radicale.make_calendar("alice")
    with pytest.raises(InvalidInput) as wrong:
        services.connect_account(by=alice, url=url, username="alice", password="nope", calendar=calendar)
    assert (wrong.value.field, wrong.value.message) == (
        "password",
        "The server refused the username or password.",
    )
    with pytest.raises(InvalidInput) as missing:
        connect(alice, calendar, f"{radicale.base}/alice/no-such-calendar/")
    assert missing.value.field == "url"
    with pytest.raises(InvalidInput) as unreachable:
        connect(alice, calendar, "http://127.0.0.1:9/cal/")
    assert "could not be reached" in unreachable.value.message
    with pytest.raises(InvalidInput) as inline:
        connect(alice, calendar, url.replace("http://", "http://alice:pw@"))
    assert inline.value.field == "url"
    assert not CalendarAccount.objects.exists()

    # the account's own address (its one calendar) is found
    account = connect(alice, calendar, f"{radicale.base}/alice/")
    assert account.remote_url == url


def test_the_password_is_stored_encrypted(setup: Any) -> None:
    from django.db import connection

    account, _url, _calendar = setup
    with connection.cursor() as cursor:
        cursor.execute("SELECT password_encrypted FROM agenda_calendaraccount WHERE id = %s", [account.pk])
        [(stored,)] = cursor.fetchall()
    assert PASSWORD not in stored
    assert stored.startswith("gAAAA")  # a Fernet token


def test_a_change_in_tandem_asks_its_accounts_to_sync(
    setup: Any, alice: Any, schedule: Callable[..., Event], django_capture_on_commit_callbacks: Any
) -> None:
    account, _url, calendar = setup
    CalendarAccount.objects.filter(pk=account.pk).update(
        sync_started_at=datetime.now(UTC), status=SyncStatus.OK
    )
    assert not sync.due_accounts().exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule(alice, calendar, at(BERLIN, 2026, 3, 12, 9), at(BERLIN, 2026, 3, 12, 10), title="B")
    account.refresh_from_db()
    assert account.sync_wanted_at is not None
    assert list(sync.due_accounts()) == [account]
    assert len(callbacks) >= 1


def test_a_server_that_does_not_answer_times_out_with_a_clear_error(setup: Any, settings: Any) -> None:
    import socket

    account, _url, _calendar = setup
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts connections, never answers
    try:
        settings.TANDEM_CALDAV_TIMEOUT = 1
        port = silent.getsockname()[1]
        CalendarAccount.objects.filter(pk=account.pk).update(remote_url=f"http://127.0.0.1:{port}/cal/")
        counts = sync.sync_account(account.pk)
    finally:
        silent.close()
    account.refresh_from_db()
    assert account.status == SyncStatus.ERROR
    assert account.last_error == "The server did not answer in time (127.0.0.1, after 1 s)."
    assert counts.errors == 1 and counts.problems == [{"uid": "", "message": account.last_error}]


def test_after_a_key_rotation_the_password_is_asked_again(
    setup: Any, radicale: RadicaleServer, alice: Any, settings: Any
) -> None:
    account, url, calendar = setup
    radicale.put("alice", url + "k.ics", ics(vevent("k@phone", "K", "20260310T090000", "20260310T100000")))
    run(account)
    settings.TANDEM_SECRETS_KEY = "a-new-key-" + "k" * 40

    sync.sync_account(account.pk)
    account.refresh_from_db()
    assert account.status == SyncStatus.ERROR
    assert "Enter the password again" in account.last_error

    account = services.update_account(account, by=alice, version=account.version, data={"password": PASSWORD})
    assert (account.status, account.last_error) == (SyncStatus.NEVER, "")
    assert changed(run(account)) == {}
    assert Event.objects.filter(calendar=calendar).count() == 1
    entry = HistoryEntry.objects.filter(verb=AgendaVerb.CHANGED_ACCOUNT.value).latest("pk")
    assert PASSWORD not in str(entry.changes)


def test_addresses_on_the_workers_own_machine_are_refused(setup: Any, alice: Any, settings: Any) -> None:
    from tandem.core.errors import InvalidInput

    account, url, calendar = setup
    settings.TANDEM_CALDAV_ALLOW_LOCAL = False
    for address in (url, "http://169.254.169.254/latest/", "http://[::1]:8080/cal/"):
        with pytest.raises(InvalidInput) as refused:
            connect(alice, calendar, address)
        assert refused.value.field == "url"
        assert "does not connect to addresses on its own machine" in refused.value.message
    # an account made while it was allowed stops with the same clear error
    sync.sync_account(account.pk)
    account.refresh_from_db()
    assert account.status == SyncStatus.ERROR
    assert account.last_error == "Tandem does not connect to addresses on its own machine (127.0.0.1)."


def test_the_beat_syncs_due_accounts(setup: Any, radicale: RadicaleServer) -> None:
    account, url, calendar = setup
    radicale.put("alice", url + "b.ics", ics(vevent("b@phone", "Beat", "20260310T090000", "20260310T100000")))
    assert list(sync.due_accounts()) == [account]  # never synced
    sync.look_for_due_syncs()  # the tests' task backend runs the job at once
    account.refresh_from_db()
    assert account.status == SyncStatus.OK and account.last_synced_at is not None
    assert Event.objects.filter(calendar=calendar, uid="b@phone").exists()
    assert not sync.due_accounts().exists()  # not again before the interval
    CalendarAccount.objects.filter(pk=account.pk).update(enabled=False, sync_started_at=None)
    assert not sync.due_accounts().exists()  # a paused account waits


def test_an_unreadable_event_is_reported_and_the_rest_syncs(setup: Any, radicale: RadicaleServer) -> None:
    account, url, calendar = setup
    radicale.put(
        "alice", url + "ok.ics", ics(vevent("ok@phone", "Fine", "20260310T090000", "20260310T100000"))
    )
    radicale.put(
        "alice", url + "bad.ics", ics(vevent("bad@phone", "Backwards", "20260310T100000", "20260310T090000"))
    )

    counts = run(account)
    assert counts["pulled_created"] == 1 and counts["errors"] == 1
    assert counts["problems"] == [
        {"uid": "bad@phone", "message": "The event ends (DTEND) before it starts (DTSTART)."}
    ]
    assert list(Event.objects.filter(calendar=calendar).values_list("uid", flat=True)) == ["ok@phone"]
    assert account.status == SyncStatus.OK
