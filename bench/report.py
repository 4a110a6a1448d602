"""The benchmark report: the machine, the versions, and per scenario and concurrency the figures,
written as JSON (for comparing runs) and as a Markdown table (for reading)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RSS_TARGET_MB = 150


def machine() -> dict[str, Any]:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {
        # Other work on the machine skews the figures: the load average says how busy it was.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "memory_mb": memory_mb,
        "cpu_model": cpu_model or platform.processor() or "unknown",
        "kernel": platform.release(),
        "system": platform.platform(),
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def versions(database: str, wrk: str) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "django": _version("django"),
        "django_ninja": _version("django-ninja"),
        "gunicorn": _version("gunicorn"),
        "psycopg": _version("psycopg"),
        "database": database,
        "wrk": wrk,
    }


def checkout() -> dict[str, Any]:
    """Which Tandem was measured (read-only git commands)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)  # noqa: S603, S607
        return done.stdout.strip() if done.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or None, "modified": bool(git("status", "--porcelain"))}


def now() -> datetime:
    return datetime.now(UTC)


def write(report: dict[str, Any], results_dir: Path) -> tuple[Path, Path]:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(report["started_at"]).strftime("%Y%m%d-%H%M%S")
    base = results_dir / f"{stamp}-{report['db']}-{report['scale']}"
    json_path, md_path = base.with_suffix(".json"), base.with_suffix(".md")
    json_path.write_text(json.dumps(report, indent=1) + "\n")
    md_path.write_text(markdown(report))
    return json_path, md_path


def _f(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def markdown(report: dict[str, Any]) -> str:
    m, v, s = report["machine"], report["versions"], report["settings"]
    lines = [
        f"## Tandem benchmark — {report['db']}, scale {report['scale']} ({report['started_at'][:16]} UTC)",
        "",
        f"- machine: {m['cores']} cores, {_f((m['memory_mb'] or 0) / 1024)} GiB, {m['cpu_model']}, Linux {m['kernel']}; "
        f"load average before the run {report['load_average_before'][0]}, after {m['load_average'][0]}",
        f"- versions: Python {v['python']}, Django {v['django']}, gunicorn {v['gunicorn']}, {v['database']}, {v['wrk']}",
        f"- server: gunicorn, {s['workers']} sync workers on 127.0.0.1; load: wrk on the same machine, "
        f"{s['duration_s']} s per cell after a {s['warmup_s']} s warm-up",
        f"- data: {report['data']['people']:,} people, {report['data']['organizations']:,} organizations "
        f"(`tandem {report['data']['command']}`); deep page = {report['data']['deep_page']}",
        f"- Tandem {(report['checkout']['commit'] or 'unknown')[:12]}{' (modified)' if report['checkout']['modified'] else ''}",
        "",
        "| scenario | conc | req/s | p50 ms | p95 ms | p99 ms | mean ms | max ms | n | failed | floor ms | p50 / floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for sc in report["scenarios"]:
        for index, (conc, run) in enumerate(sc["runs"].items()):
            floor = sc["floor"] if index == 0 else None
            ratio = sc["floor_ratio"] if index == 0 else None
            lines.append(
                f"| {sc['name'] if index == 0 else ''} | {conc} | {_f(run['rps'])} | {_f(run['p50_ms'])} "
                f"| {_f(run['p95_ms'])} | {_f(run['p99_ms'])} | {_f(run['mean_ms'])} | {_f(run['max_ms'])} "
                f"| {run['requests']:,} | {run['non_2xx'] + run['socket_errors']} "
                f"| {_f(floor['median_ms'], 2) if floor else ''} | {f'{ratio:,.1f}x' if ratio else ''} |"
            )
    memory = report["memory"]
    rss = ", ".join(_f(x) for x in memory["worker_rss_mb"].values())
    lines += [
        "",
        f"Web processes after the run: max RSS {_f(memory['max_worker_rss_mb'])} MB per worker "
        f"(target < {memory['target_mb']} MB; all: {rss}).",
        "",
        "n: requests completed in the measured seconds; failed: non-2xx answers and socket errors. "
        "Percentiles are nearest-rank over wrk's latency histogram (which includes wrk's correction for "
        "coordinated omission). p50 / floor: Tandem's median latency at the lowest concurrency over the "
        "median time the database alone takes to return and JSON-encode the same rows (bench/scenarios/).",
        *(f"Note: {note}" for note in report.get("notes", [])),
    ]
    peer = report.get("peer")
    if peer and peer.get("error"):
        lines += ["", f"Peer {peer['name']}: not measured ({peer['error']})."]
    elif peer:
        lines += ["", f"### Against {peer['name']} ({peer['base_url']})", ""]
        lines += [
            "| scenario | conc | Tandem req/s | peer req/s | Tandem p50 ms | peer p50 ms | Tandem/peer req/s "
            "| Tandem/peer p50 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in peer["comparison"]:
            lines.append(
                f"| {row['scenario']} | {row['conc']} | {_f(row['tandem_rps'])} | {_f(row['peer_rps'])} "
                f"| {_f(row['tandem_p50_ms'])} | {_f(row['peer_p50_ms'])} "
                f"| {_ratio(row['rps_ratio'])} | {_ratio(row['p50_ratio'])} |"
            )
        lines += [
            "",
            "Tandem/peer req/s above 1 and Tandem/peer p50 below 1: Tandem is faster. The peer's "
            "requests for each scenario are described in bench/peers/<name>/.",
        ]
    return "\n".join(lines) + "\n"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"
