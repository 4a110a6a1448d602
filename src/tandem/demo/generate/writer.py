"""Bulk writes for the benchmark generator: many rows per statement, explicit ids, and the clean-up a
database needs afterwards (sequences, planner statistics).

PostgreSQL gets COPY, the fastest way in; SQLite gets `executemany` of plain INSERTs inside the
caller's transaction, which SQLite runs nearly as fast. Values are passed in the form Django itself
would send for each column, so the stored rows read back exactly like rows saved through the ORM."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models

Row = tuple[Any, ...]


class BulkWriter:
    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.connection = connections[using]
        self.is_postgres = self.connection.vendor == "postgresql"
        self.inserted: Counter[type[models.Model]] = Counter()

    def next_id(self, model: type[models.Model]) -> int:
        largest = model._default_manager.using(self.connection.alias).aggregate(largest=models.Max("pk"))
        return int(largest["largest"] or 0) + 1

    def stamp(self, value: datetime) -> object:
        """A UTC datetime as this database's driver wants it: what Django sends (on SQLite, the naive
        UTC time as text)."""
        return value if self.is_postgres else str(value.replace(tzinfo=None))

    def duration(self, value: timedelta) -> object:
        """A duration as Django stores it: an interval on PostgreSQL, microseconds on SQLite."""
        return value if self.is_postgres else value // timedelta(microseconds=1)

    def day(self, value: date | None) -> object:
        """A date as this database's driver wants it (on SQLite, ISO text)."""
        return value if value is None or self.is_postgres else value.isoformat()

    @staticmethod
    def json(value: Any) -> str:
        return json.dumps(value)  # as Django's JSONField serialises it

    def insert(self, model: type[models.Model], fields: Sequence[str], rows: Sequence[Row]) -> None:
        if not rows:
            return
        table, columns = _table_and_columns(model, tuple(fields), self.connection.ops.quote_name)
        with self.connection.cursor() as cursor:
            if self.is_postgres:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608 - names from model metadata
        self.inserted[model] += len(rows)

    def reset_sequences(self, touched: Sequence[type[models.Model]]) -> None:
        """Move id sequences past the explicit ids, so the app's next insert works (also after a
        run that stopped before it finished)."""
        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), list(touched)):
                cursor.execute(sql)

    def finish(self, touched: Sequence[type[models.Model]]) -> None:
        """Reset the id sequences and refresh the statistics the query planner relies on."""
        quote = self.connection.ops.quote_name
        self.reset_sequences(touched)
        # PostgreSQL: VACUUM as well, so the visibility map lets index-only scans skip the table
        # (autovacuum would get there later); not possible inside a transaction (the tests).
        command = "VACUUM ANALYZE" if self.is_postgres and not self.connection.in_atomic_block else "ANALYZE"
        with self.connection.cursor() as cursor:
            for model in touched:
                cursor.execute(f"{command} {quote(model._meta.db_table)}")

    @contextmanager
    def tuned(self) -> Iterator[None]:
        """SQLite settings for this connection while generating: a larger page cache, so index
        inserts into big tables stay in memory, and fewer WAL checkpoints, so hot index pages are
        not written back after every batch. Durability is unchanged; the connection's own settings
        come back afterwards."""
        if self.is_postgres:
            yield
            return
        settings = {"cache_size": -262144, "wal_autocheckpoint": 20000}  # 256 MiB, 80 MiB of WAL
        with self.connection.cursor() as cursor:
            previous = {}
            for name, value in settings.items():
                cursor.execute(f"PRAGMA {name}")
                previous[name] = int(cursor.fetchone()[0])
                cursor.execute(f"PRAGMA {name} = {value}")
        try:
            yield
        finally:
            with self.connection.cursor() as cursor:
                for name, value in previous.items():
                    cursor.execute(f"PRAGMA {name} = {value}")
                if not self.connection.in_atomic_block:
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # leave no large WAL file behind


@cache
def _table_and_columns(model: type[models.Model], fields: tuple[str, ...], quote: Any) -> tuple[str, str]:
    columns = []
    for name in fields:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field):  # a reverse relation has no column to write
            raise ValueError(f"{model.__name__}.{name} is not a column")
        columns.append(quote(field.column))
    return quote(model._meta.db_table), ", ".join(columns)


class Batch:
    """Rows for several tables, given consecutive ids from `ids` (the next free id per model) and
    written together in dependency order."""

    def __init__(self, ids: dict[type[models.Model], int]) -> None:
        self.ids = ids
        self.rows: dict[type[models.Model], list[Row]] = defaultdict(list)

    def add(self, model: type[models.Model], *values: Any) -> int:
        pk = self.ids[model]
        self.ids[model] = pk + 1
        self.rows[model].append((pk, *values))
        return pk

    def add_with_pk(self, model: type[models.Model], pk: int, *values: Any) -> None:
        """A row whose key is another row's (a detail record beside its parent, such as a deal)."""
        self.rows[model].append((pk, *values))

    def write(self, writer: BulkWriter, fields: Mapping[type[models.Model], Sequence[str]]) -> None:
        for model, names in fields.items():  # parents before children
            writer.insert(model, (model._meta.pk.name, *names), self.rows.get(model, []))
