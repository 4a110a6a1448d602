"""Tandem's benchmark runner (entry point: bench/run.py, or `./tandem bench`).

Sets up a benchmark database (migrate, collectstatic, `tandem generate`), starts Tandem under
gunicorn as production runs it, logs the bench user in, and for every scenario times its floor
(the SQL alone), warms up, and measures it with wrk at each concurrency. Writes
bench/results/<time>-<db>-<scale>.json and .md and prints the Markdown table."""

from __future__ import annotations

import argparse
import http.client
import os
import shlex
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import peers, report
from bench.floor import Database, time_floor
from bench.loadgen import Request, WrkResult, ensure_wrk, run_wrk, threads_for, wrk_version
from bench.scenarios import Context, Scenario, all_scenarios
from bench.scenarios.contacts import deep_page
from bench.server import (
    Server,
    collectstatic,
    database_url,
    drop_database,
    ensure_postgres_database,
    login,
    manage,
    prepare,
    tandem_env,
)
from bench.stats import summarize

BENCH_DIR = Path(__file__).resolve().parent
SCALES = ("S", "M", "L")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Measure Tandem under load, scenario by scenario."
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", choices=SCALES, default="S", help="data set size for `tandem generate`")
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds measured per scenario and concurrency"
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="unmeasured seconds per scenario first (0: none)"
    )
    parser.add_argument("--conc", default="1,8", help="concurrencies (connections), e.g. 1,8")
    parser.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn processes")
    parser.add_argument("--peer", default="", help="also measure this peer CRM (bench/peers/NAME/)")
    parser.add_argument(
        "--data-command",
        default="",
        help='the tandem command that fills the database (default: "generate --scale SCALE")',
    )
    parser.add_argument(
        "--data-name",
        default="",
        help="name of the benchmark database, when --data-command makes another data set than the scale's "
        "(default: the scale)",
    )
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database and start over")
    parser.add_argument(
        "--var-dir", type=Path, default=BENCH_DIR / "var", help="data directory (SQLite, static)"
    )
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TANDEM_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/"),
        help="PostgreSQL server; the runner uses its own database tandem_bench_<scale> there",
    )
    parser.add_argument("--floor-runs", type=int, default=100, help="timed runs of each floor (median)")
    parser.add_argument("--seed", type=int, default=20261124, help="for sampling ids and search terms")
    parser.add_argument("--list", action="store_true", help="list the scenarios and stop")
    args = parser.parse_args(argv)
    try:
        args.concurrency = sorted({int(c) for c in args.conc.split(",") if c.strip()})
    except ValueError:
        parser.error(f"--conc takes numbers separated by commas, not {args.conc!r}")
    if not args.concurrency or min(args.concurrency) < 1:
        parser.error("--conc needs at least one concurrency of 1 or more")
    if args.duration < 1 or args.warmup < 0 or args.workers < 1 or args.floor_runs < 1:
        parser.error("--duration, --workers and --floor-runs must be at least 1, --warmup at least 0")
    args.data_command = args.data_command or f"generate --scale {args.scale}"
    if args.data_name and not all(ch.isalnum() or ch == "_" for ch in args.data_name):
        parser.error("--data-name takes letters, digits and _ only")
    args.data_name = args.data_name or args.scale
    return args


def select(scenarios: dict[str, Scenario], only: str) -> list[Scenario]:
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in scenarios]
    if unknown:
        raise SystemExit(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(scenarios)}")
    return [s for name, s in scenarios.items() if not names or name in names]


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"==> {title}", end="", flush=True)
    started = time.monotonic()
    yield
    print(f" ({time.monotonic() - started:.1f} s)", flush=True)


def probe(base_url: str, request: Request) -> tuple[int, int]:
    """Sends one request, for a clear message when a scenario is broken before measuring it."""
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=120)
    try:
        conn.request(request.method, request.path, body=request.body or None, headers=dict(request.headers))
        response = conn.getresponse()
        body = response.read()
        if response.status >= 300:
            print(f"   {request.method} {request.path} answered {response.status}: {body[:300]!r}")
        return response.status, len(body)
    finally:
        conn.close()


def cell(result: WrkResult, connections: int) -> dict[str, Any]:
    summary = summarize(result.histogram_us, requests=result.requests, seconds=result.seconds)
    return {
        "connections": connections,
        "threads": threads_for(connections),
        "requests": summary.requests,
        "seconds": round(summary.seconds, 3),
        "rps": summary.rps,
        "mean_ms": summary.mean_ms,
        "p50_ms": summary.p50_ms,
        "p95_ms": summary.p95_ms,
        "p99_ms": summary.p99_ms,
        "max_ms": summary.max_ms,
        "histogram_samples": sum(n for _, n in result.histogram_us),
        "non_2xx": result.non_2xx,
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "socket_errors": result.socket_errors,
        "errors": result.errors,
        "bytes": result.bytes,
    }


def measure(
    wrk: str, base_url: str, requests: list[Request], args: argparse.Namespace, workdir: Path, label: str
) -> dict[str, dict[str, Any]]:
    if args.warmup:
        run_wrk(
            wrk, base_url, requests, connections=max(args.concurrency), seconds=args.warmup, workdir=workdir
        )
    runs = {}
    for conc in args.concurrency:
        result = cell(
            run_wrk(wrk, base_url, requests, connections=conc, seconds=args.duration, workdir=workdir), conc
        )
        runs[str(conc)] = result
        print(
            f"   {label:<22} c={conc:<3} {result['rps']:>9,.1f} req/s   p50 {result['p50_ms'] or 0:>9,.1f} ms   "
            f"p99 {result['p99_ms'] or 0:>9,.1f} ms   n={result['requests']}  statuses {result['statuses']}",
            flush=True,
        )
    return runs


def run_scenario(
    scenario: Scenario, ctx: Context, db: Database, wrk: str, base_url: str, args: argparse.Namespace
) -> dict[str, Any]:
    cases = scenario.build(ctx)
    requests = [c.request for c in cases]
    print(f"-- {scenario.name}: {scenario.title}; {len(requests)} request(s) cycled, e.g. "
          f"{requests[0].method} {requests[0].path}", flush=True)  # fmt: skip
    floor: dict[str, Any] | None = None
    if scenario.floor is not None:
        timing = time_floor(db, scenario.floor, [c.floor_params for c in cases], runs=args.floor_runs)
        floor = {"median_ms": timing.median_ms, "runs": timing.runs, "what": timing.description}
        print(f"   floor {timing.median_ms:.3f} ms (median of {timing.runs})", flush=True)
    probe(base_url, requests[0])
    runs = measure(wrk, base_url, requests, args, args.var_dir / "wrk" / scenario.name, scenario.name)
    first = runs[str(args.concurrency[0])]
    ratio = None
    if floor and first["p50_ms"] and floor["median_ms"] > 0:
        ratio = round(first["p50_ms"] / floor["median_ms"], 2)
    return {
        "name": scenario.name,
        "title": scenario.title,
        "writes": scenario.writes,
        "example": f"{requests[0].method} {requests[0].path}",
        "requests_in_cycle": len(requests),
        "floor": floor,
        "floor_ratio": ratio,
        "floor_ratio_concurrency": args.concurrency[0],
        "runs": runs,
    }


def run_peer(
    peer_target: peers.PeerTarget, tandem: list[dict[str, Any]], wrk: str, args: argparse.Namespace
) -> dict[str, Any]:
    comparison = []
    measured: dict[str, Any] = {}
    for sc in tandem:
        requests = peer_target.requests(sc["name"])
        if not requests:
            continue
        print(f"-- {peer_target.name}: {sc['name']}", flush=True)
        probe(peer_target.base_url, requests[0])
        workdir = args.var_dir / "wrk" / f"peer-{sc['name']}"
        runs = measure(wrk, peer_target.base_url, requests, args, workdir, f"{peer_target.name}:{sc['name']}")
        measured[sc["name"]] = runs
        for conc, run in runs.items():
            mine = sc["runs"][conc]
            comparison.append({
                "scenario": sc["name"], "conc": int(conc), "tandem_rps": mine["rps"], "peer_rps": run["rps"],
                "tandem_p50_ms": mine["p50_ms"], "peer_p50_ms": run["p50_ms"],
                "rps_ratio": _divide(mine["rps"], run["rps"]), "p50_ratio": _divide(mine["p50_ms"], run["p50_ms"]),
            })  # fmt: skip
    return {
        "name": peer_target.name,
        "base_url": peer_target.base_url,
        "versions": dict(peer_target.versions),
        "scenarios": measured,
        "comparison": comparison,
    }


def _divide(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = all_scenarios()
    if args.list:
        for name, sc in scenarios.items():
            print(f"{name:<22} {sc.title}{'' if sc.floor else '  (no floor)'}")
        return 0
    selected = select(scenarios, args.only)
    peer_function = None
    if args.peer:
        try:
            peer_function = peers.load(args.peer)
        except peers.PeerNotAvailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    wrk = ensure_wrk()
    started_at = report.now()
    load_before = [round(x, 2) for x in os.getloadavg()]
    var_dir: Path = args.var_dir.resolve()
    args.var_dir = var_dir
    var_dir.mkdir(parents=True, exist_ok=True)
    db_url = database_url(args.db, args.data_name, var_dir, args.postgres)
    env = tandem_env(var_dir, db_url)

    if args.fresh:
        with step(f"drop {db_url}"):
            drop_database(db_url)
    if args.db == "postgres":
        ensure_postgres_database(db_url)
    with step("migrate"):
        manage(env, "migrate", "--no-input")
    with step("collectstatic"):
        stand_ins = collectstatic(env, var_dir / "static")
    if stand_ins:
        print(
            f"warning: Tandem's collectstatic fails on source maps it does not ship: {', '.join(stand_ins)}. "
            "The bench stood in empty files in its own static directory; a deployment would fail here."
        )
    print(f"==> tandem {args.data_command}", flush=True)
    manage(env, *shlex.split(args.data_command), show_output=True)
    with step("bench user, token and samples"):
        samples = prepare(env, args.seed)

    feed_user: dict[str, Any] = samples.get("feed_user") or {}
    server = Server(env, args.workers, var_dir / f"gunicorn-{args.db}-{args.scale}.log")
    db = Database.connect(db_url)
    results: list[dict[str, Any]] = []
    try:
        with step(f"start gunicorn with {args.workers} workers"):
            server.start()
        session = login(server.base_url, str(samples["email"]), str(samples["password"]))
        feed_session = login(server.base_url, feed_user["email"], feed_user["password"]) if feed_user else ""
        ctx = Context(
            samples,
            session,
            str(samples["token"]),
            started_at.strftime("%m%d%H%M%S"),
            feed_session=feed_session,
            feed_token=str(feed_user.get("token", "")),
        )
        for scenario in selected:
            results.append(run_scenario(scenario, ctx, db, wrk, server.base_url, args))
        rss = server.worker_rss_mb()
        database_version = db.version()
    finally:
        server.stop()
        db.close()

    peer = None
    if peer_function is not None:
        try:
            peer_target = peer_function([r["name"] for r in results])
            peers.check_loopback(peer_target)
            peer = run_peer(peer_target, results, wrk, args)
        except Exception as exc:  # Tandem's figures are worth keeping when the peer fails
            print(f"error: measuring the peer {args.peer} failed: {exc}", file=sys.stderr)
            peer = {"name": args.peer, "error": str(exc)}

    result = {
        "started_at": started_at.isoformat(),
        "finished_at": report.now().isoformat(),
        "db": args.db,
        "scale": args.scale,
        "load_average_before": load_before,
        "checkout": report.checkout(),
        "machine": report.machine(),
        "versions": report.versions(database_version, wrk_version(wrk)),
        "settings": {
            "workers": args.workers,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "concurrency": args.concurrency,
            "floor_runs": args.floor_runs,
            "server": "gunicorn sync workers, TANDEM_DEBUG=false, 127.0.0.1",
        },
        "data": {
            "command": args.data_command,
            "people": samples["people_count"],
            "organizations": samples["organization_count"],
            "deep_page": deep_page(int(samples["people_count"])),
            "tag": samples["tag"],
            "archived_from_earlier_runs": samples["archived_from_earlier_runs"],
            "feed_user": {k: v for k, v in feed_user.items() if k not in ("password", "token")},
        },
        "notes": [f"collectstatic needed stand-ins for missing source maps: {', '.join(stand_ins)}"]
        if stand_ins
        else [],
        "scenarios": results,
        "memory": {
            "worker_rss_mb": {str(pid): mb for pid, mb in rss.items()},
            "max_worker_rss_mb": max(rss.values(), default=None),
            "target_mb": report.RSS_TARGET_MB,
        },
        "peer": peer,
    }
    json_path, md_path = report.write(result, args.results_dir)
    print()
    print(md_path.read_text())
    print(f"wrote {json_path}\n      {md_path}")
    failed = sum(run["non_2xx"] + run["socket_errors"] for sc in results for run in sc["runs"].values())
    if failed:
        print(f"error: {failed} measured requests failed (non-2xx answers or socket errors)", file=sys.stderr)
        return 1
    return 0
