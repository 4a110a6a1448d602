"""IMAP polling against a real Dovecot on 127.0.0.1: each test starts its own (a config, a user and a
maildir in its tmp_path, a free port), puts messages in with imaplib's APPEND and polls the mailbox:
the messages reach the spool and, through the worker's job, the board; the mailbox is empty after;
a wrong password leaves everything where it was.

Without dovecot (apt-get install dovecot-imapd) the tests that need it are skipped, except where
TANDEM_REQUIRE_DOVECOT=1 (CI) makes that a failure."""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tandem.mailgate import imap, jobs, services
from tandem.mailgate.models import InboundMessage, MessageStatus
from tandem.work.models import Item
from tests.mailgate.conftest import mail
from tests.mailgate.test_listener import free_port

USER, PASSWORD = "tandem", "s3cret p@ss/w%rd?#&"  # characters a URL must encode


# --- A Dovecot of the test's own ------------------------------------------------------------


class _Client(imaplib.IMAP4):
    """The test's own IMAP client comes from 127.0.0.2: Dovecot delays every login from an address
    where one just failed (its auth penalty), and the poller's failing ones come from 127.0.0.1."""

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout, source_address=("127.0.0.2", 0))


@dataclass
class Dovecot:
    port: int  # plain IMAP (and STARTTLS, when it has a certificate)
    root: Path
    tls_port: int = 0  # IMAP over TLS, when it has a certificate
    certificate: Path | None = None  # self-signed, for 127.0.0.1

    def url(self, *, password: str = PASSWORD, folder: str = "INBOX", query: str = "") -> str:
        secret = quote(password, safe="")
        return f"imap://{USER}:{secret}@127.0.0.1:{self.port}/{folder}" + (f"?{query}" if query else "")

    @contextlib.contextmanager
    def client(self) -> Iterator[imaplib.IMAP4]:
        connection = _Client("127.0.0.1", self.port, timeout=10)
        try:
            connection.login(USER, PASSWORD)
            yield connection
        finally:
            with contextlib.suppress(Exception):
                connection.logout()

    def append(self, *messages: bytes, flags: str | None = None) -> None:
        with self.client() as connection:
            for raw in messages:
                kind, data = connection.append("INBOX", flags, None, raw)
                assert kind == "OK", data

    def messages(self, folder: str = "INBOX") -> list[tuple[str, bytes]]:
        """(flags, raw) of each message in the folder, read without changing it."""
        with self.client() as connection:
            kind, data = connection.select(folder, readonly=True)
            assert kind == "OK", data
            found = []
            if int(data[0] or 0):
                kind, data = connection.fetch("1:*", "(FLAGS BODY.PEEK[])")
                assert kind == "OK", data
                for item in data:
                    if isinstance(item, tuple):
                        flags = re.search(rb"FLAGS \(([^)]*)\)", item[0])
                        words = flags.group(1).decode().split() if flags else []
                        found.append((" ".join(w for w in words if w != r"\Recent"), item[1]))
            return found


def _config(root: Path, port: int, tls_port: int = 0) -> str:
    """Dovecot 2.3 for one test: no SSL (or, given a `tls_port`, the certificate in `root`), plaintext logins, one user in a passwd file, maildirs
    under `root`. As root, the mail processes run as `nobody` chrooted into the mail folder (Dovecot
    never gives root access to mail, and pytest's tmp folders are closed to other users) and the
    auth process as root (to read the passwd file); otherwise everything runs as the current user
    (Dovecot's rootless way: no chroots)."""
    mail = root / "mail"
    lines = [
        "protocols = imap",
        "listen = 127.0.0.1",
        f"base_dir = {root / 'run'}",
        f"state_dir = {root / 'state'}",
        f"log_path = {root / 'dovecot.log'}",
        *(
            ["ssl = yes", f"ssl_cert = <{root / 'cert.pem'}", f"ssl_key = <{root / 'key.pem'}"]
            if tls_port
            else ["ssl = no"]
        ),
        "disable_plaintext_auth = no",
        "auth_mechanisms = plain login",
        "auth_failure_delay = 0",  # a wrong password is answered at once
        "mail_location = maildir:~/Maildir",
        "passdb {",
        "  driver = passwd-file",
        f"  args = scheme=PLAIN {root / 'passwd'}",
        "}",
    ]
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        lines += [
            "default_internal_user = dovecot",
            "default_login_user = dovenull",
            f"mail_uid = {nobody.pw_uid}",
            f"mail_gid = {nobody.pw_gid}",
            f"valid_chroot_dirs = {mail}",
            "userdb {",
            "  driver = static",
            f"  args = home={mail}/./%u",
            "}",
            "service auth {",
            "  user = root",
            "}",
        ]
        login_chroot = ""
    else:
        me = pwd.getpwuid(os.geteuid())
        lines += [
            f"default_internal_user = {me.pw_name}",
            f"default_login_user = {me.pw_name}",
            f"default_internal_group = {grp.getgrgid(os.getegid()).gr_name}",
            f"first_valid_uid = {os.geteuid()}",
            f"first_valid_gid = {os.getegid()}",
            "userdb {",
            "  driver = static",
            f"  args = home={mail}/%u",
            "}",
            "service anvil {",
            "  chroot =",
            "}",
        ]
        login_chroot = "  chroot =\n"
    lines.append(
        "service imap-login {\n"
        f"{login_chroot}"
        "  inet_listener imap {\n"
        "    address = 127.0.0.1\n"
        f"    port = {port}\n"
        "  }\n"
        "  inet_listener imaps {\n"
        "    address = 127.0.0.1\n"
        f"    port = {tls_port}\n"
        "  }\n"
        "}"
    )
    return "\n".join(lines) + "\n"


def _prepare(root: Path) -> None:
    for folder in ("run", "state", "mail"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    (root / "mail" / USER).mkdir(exist_ok=True)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        for folder in (root / "mail", root / "mail" / USER):
            os.chown(folder, nobody.pw_uid, nobody.pw_gid)


def _ready(root: Path, *ports: int) -> bool:
    """Dovecot logs "starting up" once all its listeners are bound (another process may answer on a
    port it failed to get, so a connection alone proves nothing)."""
    log = root / "dovecot.log"
    if not (log.exists() and "starting up" in log.read_text(errors="replace")):
        return False
    return all(_listening(port) for port in ports if port)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # the master stops its children
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _certificate(root: Path) -> None:
    """A self-signed certificate for 127.0.0.1 (openssl comes with Debian's dovecot-core)."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "extendedKeyUsage=serverAuth",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    with _dovecot(tmp_path, tls=False) as server:
        yield server


@pytest.fixture
def dovecot_tls(tmp_path: Path) -> Iterator[Dovecot]:
    with _dovecot(tmp_path, tls=True) as server:
        yield server


@contextlib.contextmanager
def _dovecot(tmp_path: Path, *, tls: bool) -> Iterator[Dovecot]:
    binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    if binary is None:
        if os.environ.get("TANDEM_REQUIRE_DOVECOT") == "1":
            pytest.fail("dovecot is not installed, and TANDEM_REQUIRE_DOVECOT=1 says the IMAP tests must run")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    # unix sockets in base_dir have a path limit of 107 bytes: a deep tmp_path gets a short folder
    short = None
    root = tmp_path / "dovecot"
    if len(str(root / "run" / "token-login" / "imap-urlauth")) > 100:
        short = Path(tempfile.mkdtemp(prefix="tandem-dovecot-"))
        root = short
    _prepare(root)
    if tls:
        _certificate(root)
    process: subprocess.Popen[bytes] | None = None
    try:
        for _attempt in range(3):  # another process may take the free port first
            port, tls_port = free_port(), free_port() if tls else 0
            (root / "dovecot.conf").write_text(_config(root, port, tls_port))
            with (root / "stderr.log").open("wb") as stderr:
                process = subprocess.Popen(
                    [binary, "-F", "-c", str(root / "dovecot.conf")],
                    stdin=subprocess.DEVNULL,
                    stdout=stderr,
                    stderr=stderr,
                    start_new_session=True,
                )
            deadline = time.monotonic() + 15
            while process.poll() is None and time.monotonic() < deadline and not _ready(root, port, tls_port):
                time.sleep(0.05)
            if process.poll() is None and _ready(root, port, tls_port):
                break
            _stop(process)
            process = None
        if process is None:
            log = root / "dovecot.log"
            pytest.fail(
                "dovecot did not start:\n"
                + (root / "stderr.log").read_text(errors="replace")
                + (log.read_text(errors="replace") if log.exists() else "")
            )
        yield Dovecot(port, root, tls_port, root / "cert.pem" if tls else None)
    finally:
        if process is not None:
            _stop(process)
        if short is not None:
            shutil.rmtree(short, ignore_errors=True)


def invoice(number: int, *, to: str = "invoices@tandem.test") -> bytes:
    return mail(subject=f"Invoice {number}", to=to, message_id=f"<{number}@vendor.example>").replace(
        b"\n", b"\r\n"
    )


# --- Polling --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_waiting_mail_reaches_the_spool_then_the_board_and_leaves_the_mailbox(
    dovecot, invoices, finance, fay
):
    dovecot.append(invoice(1))
    dovecot.append(invoice(2), flags=r"(\Seen)")  # read in a mail client first: still taken
    assert imap.poll(dovecot.url()) == 2
    box = services.spool()
    assert len(list(box.waiting())) == 2
    assert dovecot.messages() == []  # flagged \Deleted and expunged
    assert imap.poll(dovecot.url()) == 0  # nothing twice
    assert len(list(box.waiting())) == 2

    assert services.process_waiting() == 2
    items = Item.objects.filter(board=finance).order_by("title")
    assert [item.title for item in items] == ["Invoice 1", "Invoice 2"]
    assert all(list(item.assignees.all()) == [fay] for item in items)
    message = InboundMessage.objects.get(subject="Invoice 1")
    assert message.via == "imap" and message.recipients == []  # its To routed it
    assert message.raw.read() == invoice(1)  # byte for byte as in the mailbox


@pytest.mark.django_db
def test_a_wrong_password_raises_a_clear_error_and_leaves_the_messages(dovecot, invoices):
    dovecot.append(invoice(1), invoice(2))
    with pytest.raises(
        imap.MailboxError, match=r"Cannot log in to the IMAP mailbox imap://tandem@127\.0\.0\.1"
    ) as failed:
        imap.poll(dovecot.url(password="wrong"))
    assert "wrong" not in str(failed.value) and PASSWORD not in str(failed.value)
    assert list(services.spool().waiting()) == []
    assert [flags for flags, _raw in dovecot.messages()] == ["", ""]  # there, unread, not deleted


@pytest.mark.django_db
def test_a_recipient_in_the_url_routes_everything_in_the_mailbox(dovecot, invoices, finance):
    dovecot.append(invoice(7, to="Someone Else <someone@elsewhere.example>"))
    assert imap.poll(dovecot.url(query="recipient=invoices@tandem.test")) == 1
    assert services.process_waiting() == 1
    message = InboundMessage.objects.get()
    assert message.status == MessageStatus.PROCESSED and message.recipients == ["invoices@tandem.test"]
    assert Item.objects.get().board == finance


@pytest.mark.django_db
def test_without_the_recipient_such_a_message_leads_nowhere(dovecot, invoices):
    dovecot.append(invoice(7, to="someone@elsewhere.example"))
    assert imap.poll(dovecot.url()) == 1
    services.process_waiting()
    assert InboundMessage.objects.get().status == MessageStatus.REJECTED
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_a_processed_folder_keeps_the_taken_messages_read(dovecot, invoices):
    dovecot.append(invoice(1), invoice(2))
    assert imap.poll(dovecot.url(query="processed=Tandem")) == 2
    assert dovecot.messages() == []
    kept = dovecot.messages("Tandem")
    assert [raw for _flags, raw in kept] == [invoice(1), invoice(2)]
    assert all(flags == r"\Seen" for flags, _raw in kept)
    assert len(list(services.spool().waiting())) == 2


@pytest.mark.django_db
def test_a_message_over_the_size_limit_stays_in_the_mailbox(dovecot, settings, invoices):
    settings.TANDEM_MAIL_MAX_MESSAGE = 4096
    big = mail(subject="Huge", body="x" * 8000, message_id="<huge@vendor.example>").replace(b"\n", b"\r\n")
    dovecot.append(big, invoice(1))
    assert imap.poll(dovecot.url()) == 1
    assert [raw for _flags, raw in dovecot.messages()] == [big]


@pytest.mark.django_db
def test_a_missing_folder_raises_and_takes_nothing(dovecot):
    dovecot.append(invoice(1))
    with pytest.raises(imap.MailboxError, match="cannot be opened"):
        imap.poll(dovecot.url(folder="Nowhere"))
    assert len(dovecot.messages()) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("way", ["imaps", "starttls"])
def test_tls_from_the_start_or_by_starttls_with_the_certificate_checked(dovecot_tls, monkeypatch, way):
    url = (
        f"imaps://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{dovecot_tls.tls_port}/INBOX"
        if way == "imaps"
        else dovecot_tls.url(query="starttls")
    )
    dovecot_tls.append(invoice(1))
    with pytest.raises(imap.MailboxError, match="certificate verify failed"):
        imap.poll(url)  # a certificate nobody vouches for: not even a login
    assert len(dovecot_tls.messages()) == 1
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_tls.certificate))  # now trusted
    assert imap.poll(url) == 1
    assert dovecot_tls.messages() == [] and len(list(services.spool().waiting())) == 1


def test_a_mailbox_nobody_listens_on_raises_a_clear_error():
    with pytest.raises(imap.MailboxError, match=r"Cannot connect to the IMAP mailbox imap://u@127\.0\.0\.1"):
        imap.poll(f"imap://u:p@127.0.0.1:{free_port()}/INBOX")


# --- The worker's beat and the command --------------------------------------------------------


@pytest.mark.django_db
def test_the_beat_polls_at_most_every_interval_and_the_mail_becomes_items(
    dovecot, settings, monkeypatch, invoices, finance
):
    settings.TANDEM_MAIL_IMAP = dovecot.url()
    settings.TANDEM_MAIL_IMAP_SECONDS = 60
    monkeypatch.setattr(jobs, "_last_imap_poll", float("-inf"))
    dovecot.append(invoice(1))
    jobs.look_for_imap_mail()  # polls and processes at once (tasks run immediately in tests)
    assert Item.objects.get().title == "Invoice 1"
    dovecot.append(invoice(2))
    jobs.look_for_imap_mail()  # too soon: not polled
    assert len(dovecot.messages()) == 1
    monkeypatch.setattr(jobs, "_last_imap_poll", time.monotonic() - 61)
    jobs.look_for_imap_mail()
    assert Item.objects.count() == 2 and dovecot.messages() == []


def test_without_a_mailbox_the_beat_polls_nothing(settings, monkeypatch):
    settings.TANDEM_MAIL_IMAP = ""
    monkeypatch.setattr(jobs, "_last_imap_poll", float("-inf"))
    jobs.look_for_imap_mail()
    assert jobs._last_imap_poll == float("-inf")
    assert jobs.poll_imap.call() == 0


@pytest.mark.django_db
def test_the_command_polls_once_and_says_how_many(dovecot, settings, invoices):
    dovecot.append(invoice(1))
    out = StringIO()
    call_command("poll_imap", url=dovecot.url(), stdout=out)
    assert out.getvalue().startswith(f"took 1 message from imap://tandem@127.0.0.1:{dovecot.port}/INBOX")
    settings.TANDEM_MAIL_IMAP = dovecot.url(password="wrong")
    with pytest.raises(CommandError, match="Cannot log in"):
        call_command("poll_imap", stdout=out)


def test_the_command_needs_a_mailbox(settings):
    settings.TANDEM_MAIL_IMAP = ""
    with pytest.raises(CommandError, match="set TANDEM_MAIL_IMAP or give --url"):
        call_command("poll_imap")


# --- URLs -----------------------------------------------------------------------------------


def test_a_url_names_the_mailbox():
    box = imap.parse_url("imaps://fay%40example.com:p%3Ass%2Fw%40rd@Mail.Example.com/Finance%2FIn")
    assert (box.scheme, box.host, box.port, box.user, box.password) == (
        "imaps", "mail.example.com", 993, "fay@example.com", "p:ss/w@rd"
    )  # fmt: skip
    assert (box.folder, box.starttls, box.recipients, box.processed) == ("Finance/In", False, (), "")
    assert str(box) == "imaps://fay@example.com@mail.example.com:993/Finance/In"
    box = imap.parse_url("imap://u:p@host?starttls&recipient=invoices@tandem.test&processed=Tandem")
    assert (box.port, box.folder, box.starttls) == (143, "INBOX", True)
    assert (box.recipients, box.processed) == (("invoices@tandem.test",), "Tandem")
    assert imap.parse_url("imap://u:@[::1]:1143/").password == ""


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "starts with imaps://"),
        ("pop3://u:secret@host/", "starts with imaps://"),
        ("imaps://u:secret@/INBOX", "no host"),
        ("imaps://u:secret@host:99999/", "port"),
        ("imaps://u:secret@host:port/", "port"),
        ("imaps://host/INBOX", "no user"),
        ("imaps://u@host/INBOX", "no password"),
        ("imaps://u:secret@host/?starttls", "?starttls is for imap://"),
        ("imaps://u:secret@host/?recipeint=a@b.example", "unknown option recipeint"),
        ("imaps://u:secret@host/?recipient=nobody", "'nobody' is not an e-mail address"),
        ("imaps://u:secret@host/Tandem?processed=Tandem", "processed folder is the folder it polls"),
    ],
)
def test_a_bad_url_is_a_clear_value_error(url, says):
    with pytest.raises(ValueError, match=re.escape(says)) as failed:
        imap.parse_url(url)
    assert "secret" not in str(failed.value)


def test_folder_names_are_quoted_in_modified_utf7():
    assert imap._mailbox_name("INBOX") == '"INBOX"'
    assert imap._mailbox_name('Eingänge & "Rechnungen"') == '"Eing&AOQ-nge &- \\"Rechnungen\\""'
    assert imap._mailbox_name("台北") == '"&U,BTFw-"'
