"""Notification fan-out throughput: history entries per second through to inbox rows and queued
e-mails, as the worker's fan-out job (tandem.notifications.fanout.fan_out) makes them.

    .venv/bin/python -m bench.fanout --db sqlite|postgres [--events 5000] [--runs 5]

The data set, made with Tandem's services and a fixed seed: a support team of 12 on one board
(the team hears of new work and assignment changes), 500 items with 2 assignees and 3 watchers
each, and `--events` changes on them: a third reassignments, a third comments mentioning someone,
a third other edits. Making them fills the outbox; each run then empties the notifications, puts
the same entries back in the outbox and times one `fan_out` to the end (every batch, its
queries, the inserts), then the e-mails that fan-out queued are sent once through Django's
in-memory mail backend and timed too. Medians of `--runs` runs, printed and written to
bench/results/<time>-fanout-<db>.md."""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_items: list[int] = []  # the items this run made: their history is what each run fans out


def _setup(db: str, url: str | None) -> str:
    if url:  # an existing data set (e.g. the feeds benchmark's 5M history rows): migrated, kept
        pass
    elif db == "sqlite":
        path = ROOT / "bench" / "var" / "tandem-bench-fanout.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        url = f"sqlite:///{path}"
    else:
        base = os.environ.get("TANDEM_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS tandem_bench_fanout")
            conn.execute("CREATE DATABASE tandem_bench_fanout")
        url = f"{base}/tandem_bench_fanout"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    os.environ["TANDEM_TASKS_IMMEDIATE"] = "false"
    os.environ["TANDEM_TESTING"] = "false"
    os.environ["TANDEM_EMAIL_BACKEND"] = "memory"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _make_data(events: int, seed: int) -> int:
    from django.db import transaction

    from tandem.accounts import services as accounts
    from tandem.accounts.models import User
    from tandem.accounts.roles import Role
    from tandem.notifications.models import Outbox
    from tandem.work import services as work

    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    tag = f"{seed}-{secrets.token_hex(3)}"  # a second run on the same database makes its own
    admin = User.objects.create_user(
        f"admin-{tag}@bench.example", "bench-password-1", role=Role.ADMIN, full_name="Admin"
    )
    team = accounts.create_team(name=f"Support {tag}", slug=f"support-{tag}", by=admin)
    people = []
    for n in range(12):
        user = User.objects.create_user(
            f"agent{n}-{tag}@bench.example", "bench-password-1", full_name=f"Agent {n}"
        )
        accounts.update_user(user, by=admin, teams=[team])
        people.append(User.objects.get(pk=user.pk))
    board = work.create_board(by=admin, data={"name": "Support", "team": team})
    items = []
    with transaction.atomic():
        for n in range(500):
            by = rng.choice(people)
            item = work.create_item(
                by=by, board=board, data={"title": f"Ticket {n}", "assignees": rng.sample(people, 2)}
            )
            item.watchers.add(*rng.sample(people, 3))
            items.append(item)
            _items.append(item.pk)
        for n in range(events):
            item, by = rng.choice(items), rng.choice(people)
            kind = n % 3
            if kind == 0:
                work.update_item(item, by=by, version=None, data={"assignees": rng.sample(people, 2)})
            elif kind == 1:
                work.add_comment(
                    item, by=by, body=f"@{rng.choice(people).handle} can you look at this? ({n})"
                )
            else:
                work.update_item(item, by=by, version=None, data={"title": f"Ticket {item.pk}, take {n}"})
    return Outbox.objects.count()


def _run() -> dict[str, float]:
    from django.db import connection

    from tandem.activity.models import HistoryEntry
    from tandem.notifications import fanout, mail
    from tandem.notifications.models import Mail, Notification, Outbox

    Notification.objects.all().delete()
    Outbox.objects.all().delete()
    entries = list(
        HistoryEntry.objects.filter(target_type="item", target_id__in=_items).values_list("pk", flat=True)
    )
    Outbox.objects.bulk_create([Outbox(entry_id=pk) for pk in entries], batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # each run deletes and rewrites the same rows: without a vacuum the tables only grow
            cursor.execute("VACUUM ANALYZE notifications_outbox")
            cursor.execute("VACUUM ANALYZE notifications_notification")
    start = time.perf_counter()
    taken = fanout.fan_out.call()
    seconds = time.perf_counter() - start
    made = Notification.objects.count()
    queued = Notification.objects.filter(mail=Mail.NOW).count()
    Notification.objects.update(created_at=datetime(2000, 1, 1, tzinfo=UTC))  # past every batch time
    start = time.perf_counter()
    sent = 0
    while True:
        batch = mail.send_due_mails.call()
        if not batch:
            break
        sent += batch
    mail_seconds = time.perf_counter() - start
    return {
        "entries": taken,
        "notifications": made,
        "queued_emails": queued,
        "seconds": seconds,
        "entries_per_s": taken / seconds,
        "notifications_per_s": made / seconds,
        "emails_sent": sent,
        "emails_per_s": sent / mail_seconds if mail_seconds else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument(
        "--url", help="Run on this existing database instead of a fresh one (it keeps what is made)."
    )
    args = parser.parse_args()
    _setup(args.db, args.url)
    started = time.perf_counter()
    waiting = _make_data(args.events, args.seed)
    made_in = time.perf_counter() - started
    runs = [_run() for _ in range(args.runs)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    load = os.getloadavg()
    result: dict[str, Any] = {"db": args.db, "events": args.events, "outbox_after_making": waiting,
                              "making_seconds": made_in, "runs": runs, "median": median, "load": load}  # fmt: skip
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = ROOT / "bench" / "results" / f"{stamp}-fanout-{args.db}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2))
    lines = [
        f"# Notification fan-out, {args.db}",
        "",
        f"`python -m bench.fanout --db {args.db} --events {args.events} --runs {args.runs}`, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
        "",
        "| run | entries | notifications | queued e-mails | s | entries/s | notifications/s | e-mails sent/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, run in enumerate([*runs, median], start=1):
        name = "median" if n > len(runs) else str(n)
        lines.append(
            f"| {name} | {run['entries']:.0f} | {run['notifications']:.0f} | {run['queued_emails']:.0f} | "
            f"{run['seconds']:.2f} | {run['entries_per_s']:,.0f} | {run['notifications_per_s']:,.0f} | "
            f"{run['emails_per_s']:,.0f} |"
        )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
