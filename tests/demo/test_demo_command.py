"""`tandem demo` serves where TANDEM_BIND says, as `tandem serve` does."""

from __future__ import annotations

from tandem.demo.management.commands.demo import Command


def test_the_demo_binds_where_tandem_bind_says(monkeypatch):
    monkeypatch.setenv("TANDEM_BIND", "127.0.0.1:8123")
    assert Command().create_parser("tandem", "demo").parse_args([]).bind == "127.0.0.1:8123"
    monkeypatch.delenv("TANDEM_BIND")
    assert Command().create_parser("tandem", "demo").parse_args([]).bind == "127.0.0.1:8000"
    assert Command().create_parser("tandem", "demo").parse_args(["--bind", "0.0.0.0:80"]).bind == "0.0.0.0:80"
