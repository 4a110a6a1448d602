"""Free-text filtering of organizations and people.

Each record keeps a `search_text`: its name, e-mail addresses and phone digits (people) or its
name and web domain (organizations), folded (lower case, punctuation as spaces). A query is split
into words, each folded the same way (phone numbers to their digits), and every word must occur
somewhere in the text (tandem.core.search; the indexes come from migration 0003)."""

from __future__ import annotations

from collections.abc import Iterable

from tandem.contacts.normalize import fold_text
from tandem.core.search import filter_by_text, search_terms

__all__ = ["filter_by_text", "organization_search_text", "person_search_text", "search_terms"]


def person_search_text(name_key: str, emails: Iterable[str], e164s: Iterable[str]) -> str:
    digits = [number.lstrip("+") for number in e164s]
    return " ".join([name_key, *(fold_text(email) for email in emails), *digits]).strip()


def organization_search_text(name_key: str, domain: str) -> str:
    return f"{name_key} {fold_text(domain)}".strip()
