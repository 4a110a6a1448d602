"""History knows no app above it: record() hands each new entry to the subscribers the apps
register in their ready() (the notifications app's outbox among them)."""

from __future__ import annotations

import pytest

from tandem.activity import hooks
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.notifications import fanout


def test_notifications_subscribe_their_outbox():
    assert fanout.queue in hooks.subscribers()


@pytest.mark.django_db
def test_record_hands_each_new_entry_to_every_subscriber(monkeypatch, member, make_org):
    organization = make_org()
    heard = []
    monkeypatch.setattr(hooks, "_subscribers", [*hooks._subscribers, heard.append])
    entry = record(by=member, verb=RecordVerb.UPDATED, target=organization)
    assert heard == [entry]
