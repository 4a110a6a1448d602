"""The load generator: Debian's `wrk`, driven by bench/loadgen.lua.

The runner writes the requests of a scenario to a file (one a line, see `write_request_file`);
every wrk thread cycles through them, and at the end the script writes wrk's totals, the status
codes and the full latency histogram, which `parse_result` reads back."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

SCRIPT = Path(__file__).resolve().parent / "loadgen.lua"
ERROR_KINDS = ("connect", "read", "write", "status", "timeout")


@dataclass(frozen=True)
class Request:
    """One HTTP request as wrk sends it. An empty body sends no body (and no Content-Length)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""

    @classmethod
    def make(
        cls, method: str, path: str, headers: Mapping[str, str] | None = None, body: str = ""
    ) -> Request:
        return cls(method, path, tuple((headers or {}).items()), body)


def _field(text: str) -> str:
    # Percent-encoding keeps tabs and newlines out of the fields; the Lua side decodes %XX.
    return quote(text, safe="")


def format_request(request: Request) -> str:
    fields = [request.method, request.path, request.body]
    for name, value in request.headers:
        fields += [name, value]
    return "\t".join(_field(f) for f in fields)


def write_request_file(path: Path, requests: Iterable[Request]) -> int:
    lines = [format_request(r) for r in requests]
    if not lines:
        raise ValueError("a scenario needs at least one request")
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return len(lines)


def read_request_file(path: Path) -> list[Request]:
    """What loadgen.lua reads from the file (the same parsing, in Python)."""
    requests = []
    for line in path.read_text(encoding="ascii").splitlines():
        if not line:
            continue
        method, request_path, body, *rest = (unquote(f) for f in line.split("\t"))
        headers = tuple(zip(rest[0::2], rest[1::2], strict=True))
        requests.append(Request(method, request_path, headers, body))
    return requests


@dataclass
class WrkResult:
    requests: int = 0
    duration_us: int = 0
    bytes: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    histogram_us: list[tuple[int, int]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.duration_us / 1_000_000

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    @property
    def socket_errors(self) -> int:
        """Connection, read, write and timeout errors (non-2xx statuses are counted in `statuses`)."""
        return sum(n for kind, n in self.errors.items() if kind != "status")


def parse_result(text: str) -> WrkResult:
    """Reads what loadgen.lua's done() wrote. Unknown lines are an error, not silently skipped."""
    result = WrkResult()
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        try:
            match parts:
                case ["requests", n]:
                    result.requests = int(n)
                case ["duration_us", n]:
                    result.duration_us = int(n)
                case ["bytes", n]:
                    result.bytes = int(n)
                case ["error", kind, n]:
                    result.errors[kind] = int(n)
                case ["status", status, n]:
                    result.statuses[int(status)] = result.statuses.get(int(status), 0) + int(n)
                case ["latency", value, n]:
                    result.histogram_us.append((int(value), int(n)))
                case _:
                    raise ValueError("unknown line")
        except ValueError:
            raise ValueError(f"line {number} of the wrk result is not understood: {line!r}") from None
    return result


def ensure_wrk() -> str:
    """The path of `wrk`, installing Debian's package first when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if os.geteuid() == 0 and apt:
        print("==> Installing Debian's wrk (the load generator)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([apt, "update", "-qq"], check=False, env=env, capture_output=True)  # noqa: S603
        subprocess.run([apt, "install", "-y", "-qq", "wrk"], check=False, env=env, capture_output=True)  # noqa: S603
        found = shutil.which("wrk")
    if not found:
        raise RuntimeError(
            "wrk is not installed: install it (Debian/Ubuntu: apt-get install wrk) and run again."
        )
    return found


def wrk_version(wrk: str) -> str:
    output = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    first = (output.stdout or output.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "unknown"


def threads_for(connections: int) -> int:
    # One thread is plenty for one connection; two keep up with 8 connections to a Django server.
    return max(1, min(connections, 2))


def run_wrk(
    wrk: str,
    base_url: str,
    requests: Iterable[Request],
    *,
    connections: int,
    seconds: int,
    workdir: Path,
    timeout_s: int = 60,
) -> WrkResult:
    workdir.mkdir(parents=True, exist_ok=True)
    request_file = workdir / "requests.txt"
    result_file = workdir / "result.txt"
    write_request_file(request_file, requests)
    result_file.unlink(missing_ok=True)
    threads = threads_for(connections)
    env = {
        **os.environ,
        "TANDEM_BENCH_REQUESTS": str(request_file),
        "TANDEM_BENCH_RESULT": str(result_file),
        "TANDEM_BENCH_THREADS": str(threads),
    }
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout_s}s",
        "-s", str(SCRIPT), base_url,
    ]  # fmt: skip
    completed = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, env=env, capture_output=True, text=True, check=False, timeout=seconds + timeout_s + 60
    )
    if completed.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    return parse_result(result_file.read_text())
