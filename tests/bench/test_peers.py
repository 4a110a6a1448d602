"""The peer interface: a missing peer is a clear error before anything starts; a peer's requests
carry its auth headers."""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bench.loadgen import Request
from bench.peers import PeerNotAvailable, PeerTarget, check_loopback, load

REPO = Path(__file__).resolve().parents[2]


def test_a_missing_peer_is_not_available_yet() -> None:
    with pytest.raises(PeerNotAvailable, match="not available yet"):
        load("nosuchpeer")


def test_a_name_that_is_no_module_name_is_refused() -> None:
    with pytest.raises(PeerNotAvailable):
        load("../etc")


@pytest.fixture
def fake_peer() -> Iterator[str]:
    def target(scenarios: Sequence[str]) -> PeerTarget:
        return PeerTarget(
            name="Fake CRM",
            base_url="http://127.0.0.1:9",
            headers={"Authorization": "Bearer fake", "Accept": "application/json"},
            scenarios=[
                (
                    "people_list",
                    [Request.make("GET", "/contacts/"), Request.make("GET", "/x", {"Accept": "text/html"})],
                )
            ],
        )

    module = types.ModuleType("bench.peers.fakecrm")
    module.target = target  # type: ignore[attr-defined]
    sys.modules["bench.peers.fakecrm"] = module
    yield "fakecrm"
    del sys.modules["bench.peers.fakecrm"]


def test_a_peer_is_its_target_function(fake_peer: str) -> None:
    target = load(fake_peer)(["people_list", "org_page"])
    assert target.name == "Fake CRM"
    check_loopback(target)
    first, second = target.requests("people_list")
    assert dict(first.headers) == {"Authorization": "Bearer fake", "Accept": "application/json"}
    # a request's own header wins over the peer's
    assert dict(second.headers) == {"Authorization": "Bearer fake", "Accept": "text/html"}
    assert target.requests("org_page") == []


def test_peers_are_measured_on_this_machine_only() -> None:
    far = PeerTarget(name="far", base_url="http://crm.example.com", headers={}, scenarios=[])
    with pytest.raises(PeerNotAvailable):
        check_loopback(far)


def test_the_runner_stops_at_once_for_a_missing_peer() -> None:
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--peer", "nosuchpeer"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "not available yet" in done.stderr
    assert "==> migrate" not in done.stdout  # nothing was set up
