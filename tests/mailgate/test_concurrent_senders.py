"""Workers at once on PostgreSQL: messages from one new sender make one person, and the same message taken
by two workers at the same moment makes one item (each worker has its own database connection)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tandem.contacts.models import Person
from tandem.mailgate import services
from tandem.mailgate.models import InboundMessage
from tandem.work.models import Item
from tests.mailgate.conftest import mail

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite runs one writing transaction at a time (IMMEDIATE), so this cannot happen there; its
    # in-memory test database would refuse the threads' connections rather than make them wait
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL"),
]


def at_once(*jobs: Callable[[], object]) -> list[BaseException]:
    start = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:  # reported to the test
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return failures


def test_two_messages_from_one_new_sender_processed_at_once_make_one_person(invoices):
    envelope = {"from": "new@else.example", "to": ["invoices@tandem.test"], "via": "smtp"}
    raws = [
        mail(sender="New Person <new@else.example>", message_id=f"<{n}@else.example>", subject=f"n{n}")
        for n in range(4)
    ]
    assert at_once(*(lambda raw=raw: services.receive(raw, envelope) for raw in raws)) == []
    assert Item.objects.count() == 4
    assert Person.objects.filter(emails__email="new@else.example").count() == 1
    assert set(InboundMessage.objects.values_list("person", flat=True)) == {Person.objects.get().pk}


def test_one_message_taken_by_two_workers_at_once_makes_one_item(invoices):
    envelope = {"from": "new@else.example", "to": ["invoices@tandem.test"], "via": "smtp"}
    raw = mail()
    assert at_once(*(lambda: services.receive(raw, envelope) for _ in range(3))) == []
    assert Item.objects.count() == 1 and InboundMessage.objects.count() == 1
