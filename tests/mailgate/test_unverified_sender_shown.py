"""The item page says "unverified sender" plainly: next to the sender in its e-mail section, over a
description and in the header of a comment that came from mail nobody vouched for; names escaped."""

from __future__ import annotations

import pytest

from tandem.mailgate.models import MessageStatus
from tests.conftest import login
from tests.mailgate.conftest import mail
from tests.mailgate.signing import dmarc_pass

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge text-bg-warning">unverified sender</span>'


def test_the_item_page_marks_mail_from_an_unverified_sender(receive, invoices, fay, trusted_mx):
    first = receive(mail(sender='"<b>Vera</b>" <vera@vendor.example>'))
    reply = receive(
        mail(subject=f"Re: [#{first.item_id}] Invoice 4711", message_id="<r@vendor.example>", body="Paid?")
    )
    assert reply.status == MessageStatus.THREADED
    page = login(fay).get(f"/items/{first.item_id}/").content.decode()
    assert page.count("unverified sender") >= 4  # two messages, the description and the comment
    assert f'id="comment-{reply.comment_id}"' in page
    comment_header = page.split(f'id="comment-{reply.comment_id}"')[1].split("</div>")[0]
    assert BADGE in comment_header
    assert "<b>Vera</b>" not in page and "&lt;b&gt;Vera&lt;/b&gt;" in page


def test_verified_mail_carries_no_mark(receive, invoices, fay, trusted_mx):
    first = receive(mail(**dmarc_pass("vendor.example")))
    page = login(fay).get(f"/items/{first.item_id}/").content.decode()
    assert "unverified sender" not in page and "Unverified sender" not in page
