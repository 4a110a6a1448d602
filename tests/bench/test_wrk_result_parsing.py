"""What loadgen.lua writes at the end of a wrk run is read back exactly."""

from __future__ import annotations

import pytest

from bench.loadgen import parse_result

RESULT = """requests 12
duration_us 2000500
bytes 34567
error connect 0
error read 1
error write 0
error status 2
error timeout 3
status 200 9
status 404 1
status 502 1
status 201 1
latency 1520 3
latency 980 1
latency 250000 8
"""


def test_totals_statuses_and_histogram() -> None:
    result = parse_result(RESULT)
    assert result.requests == 12
    assert result.duration_us == 2_000_500
    assert result.seconds == pytest.approx(2.0005)
    assert result.bytes == 34567
    assert result.errors == {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 3}
    assert result.statuses == {200: 9, 404: 1, 502: 1, 201: 1}
    assert result.histogram_us == [(1520, 3), (980, 1), (250000, 8)]


def test_non_2xx_and_socket_errors() -> None:
    result = parse_result(RESULT)
    assert result.non_2xx == 2  # 404 and 502; 200 and 201 are fine
    assert result.socket_errors == 4  # read + timeout; "status" is counted through the statuses


def test_a_status_seen_by_two_threads_adds_up() -> None:
    assert parse_result("status 200 3\nstatus 200 4\n").statuses == {200: 7}


def test_empty_result() -> None:
    result = parse_result("")
    assert result.requests == 0
    assert result.histogram_us == []
    assert result.non_2xx == 0


@pytest.mark.parametrize("line", ["latency 12", "status ok 3", "requests many", "something 1 2"])
def test_a_line_it_does_not_understand_is_an_error(line: str) -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_result(f"requests 1\n{line}\n")
