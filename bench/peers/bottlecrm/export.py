"""Read Tandem's benchmark data set through Tandem's own models and write it as JSON lines, the
neutral form `peer_import.py` loads into BottleCRM. Runs in Tandem's virtual environment:

    DATABASE_URL=sqlite:////tmp/src/tandem.sqlite3 .venv/bin/python bench/peers/bottlecrm/export.py OUT

The first line holds the samples Tandem's benchmark draws its scenarios from (bench/prepare.py,
same seed), so the peer is asked for the same people, organizations, tag and search text.
Organizations come next, then people, then deals, so the loader resolves references in one pass.
Merged records are left out: Tandem shows them nowhere. `load.py` runs this for you.
"""

from __future__ import annotations

import json
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

ROW_CHUNK = 2000
DEFAULT_SEED = 20261124  # bench/runner.py's default --seed


def _details(record: Any) -> dict[str, Any]:
    """E-mails, phones and addresses in Tandem's order (primary first), from prefetched lists."""
    return {
        "emails": [{"email": e.email, "is_primary": e.is_primary} for e in record.emails.all()],
        "phones": [{"raw": p.raw, "e164": p.e164, "is_primary": p.is_primary} for p in record.phones.all()],
        "addresses": [
            {
                "street": a.street,
                "city": a.city,
                "region": a.region,
                "postal_code": a.postal_code,
                "country": a.country,
                "is_primary": a.is_primary,
            }
            for a in record.addresses.all()
        ],
    }


def organization_row(org: Any) -> dict[str, Any]:
    return {
        "kind": "organization",
        "id": org.pk,
        "name": org.name,
        "website": org.website,
        "industry": org.industry,
        "notes": org.notes,
        "archived": org.archived_at is not None,
        "tags": [tag.name for tag in org.tags.all()],
        **_details(org),
    }


def person_row(person: Any) -> dict[str, Any]:
    return {
        "kind": "person",
        "id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "notes": person.notes,
        "archived": person.archived_at is not None,
        "tags": [tag.name for tag in person.tags.all()],
        **_details(person),
        "memberships": [
            {"organization_id": m.organization_id, "job_title": m.job_title, "is_primary": m.is_primary}
            for m in person.memberships.all()
        ],
    }


def deal_rows() -> Iterator[dict[str, Any]]:
    """Hook for deals → BottleCRM opportunities. Tandem has no deal model yet; once it does, yield
    one row per deal in the shape `mapping.opportunity_fields` documents."""
    return iter(())


def samples_row(seed: int) -> dict[str, Any]:
    """What bench/prepare.py samples for Tandem's scenarios with this seed (it only reads)."""
    from bench.prepare import _samples

    return {"kind": "samples", "seed": seed, **_samples(random.Random(seed))}  # noqa: S311 - sampling


def rows(seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    from tandem.contacts.models import Organization, Person

    yield samples_row(seed)
    details = ("emails", "phones", "addresses", "tags")
    organizations = Organization.objects.filter(merged_into__isnull=True).prefetch_related(*details)
    for org in organizations.order_by("id").iterator(chunk_size=ROW_CHUNK):
        yield organization_row(org)
    people = Person.objects.filter(merged_into__isnull=True).prefetch_related(*details, "memberships")
    for person in people.order_by("id").iterator(chunk_size=ROW_CHUNK):
        yield person_row(person)
    yield from deal_rows()


def write(out: IO[str], seed: int = DEFAULT_SEED) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows(seed):
        out.write(json.dumps(row, separators=(",", ":")) + "\n")
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return counts


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        sys.exit("usage: export.py OUT.jsonl [SEED]   (with DATABASE_URL naming Tandem's database)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
    with Path(args[0]).open("w") as out:
        counts = write(out, int(args[1]) if len(args) == 2 else DEFAULT_SEED)
    print(json.dumps(counts))


if __name__ == "__main__":
    if __package__ in (None, ""):  # run as a file: bench.prepare lives in the checkout's root
        sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    main()
