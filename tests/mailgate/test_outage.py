"""A database outage loses no mail. With the database unreachable (a PostgreSQL URL on a port
nothing listens on), `tandem mail-listen` still answers 250 for every message, recipients included;
a worker that tries to process them then fails and leaves every one waiting. When the database is
back, every message becomes an item, none twice, even the one delivered twice."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from tandem.mailgate import jobs, services
from tandem.mailgate.models import InboundMessage, MessageStatus
from tandem.work.models import Item
from tests.mailgate.test_listener import free_port

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DOWN = "postgres://tandem@127.0.0.1:9/tandem"  # the discard port: connection refused


def message(number: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Sender {number} <sender{number}@vendor.example>"
    mail["To"] = "invoices@tandem.test"
    mail["Subject"] = f"Invoice {number}"
    mail["Message-ID"] = f"<outage-{number}@vendor.example>"
    mail.set_content(f"Invoice number {number}.")
    return mail.as_bytes(policy=SMTP)  # CRLF line ends, as on the wire


def environment(settings, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DOWN,
        "TANDEM_MAIL_SPOOL": str(settings.TANDEM_MAIL_SPOOL),
        "TANDEM_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }


def test_mail_received_while_the_database_is_down_becomes_items_once_it_is_back(settings, tmp_path, invoices):
    port = free_port()
    listener = subprocess.Popen(
        [sys.executable, "-m", "tandem", "mail-listen", "--smtp", f"127.0.0.1:{port}"],
        cwd=ROOT, env=environment(settings, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                smtplib.SMTP("127.0.0.1", port, timeout=5).quit()
                break
            except OSError:
                time.sleep(0.05)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            for number in range(30):
                assert (
                    client.sendmail(
                        f"sender{number}@vendor.example", ["invoices@tandem.test"], message(number)
                    )
                    == {}
                )
            # the sending MTA timed out and sent one again
            assert client.sendmail("sender7@vendor.example", ["invoices@tandem.test"], message(7)) == {}
    finally:
        listener.terminate()
        _out, err = listener.communicate(timeout=20)
    assert listener.returncode == 0, err.decode()
    assert b"cannot read the mail addresses" in err  # it knew, and accepted every recipient anyway
    assert len(list(services.spool().waiting())) == 31

    worker = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from tandem.mailgate.services import process_waiting; process_waiting()"],
        cwd=ROOT, env={**environment(settings, tmp_path), "DJANGO_SETTINGS_MODULE": "tandem.settings"},
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode != 0 and b"OperationalError" in worker.stderr
    assert len(list(services.spool().waiting())) == 31  # every one back, waiting
    assert not list((services.spool().root / "work").iterdir())

    jobs.look_for_mail()  # the database is back: the worker's next beat
    assert Item.objects.count() == 30
    assert sorted(Item.objects.values_list("title", flat=True)) == sorted(f"Invoice {n}" for n in range(30))
    assert InboundMessage.objects.filter(status=MessageStatus.PROCESSED).count() == 30
    assert list(services.spool().waiting()) == []
    jobs.look_for_mail()
    assert Item.objects.count() == 30
