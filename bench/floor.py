"""The floor: what the database alone needs for a page. Each read scenario has a floor function next
to it (bench/scenarios/) that runs the SQL a hand-written endpoint would minimally run for the same
rows, straight through sqlite3 or psycopg, and JSON-encodes them. The runner times it in its own
process and reports Tandem's latency as a multiple of it."""

from __future__ import annotations

import itertools
import json
import sqlite3
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

type Row = dict[str, Any]


class Database:
    """One connection, kept open as Tandem's workers keep theirs. SQL is written with %s
    placeholders; `kind` ("sqlite" or "postgres") lets a floor use what each engine offers."""

    def __init__(self, kind: str, connection: Any) -> None:
        self.kind = kind
        self._connection = connection

    @classmethod
    def connect(cls, url: str) -> Database:
        if url.startswith("sqlite:///"):
            return cls("sqlite", sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False))
        import psycopg

        return cls("postgres", psycopg.connect(url, autocommit=True))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        if self.kind == "sqlite":
            cursor = self._connection.execute(sql.replace("%s", "?"), tuple(params))
            columns = [c[0] for c in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        with self._connection.cursor() as pg_cursor:
            pg_cursor.execute(sql.encode(), tuple(params))
            names = [c.name for c in pg_cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in pg_cursor.fetchall()]

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.rows(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def version(self) -> str:
        if self.kind == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        return f"PostgreSQL {self.value('SHOW server_version')}"

    def close(self) -> None:
        self._connection.close()


def placeholders(values: Sequence[Any]) -> str:
    """`%s, %s, %s` for an IN list (never empty: `IN ()` is a syntax error)."""
    return ", ".join(["%s"] * len(values)) if values else "NULL"


def encode(payload: Any) -> str:
    """What a hand-written endpoint sends back: the rows as JSON (dates as ISO-ish text)."""
    return json.dumps(payload, default=str)


type FloorFunction = Callable[[Database, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class FloorTiming:
    median_ms: float
    runs: int
    description: str


def time_floor(
    db: Database,
    floor: FloorFunction,
    params: Sequence[Mapping[str, Any]],
    *,
    runs: int,
    warmup: int = 3,
    max_seconds: float = 5.0,
) -> FloorTiming:
    """Median wall time of floor(db, params) + JSON encoding, cycling through the scenario's params
    as the HTTP requests cycle through their records. Stops early after `max_seconds` (slow floors
    on big data sets), with at least 5 runs."""
    cycle = itertools.cycle(params)
    for _ in range(warmup):
        encode(floor(db, next(cycle)))
    times: list[float] = []
    deadline = time.perf_counter() + max_seconds
    while len(times) < runs and (len(times) < 5 or time.perf_counter() < deadline):
        one = next(cycle)
        started = time.perf_counter()
        encode(floor(db, one))
        times.append(time.perf_counter() - started)
    description = " ".join((floor.__doc__ or "").split())
    return FloorTiming(
        median_ms=round(statistics.median(times) * 1000, 3), runs=len(times), description=description
    )
