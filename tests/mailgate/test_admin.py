"""Received mail in the admin: statuses and reasons, search by sender and subject, the original's
download and the reprocess action."""

from __future__ import annotations

import pytest

from tandem.mailgate import services
from tandem.mailgate.models import InboundMessage, MessageStatus
from tests.conftest import login
from tests.mailgate.conftest import mail

pytestmark = pytest.mark.django_db

LIST = "/admin/mailgate/inboundmessage/"


def test_admins_see_every_message_with_its_status_and_reason_and_search_them(receive, invoices, admin_user):
    made = receive(mail())
    receive(
        mail(to="nobody@tandem.test", subject="Lost letter", message_id="<l@x>"),
        recipients=("nobody@tandem.test",),
    )
    page = login(admin_user)
    listing = page.get(LIST).content.decode()
    assert (
        "Invoice 4711" in listing
        and "Lost letter" in listing
        and "No address here leads to a board" in listing
    )
    assert f"/items/{made.item_id}/" in listing
    by_sender = page.get(LIST, {"q": "vera@vendor"}).content.decode()
    assert "Invoice 4711" in by_sender and "Lost letter" in by_sender
    by_subject = page.get(LIST, {"q": "lost"}).content.decode()
    assert "Lost letter" in by_subject and "Invoice 4711" not in by_subject
    quarantined = page.get(LIST, {"status__exact": "rejected"}).content.decode()
    assert "Lost letter" in quarantined and "Invoice 4711" not in quarantined
    detail = page.get(f"{LIST}{made.pk}/change/").content.decode()
    assert f"/mail/messages/{made.pk}/raw/" in detail


def test_the_reprocess_action_takes_a_message_again_once_it_has_somewhere_to_go(
    receive, invoices, admin_user, finance
):
    lost = receive(mail(to="sales@tandem.test"), recipients=("sales@tandem.test",))
    assert lost.status == MessageStatus.REJECTED
    services.create_address(by=admin_user, board=finance, data={"address": "sales@tandem.test"})
    done = login(admin_user).post(LIST, {"action": "reprocess", "_selected_action": [lost.pk]}, follow=True)
    assert "Processed again. Made an item: 1" in done.content.decode()
    assert InboundMessage.objects.get(pk=lost.pk).status == MessageStatus.PROCESSED


def test_members_do_not_reach_received_mail(member):
    assert login(member).get(LIST).status_code == 302  # to the admin's login
