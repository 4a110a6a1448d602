"""`tandem demo` serves where TANDEM_BIND says, as `tandem serve` does, and says only what a newcomer
needs: the demo logins and where Tandem runs."""

from __future__ import annotations

from tandem.demo.management.commands.demo import Command
from tandem.demo.management.commands.seed_demo import USERS
from tests.core.console import Console, files_under, free_port


def test_the_demo_binds_where_tandem_bind_says(monkeypatch):
    monkeypatch.setenv("TANDEM_BIND", "127.0.0.1:8123")
    assert Command().create_parser("tandem", "demo").parse_args([]).bind == "127.0.0.1:8123"
    monkeypatch.delenv("TANDEM_BIND")
    assert Command().create_parser("tandem", "demo").parse_args([]).bind == "127.0.0.1:8000"
    assert Command().create_parser("tandem", "demo").parse_args(["--bind", "0.0.0.0:80"]).bind == "0.0.0.0:80"


def test_the_demo_prints_its_logins_and_where_it_runs_and_nothing_else(tmp_path):
    port, smtp_port = free_port(), free_port()
    console = Console(
        tmp_path, "demo", TANDEM_BIND=f"127.0.0.1:{port}", TANDEM_MAIL_LISTEN=f"127.0.0.1:{smtp_port}"
    )
    try:
        console.wait_for("Tandem is running at", timeout=300)
        console.settle()
        assert console.ctrl_c() == 0, console.output
    finally:
        console.stop()
    lines = console.lines
    assert lines[0] == "Applying database migrations…"
    assert lines[1].startswith("Demo company ready: ")  # no line for each demo e-mail received
    assert lines[2] == "Demo logins (password for all: tandem-demo):"
    assert [line.split()[0] for line in lines[3:12]] == [email for email, *_rest in USERS]
    assert lines[12:] == [
        f"Tandem is running at http://127.0.0.1:{port}/  (Ctrl+C stops it)",
        f"  Mail:  SMTP on 127.0.0.1:{smtp_port}",
        f"  Data:  {console.data}",
    ], console.output
    assert files_under(console.home) == []
