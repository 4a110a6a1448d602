"""`tandem seed-demo`: a believable small company to explore Tandem with. Deterministic and
idempotent: running it again adds nothing that is already there. Everything is created through
the services, so the demo data obeys the same rules as real data."""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from tandem.accounts.models import Team, User
from tandem.accounts.roles import Role
from tandem.accounts.services import create_team, system_account
from tandem.activity.services import recording_generated
from tandem.contacts.models import EmailAddress, Organization
from tandem.contacts.normalize import organization_name_key
from tandem.contacts.services import create_organization, create_person
from tandem.core import calendars
from tandem.demo.agenda import seed_calendar
from tandem.demo.mail import seed_mail
from tandem.demo.rituals import seed_rituals
from tandem.demo.work import seed_boards

DEMO_PASSWORD = "tandem-demo"  # noqa: S105 - printed on purpose: these are demo logins

TEAMS = [
    ("Sales", "sales", "Brings in customers and closes deals."),
    ("Projects", "projects", "Delivers what was sold, on time."),
    ("Support", "support", "Answers customers and fixes their problems."),
    ("Development", "development", "Builds and runs the product."),
    ("Finance", "finance", "Invoices, payments and the weekly finance run."),
]

USERS = [
    ("admin@demo.example", "Ada Admin", Role.ADMIN, [], "en"),
    ("sara@demo.example", "Sara Lindqvist", Role.MANAGER, ["sales"], "en"),
    ("sam@demo.example", "Sam Okafor", Role.MEMBER, ["sales"], "en"),
    ("paula@demo.example", "Paula Ferreira", Role.MANAGER, ["projects"], "en"),
    ("piet@demo.example", "Piet de Vries", Role.MEMBER, ["projects", "development"], "en"),
    ("sunny@demo.example", "Sunny Park", Role.MEMBER, ["support"], "en"),
    ("dariush@demo.example", "Dariush Karimi", Role.MEMBER, ["development"], "fa"),
    ("fiona@demo.example", "Fiona Walsh", Role.MANAGER, ["finance"], "en"),
    ("gita@demo.example", "Gita Rahimi", Role.GUEST, ["finance"], "fa"),
]

PERSIAN_CALENDAR = {"dariush@demo.example"}

ORGANIZATIONS = [
    ("Northwind Traders", "northwind.example", "Wholesale", "US"),
    ("Contoso Pharmaceuticals", "contoso-pharma.example", "Pharma", "US"),
    ("Fabrikam Robotics", "fabrikam.example", "Manufacturing", "DE"),
    ("Tailspin Toys", "tailspin.example", "Retail", "GB"),
    ("Wide World Importers", "wideworld.example", "Logistics", "US"),
    ("Adventure Works Cycles", "adventure-works.example", "Retail", "US"),
    ("Litware Software", "litware.example", "Software", "GB"),
    ("Proseware Learning", "proseware.example", "Education", "US"),
    ("Lucerne Publishing", "lucerne.example", "Media", "DE"),
    ("Margie's Travel", "margies.example", "Travel", "US"),
    ("Blue Yonder Airlines", "blueyonder.example", "Aviation", "US"),
    ("Coho Winery", "cohowinery.example", "Food & drink", "US"),
    ("Alpine Ski House", "alpineski.example", "Leisure", "DE"),
    ("Trey Research", "treyresearch.example", "Research", "GB"),
    ("Woodgrove Bank", "woodgrove.example", "Banking", "US"),
    ("Graphic Design Institute", "gdi.example", "Education", "GB"),
    ("Humongous Insurance", "humongous.example", "Insurance", "US"),
    ("Fourth Coffee", "fourthcoffee.example", "Food & drink", "US"),
    ("Southridge Video", "southridge.example", "Media", "US"),
    ("Datum Corporation", "datum.example", "Software", "DE"),
    ("Consolidated Messenger", "consolidated.example", "Logistics", "GB"),
    ("Relecloud", "relecloud.example", "Cloud services", "US"),
    ("Wingtip Toys", "wingtiptoys.example", "Retail", "GB"),
    ("VanArsdel Ltd", "vanarsdel.example", "Manufacturing", "GB"),
    ("Bellows College", "bellows.example", "Education", "US"),
    ("Best For You Organics", "bestforyou.example", "Food & drink", "US"),
    ("Nod Publishers", "nodpublishers.example", "Media", "GB"),
    ("Parnell Aerospace", "parnell.example", "Aviation", "DE"),
    ("Pars Energy", "pars-energy.example", "Energy", "IR"),
    ("Tehran Textile Co", "tehran-textile.example", "Manufacturing", "IR"),
    ("Shiraz Software Group", "shiraz-soft.example", "Software", "IR"),
    ("Caspian Shipping", "caspian-shipping.example", "Logistics", "IR"),
    ("Isfahan Carpets", "isfahan-carpets.example", "Retail", "IR"),
    ("Helios Solar", "helios-solar.example", "Energy", "DE"),
]

FIRST_NAMES = {
    "US": ["James", "Maria", "Robert", "Linda", "Michael", "Emily", "David", "Sofia", "Daniel", "Grace"],
    "GB": ["Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Mia", "Jack", "Freya"],
    "DE": ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Lena", "Paul", "Hannah", "Jan", "Marie"],
    "IR": ["Ali", "Zahra", "Reza", "Fatemeh", "Mehdi", "Maryam", "Amir", "Sara", "Hossein", "Nazanin"],
}
LAST_NAMES = {
    "US": ["Smith", "Johnson", "Garcia", "Brown", "Miller", "Davis", "Martinez", "Wilson", "Anderson", "Lee"],
    "GB": ["Taylor", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Green", "Hall", "Wood"],
    "DE": [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Hoffmann",
        "Koch",
    ],
    "IR": [
        "Ahmadi",
        "Hosseini",
        "Karimi",
        "Rezaei",
        "Moradi",
        "Mohammadi",
        "Jafari",
        "Sadeghi",
        "Rahimi",
        "Kazemi",
    ],
}
PERSIAN_NAMES = [("علی", "احمدی"), ("زهرا", "حسینی"), ("رضا", "کریمی"), ("مریم", "رضایی")]
TITLES = ["CEO", "CFO", "Head of Purchasing", "Project Lead", "IT Manager", "Accountant", "Office Manager",
          "Sales Director", "Operations Manager", "Engineer"]  # fmt: skip
CITIES = {"US": ("Seattle", "WA"), "GB": ("London", ""), "DE": ("Berlin", ""), "IR": ("Tehran", "")}
TAGS = ["key account", "prospect", "partner", "reseller", "newsletter"]


def phone_for(country: str, n: int) -> str:
    """Numbers in ranges reserved for fiction and examples, so the demo calls nobody real."""
    return {
        "US": f"+1 202 555 {100 + n % 100:04d}",
        "GB": f"+44 20 7946 {n % 1000:04d}",
        "DE": f"+49 30 {12345000 + n % 1000}",
        "IR": f"+98 912 {1000000 + n % 1000000:07d}",
    }[country]


class Command(BaseCommand):
    help = "Load the demo company (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(20261124)  # noqa: S311 - demo data, not security
        # the demo's history is marked, so it does not flood the demo users' home feeds and inboxes
        with recording_generated(), transaction.atomic():
            teams = {
                slug: create_team(name=name, slug=slug, description=desc, by=system_account("setup"))
                for name, slug, desc in TEAMS
            }
            users = self._users(teams)
            admin = users[0]
            created_orgs, created_people = self._customers(rng, admin, users)
            boards = seed_boards(users, random.Random(20261125))  # noqa: S311 - demo data
            mails = seed_mail(users)
            events = seed_calendar(users)
            seed_rituals(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo company ready: {Organization.objects.count()} organizations "
                f"({created_orgs} new), {created_people} new people, {boards} new boards, {mails} e-mails received, {events} new events."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, name, role, team_slugs, _language in USERS:
            self.stdout.write(f"  {email:24} {name:18} {role:8} {', '.join(team_slugs)}")

    def _users(self, teams: dict[str, Team]) -> list[User]:
        users = []
        for email, name, role, team_slugs, language in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    full_name=name,
                    role=role,
                    language=language,
                    # Dariush reads his dates in the Solar Hijri calendar, in Tehran's time
                    **(
                        {"calendar": calendars.PERSIAN, "time_zone": "Asia/Tehran"}
                        if email in PERSIAN_CALENDAR
                        else {}
                    ),
                )
                user.teams.set([teams[s] for s in team_slugs])
            users.append(user)
        return users

    def _customers(self, rng: random.Random, admin: User, users: list[User]) -> tuple[int, int]:
        sellers = [u for u in users if u.role in (Role.MANAGER, Role.MEMBER)]
        created_orgs = created_people = 0
        person_no = 0
        for index, (name, domain, industry, country) in enumerate(ORGANIZATIONS):
            city, region = CITIES[country]
            # Draw every random value whether or not the record exists, so a re-run sees the same data.
            data: dict[str, Any] = {
                "name": name,
                "website": f"https://www.{domain}",
                "industry": industry,
                "owner": sellers[index % len(sellers)],
                "tags": rng.sample(TAGS, k=rng.randint(0, 2)),
                "phones": [{"number": phone_for(country, index), "label": "work"}],
                "emails": [{"email": f"info@{domain}", "label": "work"}],
                "addresses": [
                    {"street": f"{rng.randint(1, 250)} Market Street", "city": city, "region": region,
                     "postal_code": f"{rng.randint(10000, 99999)}", "country": country}
                ],
                "notes": f"{name} works with us on {industry.lower()} projects.",
            }  # fmt: skip
            org = Organization.objects.filter(name_key=organization_name_key(name)).first()
            if org is None:
                org = create_organization(by=admin, allow_duplicate=True, data=data)
                created_orgs += 1
            # a few big customers with many contacts, most with a few
            size = 9 if index < 4 else rng.randint(2, 4)
            for _ in range(size):
                person_no += 1
                if country == "IR" and person_no % 3 == 0:
                    first, last = PERSIAN_NAMES[person_no % len(PERSIAN_NAMES)]
                    local = f"p{person_no}"
                else:
                    first = rng.choice(FIRST_NAMES[country])
                    last = rng.choice(LAST_NAMES[country])
                    local = f"{first}.{last}".lower().replace("ü", "ue")
                email = f"{local}{person_no}@{domain}"
                title = rng.choice(TITLES)
                if EmailAddress.objects.filter(email=email).exists():
                    continue
                create_person(
                    by=admin,
                    allow_duplicate=True,
                    data={
                        "first_name": first,
                        "last_name": last,
                        "owner": org.owner,
                        "emails": [{"email": email, "label": "work"}],
                        "phones": [{"number": phone_for(country, 500 + person_no), "label": "mobile"}],
                        "memberships": [{"organization": org, "job_title": title}],
                        "tags": ["newsletter"] if person_no % 5 == 0 else [],
                    },
                )
                created_people += 1
        return created_orgs, created_people
