"""Free-text filtering over a folded `search_text` column, for any table that keeps one.

A query is split into words, each folded the way the stored text is (phone numbers to their
digits), and every word must occur somewhere in the text. The database's own substring index
answers it: a trigram GIN index on PostgreSQL (pg_trgm), an FTS5 table with the trigram tokenizer
on SQLite, kept in step with the column by triggers. `create_text_index` builds both, for the
migrations of every app that searches this way."""

# ruff: noqa: S608 - table names come from FTS_TABLES, never from input; words travel as parameters

from __future__ import annotations

import re
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from tandem.core.text import fold_text

_SPLIT = re.compile(r"[\s%_\\]+")
_PHONE_CHARS = re.compile(r"[\s()+\-./]")
MAX_TERMS = 6
# table -> its SQLite FTS5 table; filter_by_text only names tables from this allow-list
FTS_TABLES = {
    "contacts_person": "contacts_person_fts",
    "contacts_organization": "contacts_organization_fts",
    "work_item": "work_item_fts",
}


def search_terms(query: str) -> list[str]:
    """The words of a query, each in the form the stored text uses."""
    terms: list[str] = []
    for word in _SPLIT.split(query.strip()):
        if not word:
            continue
        bare = _PHONE_CHARS.sub("", word)
        # a phone number however it was written; anything else folded like the stored text
        # (so "Ada@Example.COM" looks for "ada example com")
        term = bare if bare.isdigit() and len(bare) >= 4 else fold_text(word)
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def filter_by_text[M: Any](queryset: QuerySet[M], query: str, fts_table: str) -> QuerySet[M]:
    terms = search_terms(query)
    if not terms:
        return queryset
    if connections[queryset.db].vendor == "sqlite":
        if fts_table not in FTS_TABLES.values():
            raise ValueError(f"unknown search table {fts_table!r}")
        # The trigram index serves words of three or more characters. Shorter words are checked
        # on the rows it found instead: besides gaining nothing, a short LIKE next to another
        # LIKE on an FTS5 trigram table crashes SQLite 3.40 (the process dies with SIGSEGV).
        indexed = [t for t in terms if len(t) >= 3]
        if indexed:
            # table name from the allow-list above; the words travel as parameters
            where = " AND ".join(["search_text LIKE %s"] * len(indexed))
            sql = f"SELECT rowid FROM {fts_table} WHERE {where}"
            queryset = queryset.filter(pk__in=RawSQL(sql, [f"%{t}%" for t in indexed]))  # noqa: S611
        terms = [t for t in terms if len(t) < 3]
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def create_text_index(schema_editor: Any, table: str) -> None:
    """The substring index over `table.search_text` (run from a migration)."""
    if table not in FTS_TABLES:
        raise ValueError(f"unknown search table {table!r}")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
        )
    elif vendor == "sqlite":
        fts = FTS_TABLES[table]
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
            f"content_rowid='id', tokenize='trigram')"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
            f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def drop_text_index(schema_editor: Any, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")
    elif vendor == "sqlite":
        fts = FTS_TABLES[table]
        for suffix in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
