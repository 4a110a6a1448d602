"""Load Tandem's exported data set (export.py's JSON lines) into BottleCRM with its own ORM.

Runs INSIDE the peer's virtual environment, from the run directory (crm.settings logs to
cwd-relative files), into a database freshly cloned from the migrated template — `load.py` does
all of that; this file is not meant to be run by hand.

    <venv>/bin/python peer_import.py EXPORT.jsonl INFO.json [--batch 5000]

Creates one org and five users (as the shared seed), then tags, accounts, contacts (account = the
person's primary organization; every membership also joins Account.contacts, as BottleCRM's own
create view does for the primary one) and opportunities when the export has deals. Every row gets
one assignee, round-robin over the five profiles. The BottleCRM ids of the records Tandem's
benchmark samples are written to INFO.json for the adapter. Runs as the non-superuser owner,
so it sets app.current_org itself for row-level security.
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from typing import Any

import mapping  # this file's own directory is sys.path[0]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
import django

django.setup()

from accounts.models import Account  # noqa: E402
from common.models import Org, Profile, Tags, User  # noqa: E402
from contacts.models import Contact  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from opportunity.models import DealPipeline, Opportunity  # noqa: E402
from opportunity.workflow import CLOSED_KINDS  # noqa: E402

ORG_NAME = "BenchOrg"
EMAILS = ["admin@bench.example"] + [f"user{i}@bench.example" for i in range(1, 5)]
PASSWORD = "bench-pass-123"  # noqa: S105 - throwaway benchmark login on loopback


class Loader:
    def __init__(self, batch: int) -> None:
        self.batch = batch
        self.timings: dict[str, float] = {}
        self.counts = {"accounts": 0, "contacts": 0, "account_contacts": 0, "opportunities": 0}
        self.names = mapping.UniqueNames()
        self.emails = mapping.UniqueEmails()
        self.accounts: dict[int, Any] = {}  # Tandem organization id -> Account id
        self.org_names: dict[int, str] = {}  # Tandem organization id -> name
        self.contacts: dict[int, Any] = {}  # Tandem person id -> Contact id
        self.samples = mapping.Samples({})
        self.slugs = mapping.TagSlugs()
        self.tag_ids: dict[str, str] = {}  # Tandem tag name, lower case -> Tags id
        self.tag_links: dict[str, list[Any]] = {"account": [], "contact": []}
        self.opportunity_samples: list[tuple[int, str]] = []
        self.pending: dict[str, list[Any]] = {"account": [], "contact": [], "opportunity": []}
        self.links: list[Any] = []  # Account.contacts through rows
        self.opportunity_contacts: list[Any] = []

    # --- setup ------------------------------------------------------------------------------
    def org_and_users(self) -> None:
        if Org.objects.filter(name=ORG_NAME).exists():
            sys.exit(f"{ORG_NAME} already exists: load.py resets the database first")
        password = make_password(PASSWORD)  # hashed once: PBKDF2 takes about a second per call
        self.users = [User.objects.create(email=e, password=password, is_active=True) for e in EMAILS]
        self.admin = self.users[0]
        self.org = Org.objects.create(name=ORG_NAME, default_currency="USD", default_country="US")
        with connection.cursor() as cursor:  # row-level security context for this session
            cursor.execute("SELECT set_config('app.current_org', %s, false)", [str(self.org.id)])
        self.profiles = [
            Profile.objects.create(
                user=u, org=self.org, role="ADMIN" if k == 0 else "USER",
                has_sales_access=True, has_marketing_access=True, is_active=True,
            )
            for k, u in enumerate(self.users)
        ]  # fmt: skip
        self.pipeline = DealPipeline.default_for(self.org)
        self.stages = {s.code: s for s in self.pipeline.stages.all()}

    def assignee(self, position: int) -> Any:
        return self.profiles[mapping.assignee_index(position, len(self.profiles))].id

    def tag(self, name: str) -> str:
        key = name.lower()
        if key not in self.tag_ids:
            tag = Tags.objects.create(name=name[:50], slug=self.slugs.claim(name), org=self.org)
            self.tag_ids[key] = str(tag.id)
        return self.tag_ids[key]

    # --- rows -------------------------------------------------------------------------------
    def add_samples(self, row: dict[str, Any]) -> None:
        self.samples = mapping.Samples(row)

    def add_organization(self, row: dict[str, Any]) -> None:
        fields = mapping.account_fields(row, self.names)
        account = Account(**fields, org=self.org, created_by=self.admin)
        self.accounts[row["id"]] = account.id
        self.org_names[row["id"]] = str(row.get("name") or "")
        self.samples.saw_organization(row["id"], str(account.id))
        for name in row.get("tags") or []:
            self.tag_links["account"].append(
                Account.tags.through(account_id=account.id, tags_id=self.tag(name))
            )
        self.pending["account"].append(account)
        if len(self.pending["account"]) >= self.batch:
            self.flush_accounts()

    def add_person(self, row: dict[str, Any]) -> None:
        self.flush_accounts()
        fields = mapping.contact_fields(row, self.emails, self.org_names)
        primary = mapping.primary_membership(row)
        account_id = self.accounts.get(primary["organization_id"]) if primary else None
        contact = Contact(**fields, account_id=account_id, org=self.org, created_by=self.admin)
        self.contacts[row["id"]] = contact.id
        self.samples.saw_person(row["id"], str(contact.id))
        for name in row.get("tags") or []:
            self.tag_links["contact"].append(
                Contact.tags.through(contact_id=contact.id, tags_id=self.tag(name))
            )
        self.pending["contact"].append(contact)
        for membership in row.get("memberships") or []:
            linked = self.accounts.get(membership["organization_id"])
            if linked is not None:
                self.links.append(Account.contacts.through(account_id=linked, contact_id=contact.id))
        if len(self.pending["contact"]) >= self.batch:
            self.flush_contacts()

    def add_deal(self, row: dict[str, Any]) -> None:
        self.flush_accounts()
        self.flush_contacts()
        fields = mapping.opportunity_fields(row)
        stage = self.stages.get(fields["stage"])
        if stage is None:
            sys.exit(
                f"stage {fields['stage']} is not in BottleCRM's default pipeline: adjust mapping.STAGE_CODES"
            )
        closed = stage.kind in CLOSED_KINDS
        position = self.counts["opportunities"] + len(self.pending["opportunity"])
        opportunity = Opportunity(
            **fields, pipeline=self.pipeline, account_id=self.accounts.get(row.get("organization_id")),
            stage_changed_at=timezone.now() - timedelta(days=1),
            closed_by_id=self.assignee(position) if closed else None, org=self.org, created_by=self.admin,
        )  # fmt: skip
        self.pending["opportunity"].append(opportunity)
        self.opportunity_samples.append((row["id"], str(opportunity.id)))
        for person_id in row.get("person_ids") or []:
            contact_id = self.contacts.get(person_id)
            if contact_id is not None:
                self.opportunity_contacts.append(
                    Opportunity.contacts.through(opportunity_id=opportunity.id, contact_id=contact_id)
                )
        if len(self.pending["opportunity"]) >= self.batch:
            self.flush_opportunities()

    # --- writes -----------------------------------------------------------------------------
    def _write(self, model: Any, key: str, fk: str, counter: str) -> None:
        rows = self.pending[key]
        if not rows:
            return
        model.objects.bulk_create(rows, batch_size=self.batch)
        through = model.assigned_to.through
        start = self.counts[counter]
        through.objects.bulk_create(
            [through(**{fk: r.id, "profile_id": self.assignee(start + i)}) for i, r in enumerate(rows)],
            batch_size=self.batch,
        )
        self.counts[counter] += len(rows)
        self.pending[key] = []

    def flush_accounts(self) -> None:
        self._write(Account, "account", "account_id", "accounts")
        Account.tags.through.objects.bulk_create(self.tag_links["account"], batch_size=self.batch)
        self.tag_links["account"] = []

    def flush_contacts(self) -> None:
        self._write(Contact, "contact", "contact_id", "contacts")
        Contact.tags.through.objects.bulk_create(self.tag_links["contact"], batch_size=self.batch)
        self.tag_links["contact"] = []
        Account.contacts.through.objects.bulk_create(self.links, batch_size=self.batch)
        self.counts["account_contacts"] += len(self.links)
        self.links = []

    def flush_opportunities(self) -> None:
        self._write(Opportunity, "opportunity", "opportunity_id", "opportunities")
        Opportunity.contacts.through.objects.bulk_create(self.opportunity_contacts, batch_size=self.batch)
        self.opportunity_contacts: list[Any] = []

    def flush(self) -> None:
        self.flush_accounts()
        self.flush_contacts()
        self.flush_opportunities()

    # --- run --------------------------------------------------------------------------------
    def tick(self, name: str, started: float) -> None:
        self.timings[name] = round(time.perf_counter() - started, 2)
        print(f"  {name:<14} {self.timings[name]:8.2f} s", flush=True)

    def run(self, export_path: str) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            self.org_and_users()
            self.tick("org+users", started)
            adders = {
                "samples": self.add_samples,
                "organization": self.add_organization,
                "person": self.add_person,
                "deal": self.add_deal,
            }
            rows_started = time.perf_counter()
            with open(export_path) as export:
                for line in export:
                    row = json.loads(line)
                    adders[row["kind"]](row)
            self.flush()
            self.tick("rows", rows_started)
        analyze_started = time.perf_counter()
        with connection.cursor() as cursor:
            for model in (
                Account, Contact, Opportunity, Tags, Account.contacts.through, Opportunity.contacts.through,
                Account.tags.through, Contact.tags.through,
                Account.assigned_to.through, Contact.assigned_to.through, Opportunity.assigned_to.through,
            ):  # fmt: skip
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        self.tick("analyze", analyze_started)
        self.timings["total"] = round(time.perf_counter() - started, 2)

    def info(self) -> dict[str, Any]:
        def spread(items: list[Any], n: int = 200) -> list[Any]:
            return items[:: max(1, len(items) // n)][:n]

        return {
            "org_id": str(self.org.id),
            "admin_email": self.admin.email,
            "user_emails": [u.email for u in self.users],
            "counts": {**self.counts, "tags": len(self.tag_ids), "users": len(self.users)},
            "adjusted": {
                "renamed_accounts": self.names.renamed,
                "contacts_without_email": self.emails.dropped,
            },
            "timings_s": self.timings,
            # Tandem's scenario samples with the BottleCRM ids of the same records.
            "samples": self.samples.resolved(self.tag_ids),
            "opportunities": [list(pair) for pair in spread(self.opportunity_samples)],
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("export")
    parser.add_argument("info")
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    loader = Loader(args.batch)
    loader.run(args.export)
    info = loader.info()
    with open(args.info, "w") as out:
        json.dump(info, out, indent=1)


if __name__ == "__main__":
    main()
