"""Free-text filtering of organizations and people.

Each record keeps a `search_text`: its name, e-mail addresses and phone digits (people) or its
name and web domain (organizations), folded (lower case, punctuation as spaces). A query is split
into words, each folded the same way (phone numbers to their digits), and every word must occur
somewhere in the text. The database's own substring index answers it: a trigram GIN index on
PostgreSQL (pg_trgm), an FTS5 table with the trigram tokenizer on SQLite, kept in step with the
column by triggers (migration 0003)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from tandem.contacts.normalize import fold_text

_SPLIT = re.compile(r"[\s%_\\]+")
_PHONE_CHARS = re.compile(r"[\s()+\-./]")
MAX_TERMS = 6
FTS_TABLES = {"contacts_person_fts", "contacts_organization_fts"}


def person_search_text(name_key: str, emails: Iterable[str], e164s: Iterable[str]) -> str:
    digits = [number.lstrip("+") for number in e164s]
    return " ".join([name_key, *(fold_text(email) for email in emails), *digits]).strip()


def organization_search_text(name_key: str, domain: str) -> str:
    return f"{name_key} {fold_text(domain)}".strip()


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
        if fts_table not in FTS_TABLES:
            raise ValueError(f"unknown search table {fts_table!r}")
        # The trigram index serves words of three or more characters. Shorter words are checked
        # on the rows it found instead: besides gaining nothing, a short LIKE next to another
        # LIKE on an FTS5 trigram table crashes SQLite 3.40 (the process dies with SIGSEGV).
        indexed = [t for t in terms if len(t) >= 3]
        if indexed:
            # table name from the allow-list above; the words travel as parameters
            where = " AND ".join(["search_text LIKE %s"] * len(indexed))
            sql = f"SELECT rowid FROM {fts_table} WHERE {where}"  # noqa: S608
            queryset = queryset.filter(pk__in=RawSQL(sql, [f"%{t}%" for t in indexed]))  # noqa: S611
        terms = [t for t in terms if len(t) < 3]
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset
