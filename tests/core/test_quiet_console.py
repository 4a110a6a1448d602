"""`tandem serve` keeps the console quiet: a start banner, then a line a request, nothing from the
libraries (gunicorn, the SMTP server, the task worker) but their warnings, no file outside the data
folder, and Ctrl+C stops everything without a word. TANDEM_LOG_LEVEL=DEBUG and
TANDEM_ACCESS_LOG=all bring the rest back. Real processes throughout, as a terminal runs them."""

from __future__ import annotations

import os
import re
import smtplib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tandem.core.management.commands.serve import address_of, gunicorn_log_level
from tests.core.console import Console, files_under, free_port

ACCESS_LINE = re.compile(
    r'^\S+ - \S+ \[[^\]]+\] "(?P<method>[A-Z]+) (?P<path>\S+) HTTP/1\.[01]" (?P<status>\d{3}) '
)


def get(port: int, path: str) -> int:
    try:  # one request, waited for: no second one after a timeout on a slow start
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def talk_smtp(port: int) -> None:
    """A polite SMTP session and a client that hangs up mid-way (aiosmtpd's "Connection lost")."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        assert client.noop()[0] == 250
    with socket.create_connection(("127.0.0.1", port), timeout=10) as rude:
        rude.recv(1024)  # the greeting
        rude.sendall(b"EHLO rude.example\r\n")
        rude.recv(1024)


def serve(tmp_path, **env: str) -> tuple[Console, int, int]:
    port, smtp_port = free_port(), free_port()
    console = Console(
        tmp_path,
        "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--mail-listen", f"127.0.0.1:{smtp_port}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'serve.sqlite3'}",
        **env,
    )  # fmt: skip
    return console, port, smtp_port


def test_serve_says_where_it_runs_then_a_line_a_request_and_stops_quietly_on_ctrl_c(tmp_path):
    console, port, smtp_port = serve(tmp_path)
    try:
        console.wait_for("Tandem is running at")
        assert get(port, "/login/") == 200
        assert get(port, "/healthz") == 200
        assert get(port, "/no-such-page/") == 404
        talk_smtp(smtp_port)
        children = console.children()
        assert len(children) == 3  # gunicorn, the task worker, the mail listener
        console.settle()
        code = console.ctrl_c()
    finally:
        console.stop()
    lines = console.lines
    assert code == 0, console.output
    assert lines[:3] == [
        f"Tandem is running at http://127.0.0.1:{port}/  (Ctrl+C stops it)",
        f"  Mail:  SMTP on 127.0.0.1:{smtp_port}",
        f"  Data:  {console.data}",
    ], console.output
    requests = [ACCESS_LINE.match(line) for line in lines[3:]]
    assert all(requests), console.output  # nothing but the access log after the banner
    assert [(r["method"], r["path"], r["status"]) for r in requests if r] == [
        ("GET", "/login/", "200"),  # once, for one request
        ("GET", "/no-such-page/", "404"),  # no Django "Not Found" line besides
    ]  # a /healthz check that succeeds is left out
    for chatter in ("Connection lost", "Traceback", "mail listener", "Starting worker", "[INFO]"):
        assert chatter not in console.output
    assert files_under(console.home) == []  # no gunicorn control socket under the home folder
    for pid in children:  # every process stopped with it
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_debug_brings_back_the_libraries_lines_and_all_every_request(tmp_path):
    console, port, smtp_port = serve(tmp_path, TANDEM_LOG_LEVEL="debug", TANDEM_ACCESS_LOG="all")
    try:
        console.wait_for("Tandem is running at")
        assert get(port, "/healthz") == 200
        talk_smtp(smtp_port)
        console.wait_for('"GET /healthz HTTP/1.1" 200')
        console.wait_for("Connection lost during _handle_client()")  # aiosmtpd, at DEBUG only
        console.wait_for("[DEBUG]")  # gunicorn
        assert console.ctrl_c() == 0, console.output
    finally:
        console.stop()
    assert "mail listener" not in console.output
    assert files_under(console.home) == []


def test_without_an_access_log_only_the_banner_shows(tmp_path):
    console, port, _smtp_port = serve(tmp_path, TANDEM_ACCESS_LOG="off")
    try:
        console.wait_for("Tandem is running at")
        assert get(port, "/login/") == 200
        time.sleep(1)
        assert console.ctrl_c() == 0, console.output
    finally:
        console.stop()
    assert len(console.lines) == 3, console.output


def test_serve_refuses_an_address_something_else_answers_on(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        console = Console(tmp_path, "serve", "--bind", f"127.0.0.1:{port}", "--mail-listen", "off")
        try:
            assert console.process.wait(timeout=60) != 0
        finally:
            console.stop()
    assert "Something already answers on" in console.output
    assert "Tandem is running" not in console.output


def test_where_a_bind_address_is_reached():
    assert address_of("127.0.0.1:8123") == ("127.0.0.1", 8123)
    assert address_of("localhost") == ("localhost", 8000)
    assert address_of("[::1]:8123") == ("::1", 8123)
    assert address_of(":8123") == ("127.0.0.1", 8123)
    assert address_of("unix:/run/tandem.sock") == "/run/tandem.sock"
    assert address_of("fd://3") is None
    assert address_of("127.0.0.1:http") is None


def test_gunicorn_says_only_what_goes_wrong_unless_tandem_logs_at_debug():
    assert [gunicorn_log_level(level) for level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")] == [
        "debug",
        "warning",
        "warning",
        "error",
        "critical",
    ]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("TANDEM_LOG_LEVEL", "loud", "TANDEM_LOG_LEVEL must be one of"),
        ("TANDEM_ACCESS_LOG", "some", "TANDEM_ACCESS_LOG"),
    ],
)
def test_a_log_setting_tandem_cannot_read_stops_it_at_start(tmp_path, name, value, says):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") and k != "DATABASE_URL"}
    env.update({"TANDEM_DATA_DIR": str(tmp_path), name: value})
    result = subprocess.run(
        [sys.executable, "-c", "import tandem.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and says in result.stderr
