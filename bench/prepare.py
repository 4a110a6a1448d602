"""Runs inside Tandem's environment (same DATABASE_URL as the server) before a benchmark: makes sure
the bench user exists with a fresh password and API token, archives the people earlier runs
created, and samples from the data set what the scenarios ask for (ids, a popular tag, search
fragments, the pipeline with the most deals). The feeds are read as the generated user who watches
the most items (by the hundred thousand at the larger sizes), who gets a fresh password and token
of their own. Prints one JSON object.

    DJANGO_SETTINGS_MODULE=tandem.settings python -m bench.prepare --seed 20261124

The user and the token are made through Tandem's own code (User.objects.create_user,
accounts.services.change_password / create_api_token / revoke_api_token, contacts.services.archive),
like any other account's. (Making the bench user watch as many items through
work.services.watch_item, one at a time, would take longer than the benchmark.)"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
from typing import Any

BENCH_EMAIL = "bench-runner@bench.example"
SAMPLE_DEALS = 50
TOKEN_NAME = "benchmark runner"  # noqa: S105 - the label of the token, not a secret
SAMPLE_PEOPLE = 200
BIG_ORGANIZATIONS = 20
OTHER_ORGANIZATIONS = 80
SEARCH_FRAGMENTS = 30


def _bench_user(password: str) -> Any:
    from tandem.accounts import services
    from tandem.accounts.models import User
    from tandem.accounts.roles import Role

    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        # A sales manager: reads and edits customers, and may archive (see _archive_earlier_runs).
        return User.objects.create_user(BENCH_EMAIL, password, role=Role.MANAGER, full_name="Bench Runner")
    if user.role != Role.MANAGER or not user.is_active:
        raise SystemExit(f"{BENCH_EMAIL} exists but is not an active manager: start over with --fresh.")
    return services.change_password(user, password=password)


def _archive_earlier_runs(user: Any) -> int:
    """Archives the people earlier runs created over the API, so every run's lists hold the data set
    `tandem generate` made (archived people leave the lists, as a user would archive test entries)."""
    from tandem.contacts import services
    from tandem.contacts.models import Person

    leftovers = Person.objects.filter(created_by=user, archived_at__isnull=True, merged_into__isnull=True)
    count = 0
    for person in leftovers.order_by("pk").iterator():
        services.archive(person, by=user)
        count += 1
    return count


def _feed_user() -> Any:
    """The generated user who watches the most items (the first by id among equals)."""
    from django.db.models import Count

    from tandem.accounts.models import User
    from tandem.work.models import Item

    generated = User.objects.filter(is_active=True, email__endswith="@tandem-generated.example")
    busiest = (
        Item.watchers.through.objects.filter(user__in=generated)
        .values("user")
        .annotate(n=Count("id"))
        .order_by("-n", "user")
        .first()
    )
    return User.objects.get(pk=busiest["user"]) if busiest else None


def _feed_sample(password: str) -> dict[str, Any] | None:
    """The feed user's credentials and what their home feed reads: the items they watch and are
    assigned to, the customers and people they own."""
    from tandem.accounts import services
    from tandem.contacts.models import Organization, Person
    from tandem.work.models import Item

    user = _feed_user()
    if user is None:
        return None
    services.change_password(user, password=password)
    return {
        "id": user.pk,
        "email": user.email,
        "password": password,
        "token": _token(user),
        "watched": Item.watchers.through.objects.filter(user=user).count(),
        "assigned": Item.assignees.through.objects.filter(user=user).count(),
        "organizations": Organization.objects.filter(owner=user).count(),
        "people": Person.objects.filter(owner=user).count(),
    }


def _token(user: Any) -> str:
    from tandem.accounts import services
    from tandem.accounts.models import ApiToken

    for old in ApiToken.objects.filter(user=user, name=TOKEN_NAME, revoked_at__isnull=True):
        services.revoke_api_token(old, by=user)
    _token_row, secret = services.create_api_token(user, name=TOKEN_NAME)
    return secret


def _samples(rng: random.Random) -> dict[str, Any]:
    from django.db.models import Count

    from tandem.contacts.models import EmailAddress, Membership, Organization, Person, PhoneNumber, Tag

    people = Person.objects.filter(merged_into__isnull=True, archived_at__isnull=True)
    person_ids = list(people.order_by("id").values_list("id", flat=True))
    if not person_ids:
        raise SystemExit("The benchmark database has no people: generate the data set first.")
    sample = sorted(rng.sample(person_ids, min(SAMPLE_PEOPLE, len(person_ids))))

    organizations = Organization.objects.filter(merged_into__isnull=True, archived_at__isnull=True)
    biggest = list(
        Membership.objects.filter(organization__in=organizations)
        .values("organization")
        .annotate(people=Count("id"))
        .order_by("-people", "organization")
        .values_list("organization", flat=True)[:BIG_ORGANIZATIONS]
    )
    big = set(biggest)
    others = [pk for pk in organizations.order_by("id").values_list("id", flat=True) if pk not in big]
    organization_ids = biggest + sorted(rng.sample(others, min(OTHER_ORGANIZATIONS, len(others))))

    tag = Tag.objects.annotate(used=Count("people")).filter(used__gt=0).order_by("-used", "name").first()

    surnames = sorted(set(people.filter(pk__in=sample).values_list("last_name", flat=True)))
    emails = list(EmailAddress.objects.filter(person_id__in=sample).values_list("email", flat=True))
    phones = list(PhoneNumber.objects.filter(person_id__in=sample).values_list("e164", flat=True))
    # What people type: the start of a mailbox name, or the last digits of a number.
    email_fragments = sorted({e.split("@")[0][:6] for e in emails if e.split("@")[0][:6]})
    phone_fragments = sorted({"".join(ch for ch in p if ch.isdigit())[-6:] for p in phones if len(p) >= 7})

    def some(values: list[str]) -> list[str]:
        return rng.sample(values, min(SEARCH_FRAGMENTS, len(values)))

    return {
        **_work_samples(rng),
        "pipeline": _pipeline_sample(),
        "people_count": len(person_ids),
        "organization_count": organizations.count(),
        "person_ids": sample,
        "organization_ids": organization_ids,
        "biggest_organization_ids": biggest,
        "tag": tag.name if tag else "",
        "surnames": some(surnames),
        "email_fragments": some(email_fragments),
        "phone_fragments": some(phone_fragments),
    }


def _work_samples(rng: random.Random) -> dict[str, Any]:
    """The biggest board, its fullest column and the position of that column's 50th card (where
    the next page starts), and some deals."""
    from django.db.models import Count

    from tandem.work.models import Board, Item, ItemType

    board = (
        Board.objects.filter(archived_at__isnull=True).annotate(n=Count("items")).order_by("-n", "id").first()
    )
    deals = list(Item.objects.filter(type=ItemType.DEAL).order_by("id").values_list("id", flat=True))
    sample: dict[str, Any] = {
        "board": None,
        "deal_ids": sorted(rng.sample(deals, min(SAMPLE_DEALS, len(deals)))),
    }
    if board is None:
        return sample
    fullest = (
        Item.objects.filter(board=board, column__isnull=False)
        .values("column")
        .annotate(n=Count("id"))
        .order_by("-n", "column")
        .first()
    )
    if fullest is None:
        return sample
    ranks = (
        Item.objects.filter(board=board, column=fullest["column"])
        .order_by("rank")
        .values_list("rank", flat=True)
    )
    after = list(ranks[49:50]) or [""]
    sample["board"] = {"id": board.pk, "items": board.n, "column": fullest["column"], "after": after[0]}
    return sample


def _pipeline_sample() -> dict[str, int] | None:
    """The pipeline with the most deals (the generated sales funnel's), for the sales reports."""
    from django.db.models import Count

    from tandem.sales.models import Pipeline

    pipeline = Pipeline.objects.annotate(n=Count("deals")).filter(n__gt=0).order_by("-n", "id").first()
    return {"id": pipeline.pk, "deals": pipeline.n, "board": pipeline.board_id} if pipeline else None


def _agenda_sample(rng: random.Random) -> dict[str, Any] | None:
    """The generated calendar team (tandem generate --events N): its calendar, six months spread over
    its time line (past, this one, ahead), six working weeks and a group of 20 members for each."""
    from datetime import UTC, datetime, timedelta

    from tandem.agenda.models import Calendar, CalendarKind
    from tandem.demo.generate.agenda import TEAM_CALENDAR, calendar_until

    team = Calendar.objects.filter(kind=CalendarKind.TEAM, name=TEAM_CALENDAR).select_related("team").first()
    if team is None or team.team is None:
        return None
    members = sorted(team.team.members.values_list("pk", flat=True))
    until = calendar_until()
    months, weeks = [], []
    for back in (-12, -6, -3, 0, 1, 6):  # months from the time line's end
        year, month = divmod(until.year * 12 + until.month - 1 + back, 12)
        first = datetime(year, month + 1, 1, tzinfo=UTC)
        after = datetime(year + (month + 1) // 12, (month + 1) % 12 + 1, 1, tzinfo=UTC)
        months.append({"start": f"{first:%Y-%m-%dT%H:%M:%SZ}", "end": f"{after:%Y-%m-%dT%H:%M:%SZ}"})
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        weeks.append(
            {
                "start": f"{monday:%Y-%m-%dT%H:%M:%SZ}",
                "end": f"{monday + timedelta(days=5):%Y-%m-%dT%H:%M:%SZ}",
            }
        )
    groups = [sorted(rng.sample(members, min(20, len(members)))) for _ in weeks]
    return {
        "team_calendar": team.pk,
        "months": months,
        "weeks": weeks,
        "groups": groups,
        **_busy_feed(members),
    }


def _busy_feed(members: list[int]) -> dict[str, Any]:
    """The team member on the most events, and the secret address of their own feed (made through
    Tandem's services, under the server's secret key: both run in the same environment)."""
    from django.db.models import Count

    from tandem.accounts.models import User
    from tandem.agenda.models import Attendee
    from tandem.agenda.services import create_feed, rotate_feed

    busiest = (
        Attendee.objects.filter(user_id__in=members)
        .values("user_id")
        .annotate(n=Count("id"))
        .order_by("-n", "user_id")
        .first()
    )
    if busiest is None:
        return {}
    holder = User.objects.get(pk=busiest["user_id"])
    # each run's server has its own secret key, which the address is made under: a new address
    token = rotate_feed(create_feed(by=holder), by=holder)
    return {"busy_user": busiest["user_id"], "busy_user_events": busiest["n"], "feed_secret": token.secret}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
    password = secrets.token_urlsafe(24)
    user = _bench_user(password)
    result = {
        "email": user.email,
        "password": password,
        "token": _token(user),
        "archived_from_earlier_runs": _archive_earlier_runs(user),
        "feed_user": _feed_sample(secrets.token_urlsafe(24)),
        **_samples(random.Random(args.seed)),  # noqa: S311 - sampling, not security
        "agenda": _agenda_sample(random.Random(args.seed)),  # noqa: S311 - sampling, not security
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
