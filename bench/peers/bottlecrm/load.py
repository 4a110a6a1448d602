"""Load Tandem's benchmark data set into the BottleCRM peer, from scratch every time.

    .venv/bin/python bench/peers/bottlecrm/load.py --source DATABASE_URL [--batch 5000]

DATABASE_URL names the Tandem database `tandem generate` filled (sqlite:////path/tandem.sqlite3 or
postgres://...). Three steps, each timed:
1. reset: the peer database is recreated from the migrated template (`setup.py` made it), so a
   load is idempotent and never sees rows a previous benchmark run created;
2. export: Tandem's own models read the data set into JSON lines (export.py, Tandem's venv),
   with the samples Tandem's benchmark draws for its scenarios (bench/prepare.py, same --seed);
3. import: BottleCRM's ORM writes it (peer_import.py, the peer's venv, bulk_create).
Prints the counts and seconds, and keeps them with the sample ids in run/load_info.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bench.peers.bottlecrm import config, pg
from bench.peers.bottlecrm.export import DEFAULT_SEED
from bench.peers.bottlecrm.setup import TEMPLATE_COMMENT


def reset(db: config.Database) -> None:
    with pg.admin_connection(db) as conn:
        if pg.database_comment(conn, db.template) != TEMPLATE_COMMENT:
            raise config.PeerError(
                f"No migrated template database {db.template}: run bench/peers/bottlecrm/setup.py first."
            )
        pg.recreate_database(conn, db.name, owner=db.user, template=db.template)


def export(source_url: str, out: Path, tandem_python: str, seed: int) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = source_url
    done = subprocess.run(  # noqa: S603
        [tandem_python, str(config.HERE / "export.py"), str(out), str(seed)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise config.PeerError(f"Reading Tandem's data set failed:\n{done.stderr[-3000:]}")
    counts: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return counts


def load(
    source_url: str, *, seed: int = DEFAULT_SEED, batch: int = 5000, tandem_python: str | None = None
) -> dict[str, Any]:
    """Reset the peer database and load the Tandem data set at `source_url` into it; returns what
    run/load_info.json holds (counts, timings, and the benchmark's samples drawn with `seed`, with
    the BottleCRM ids of the same records)."""
    paths, db = config.paths(), config.database()
    if not paths.python.exists():
        raise config.PeerError(
            "The BottleCRM peer is not installed: run bench/peers/bottlecrm/setup.py first."
        )
    paths.run.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}

    started = time.perf_counter()
    reset(db)
    timings["reset"] = round(time.perf_counter() - started, 2)
    print(f"  reset          {timings['reset']:8.2f} s  ({db.name} from {db.template})", flush=True)

    started = time.perf_counter()
    exported = export(source_url, paths.export_file, tandem_python or sys.executable, seed)
    timings["export"] = round(time.perf_counter() - started, 2)
    print(f"  export         {timings['export']:8.2f} s  {exported}", flush=True)

    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [str(paths.python), str(config.HERE / "peer_import.py"), str(paths.export_file), str(paths.load_info),
         "--batch", str(batch)],
        cwd=paths.run,
        env=config.peer_env(db),
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise config.PeerError("Loading into BottleCRM failed (its output is above).")
    timings["import"] = round(time.perf_counter() - started, 2)
    paths.export_file.unlink()

    info: dict[str, Any] = json.loads(paths.load_info.read_text())
    info["source"] = source_url
    info["exported"] = exported
    info["load_timings_s"] = timings
    paths.load_info.write_text(json.dumps(info, indent=1))
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--source", required=True, help="Tandem's DATABASE_URL (sqlite:///... or postgres://...)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the benchmark runner's --seed")
    parser.add_argument("--batch", type=int, default=5000, help="rows per INSERT")
    parser.add_argument("--tandem-python", help="Python of Tandem's venv (default: this one)")
    args = parser.parse_args(argv)
    try:
        info = load(args.source, seed=args.seed, batch=args.batch, tandem_python=args.tandem_python)
    except config.PeerError as exc:
        sys.exit(str(exc))
    total = round(sum(info["load_timings_s"].values()), 2)
    print(json.dumps({"counts": info["counts"], "adjusted": info["adjusted"], "seconds": info["load_timings_s"],
                      "total_s": total}))  # fmt: skip


if __name__ == "__main__":
    main()
