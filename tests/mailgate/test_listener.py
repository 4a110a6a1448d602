"""Real SMTP and LMTP round trips on 127.0.0.1 with smtplib as the client: a message with
attachments is in the spool, exactly as sent, before the server says 250; LMTP answers once for
each recipient; a spool that cannot store makes the server answer 451 (the MTA retries)."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

import pytest

from tandem.mailgate.listener import listen
from tandem.mailgate.spool import Spool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def invoice() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Ana <ana@example.com>"
    message["To"] = "invoices@tandem.test"
    message["Subject"] = "Invoice 4711 — März"
    message["Message-ID"] = "<4711@example.com>"
    message.set_content("Please find the invoice attached.")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="invoice.pdf")
    return message


@pytest.fixture
def server(tmp_path):
    started = []

    def start(*, lmtp: bool = False, root=None):
        port = free_port()
        controller = listen(root or tmp_path / "spool", host="127.0.0.1", port=port, lmtp=lmtp)
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def test_smtp_stores_the_message_as_sent_before_answering(server, tmp_path):
    port = server()
    raw = invoice().as_bytes()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        refused = client.sendmail("ana@example.com", ["invoices@tandem.test"], raw)
    assert refused == {}
    spool = Spool(tmp_path / "spool")
    (name,) = list(spool.waiting())
    taken = spool.take(name)
    assert taken is not None
    # as sent: smtplib writes line ends as CRLF and ends the data with one
    assert taken.read().replace(b"\r\n", b"\n").rstrip(b"\n") == raw.replace(b"\r\n", b"\n").rstrip(b"\n")
    assert taken.envelope["from"] == "ana@example.com" and taken.envelope["to"] == ["invoices@tandem.test"]
    assert taken.envelope["via"] == "smtp" and taken.envelope["peer"] == "127.0.0.1"


def test_lmtp_answers_once_for_each_recipient(server, tmp_path):
    port = server(lmtp=True)
    client = smtplib.LMTP("127.0.0.1", port, timeout=10)
    try:
        client.ehlo_or_helo_if_needed()
        client.mail("ana@example.com")
        for rcpt in ("invoices@tandem.test", "support@tandem.test"):
            assert client.rcpt(rcpt)[0] == 250
        first = client.data(invoice().as_bytes())
        second = client.getreply()
    finally:
        client.close()
    assert first[0] == 250 and second[0] == 250
    assert len(list(Spool(tmp_path / "spool").waiting())) == 1  # one message, for both


def test_a_spool_that_cannot_store_answers_451(server, tmp_path):
    port = server(root=tmp_path / "spool")
    (tmp_path / "spool" / "new").rmdir()
    (tmp_path / "spool" / "new").write_text("not a folder any more")
    with (
        smtplib.SMTP("127.0.0.1", port, timeout=10) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.sendmail("ana@example.com", ["invoices@tandem.test"], invoice().as_bytes())
    assert refused.value.smtp_code == 451


def test_the_listener_survives_garbage_and_serves_the_next_message(server, tmp_path):
    port = server()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw_client:
        raw_client.recv(1024)
        raw_client.sendall(b"\x00\xff\xfe garbage\r\nMAIL FROM:<<<>>>\r\nDATA\r\n")
        raw_client.recv(1024)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        assert (
            client.sendmail("ana@example.com", ["invoices@tandem.test"], b"Subject: next\r\n\r\nok\r\n") == {}
        )
    assert len(list(Spool(tmp_path / "spool").waiting())) == 1


def test_the_mail_listen_command_serves_smtp_and_lmtp_until_stopped(tmp_path):
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    smtp_port, lmtp_port = free_port(), free_port()
    environment = {**os.environ, "TANDEM_MAIL_SPOOL": str(tmp_path / "spool"), "TANDEM_DATA_DIR": str(tmp_path),
                   "PYTHONPATH": str(root)}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "tandem", "mail-listen", "--smtp", f"127.0.0.1:{smtp_port}", "--lmtp", f"127.0.0.1:{lmtp_port}"],
        cwd=root, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as client:
                    client.sendmail("ana@example.com", ["invoices@tandem.test"], b"Subject: one\r\n\r\nx\r\n")
                break
            except OSError:
                time.sleep(0.1)
        with smtplib.LMTP("127.0.0.1", lmtp_port, timeout=5) as client:
            client.sendmail("ana@example.com", ["support@tandem.test"], b"Subject: two\r\n\r\ny\r\n")
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert len(list(Spool(tmp_path / "spool").waiting())) == 2
    assert b"SMTP on 127.0.0.1" in out and b"LMTP on 127.0.0.1" in out
