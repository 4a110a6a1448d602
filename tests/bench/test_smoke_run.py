"""The real runner end to end at a tiny size on SQLite: its own database in a temporary directory
(whatever DATABASE_URL the test run has), Tandem under gunicorn, wrk driving a few scenarios, and a
stand-in peer CRM measured in the same run. Figures are not asserted, only that everything was
measured, answered 2xx and was reported. Its size is bounded by what it asks for (1 s of warm-up and
of measurement per scenario and concurrency, 500 people), not by a stopwatch: the machines are
shared, and a wall-clock limit fails on a busy one."""

from __future__ import annotations

import http.server
import json
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bench.loadgen import Request
from bench.peers import PeerTarget
from bench.runner import main

SCENARIOS = [
    "people_list",
    "people_search",
    "org_timeline_api",
    "column_page",
    "api_person_update",
    "api_item_create",
]


class PeerHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        ok = self.headers.get("Authorization") == "Bearer stand-in"
        body = b'{"results": []}' if ok else b"{}"
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def stand_in_peer() -> Iterator[str]:
    """A peer answering people_list only, as bench/peers/<name>/ would describe a real CRM."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PeerHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def target(scenarios: Sequence[str]) -> PeerTarget:
        return PeerTarget(
            name="Stand-in CRM",
            base_url=f"http://127.0.0.1:{server.server_address[1]}",
            headers={"Authorization": "Bearer stand-in"},
            scenarios=[
                (name, [Request.make("GET", "/contacts/")]) for name in scenarios if name == "people_list"
            ],
        )

    module = types.ModuleType("bench.peers.standin")
    module.target = target  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield "standin"
    del sys.modules[module.__name__]
    server.shutdown()
    server.server_close()


def test_smoke_run(
    wrk: str,
    stand_in_peer: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    results = tmp_path / "results" / "not-there-yet"
    status = main([
        "--db", "sqlite", "--scale", "S",
        "--data-command", "generate --people 500 --organizations 100 --history 1000 --items 500 --quiet",
        "--duration", "1", "--warmup", "1", "--conc", "1,2", "--workers", "2",
        "--only", ",".join(SCENARIOS), "--floor-runs", "10", "--peer", stand_in_peer,
        "--var-dir", str(tmp_path / "var"), "--results-dir", str(results),
    ])  # fmt: skip
    output = capsys.readouterr().out
    assert status == 0, output[-3000:]

    [report_path] = results.glob("*-sqlite-S.json")
    report = json.loads(report_path.read_text())
    assert report_path.with_suffix(".md").exists()
    assert [s["name"] for s in report["scenarios"]] == SCENARIOS
    assert report["data"]["people"] >= 500
    assert report["versions"]["database"].startswith("SQLite")
    assert report["machine"]["cores"] >= 1
    for scenario in report["scenarios"]:
        assert set(scenario["runs"]) == {"1", "2"}
        for run in scenario["runs"].values():
            assert run["requests"] > 0, scenario["name"]
            assert run["non_2xx"] == 0, (scenario["name"], run["statuses"])
            assert run["socket_errors"] == 0, (scenario["name"], run["errors"])
            assert run["p50_ms"] > 0
        if scenario["writes"]:
            assert scenario["floor"] is None
        else:
            assert scenario["floor"]["median_ms"] > 0
            assert scenario["floor_ratio"] > 0
    assert report["memory"]["max_worker_rss_mb"] > 0
    assert len(report["memory"]["worker_rss_mb"]) == 2

    peer = report["peer"]
    assert peer["name"] == "Stand-in CRM"
    assert [(row["scenario"], row["conc"]) for row in peer["comparison"]] == [
        ("people_list", 1),
        ("people_list", 2),
    ]
    assert all(row["p50_ratio"] > 0 and row["rps_ratio"] > 0 for row in peer["comparison"])
    assert peer["scenarios"]["people_list"]["1"]["statuses"] == {
        "200": peer["scenarios"]["people_list"]["1"]["requests"]
    }

    assert "| people_list | 1 |" in output  # the Markdown table is printed too
    assert "### Against Stand-in CRM" in output
