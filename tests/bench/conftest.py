"""Benchmark runner tests. Those that drive the real load generator need Debian's wrk (the runner
installs it when missing and running as root); without it they are skipped, except where
TANDEM_REQUIRE_BROWSER=1 (CI) says every test must run, which makes that a failure."""

from __future__ import annotations

import os

import pytest

from bench.loadgen import ensure_wrk


@pytest.fixture(scope="session")
def wrk() -> str:
    try:
        return ensure_wrk()
    except RuntimeError as exc:
        if os.environ.get("TANDEM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{exc} TANDEM_REQUIRE_BROWSER=1 says the benchmark smoke tests must run.")
        pytest.skip(f"wrk is not installed ({exc})")
