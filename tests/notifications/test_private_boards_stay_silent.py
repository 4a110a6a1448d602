"""Nobody outside a private board's team is told of its items: not by the fan-out, not by an e-mail
that was waiting when the board became private, not in the inbox or its unread count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as outbox

from tandem.accounts.models import Team
from tandem.notifications import fanout, mail, queries, services
from tandem.notifications.models import Notification
from tandem.work import services as work


@pytest.fixture(autouse=True)
def _memory_mail(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }


def test_an_email_waiting_when_the_board_became_private_is_not_sent(admin_user, ana, ben, board, make_item):
    services.set_preferences(ben, choices={"assignment": "email", "change": "email"})
    item = make_item("Payroll for March", assignees=[ben])
    fanout.fan_out.call()
    assert queries.unread_count(ben) == 1
    finance = Team.objects.create(name="Finance", slug="finance")
    ana.teams.add(finance)
    work.update_board(board, by=admin_user, version=None, data={"team": finance, "private": True})
    for n in Notification.objects.all():
        Notification.objects.filter(pk=n.pk).update(created_at=n.created_at - timedelta(hours=1))
    mail.send_due_mails.call()
    assert outbox.outbox == []
    assert queries.unread_count(ben) == 0 and queries.inbox_page(ben).notifications == []
    # and later changes reach nobody outside the team, however they are tied to the item
    work.update_item(item, by=ana, version=None, data={"title": "Payroll for April"})
    work.add_comment(item, by=ana, body=f"@{ben.handle} please check")
    fanout.fan_out.call()
    assert not Notification.objects.filter(user=ben, entry__verb__in=["updated", "commented"]).exists()
