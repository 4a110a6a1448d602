"""The request file the runner writes for wrk: read back by the Python mirror of the Lua parser, and
sent by the real wrk + loadgen.lua to a recording server, byte for byte and in order."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.loadgen import Request, format_request, read_request_file, run_wrk, write_request_file

REQUESTS = [
    Request.make(
        "GET",
        "/people/?q=M%C3%BCller&ordering=-updated",
        {"Cookie": "sessionid=abc%def", "Accept": "text/html"},
    ),
    Request.make(
        "POST",
        "/api/v1/people",
        {"Authorization": "Bearer tdm_x+y/z=", "Content-Type": "application/json"},
        json.dumps(
            {"last_name": "Ahmadi\tاحمدی", "notes": 'line 1\nline 2 100% "quoted"'},  # noqa: RUF001
            ensure_ascii=False,
        ),
    ),
    Request.make(
        "PATCH", "/api/v1/people/7", {"If-Match": "*", "Content-Type": "application/json"}, '{"notes": "b"}'
    ),
]


def test_python_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "requests.txt"
    assert write_request_file(path, REQUESTS) == 3
    assert read_request_file(path) == REQUESTS
    # one request a line, nothing that would split a line or a field
    assert len(path.read_text().splitlines()) == 3


def test_fields_are_kept_apart() -> None:
    line = format_request(REQUESTS[1])
    assert "\n" not in line
    assert line.count("\t") == 2 + 2 * 2  # method, path, body + two headers (name and value each)


def test_no_requests_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_request_file(tmp_path / "requests.txt", [])


def comparable(request: Request) -> tuple[str, str, dict[str, str], str]:
    return request.method, request.path, dict(request.headers), request.body


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[Request] = []

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        names = ("Cookie", "Accept", "Authorization", "Content-Type", "If-Match")
        headers = tuple((name, self.headers[name]) for name in names if name in self.headers)
        self.seen.append(Request(self.command, self.path, headers, body))
        status = 201 if self.command == "POST" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = do_PATCH = _record

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[Request]]]:
    seen: list[Request] = []
    handler = type("OneRecorder", (Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_wrk_sends_the_requests_in_order(
    wrk: str, recorder: tuple[str, list[Request]], tmp_path: Path
) -> None:
    base_url, seen = recorder
    result = run_wrk(wrk, base_url, REQUESTS, connections=1, seconds=1, workdir=tmp_path)
    assert len(seen) >= 3
    assert result.requests > 0
    assert result.statuses.get(200, 0) + result.statuses.get(201, 0) == result.requests
    assert result.non_2xx == 0
    # one connection cycles through the list in order (wrk asks the script for one request before
    # the run to check it, so the cycle may start further on)
    sent = [comparable(r) for r in REQUESTS]
    start = sent.index(comparable(seen[0]))
    for index, request in enumerate(seen):
        assert comparable(request) == sent[(start + index) % 3]
