"""The demo company's boards: a sales funnel, finance, the board meeting's actions and support, with
believable items, labels, links and comments. Called by `tandem seed-demo`; idempotent (a board
that exists is left alone) and made through the services like real work."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tandem.accounts.models import Team, User
from tandem.contacts.models import Organization
from tandem.sales import services as sales
from tandem.work import services
from tandem.work.models import Board, ItemType, SumField

COMPANY = "Tandem Demo"

DEALS = [
    ("annual licence renewal", "won"),
    ("50 extra seats", "negotiation"),
    ("onboarding workshop", "proposal"),
    ("support plan upgrade", "qualified"),
    ("pilot for the EMEA office", "lead"),
    ("data migration project", "proposal"),
    ("training for new hires", "won"),
    ("API integration", "qualified"),
    ("multi-year framework agreement", "negotiation"),
    ("reporting add-on", "lead"),
    ("second department roll-out", "qualified"),
    ("premium SLA", "lead"),
]
ACTIONS = [
    "Review the Q4 budget with finance",
    "Hire a head of customer success",
    "Decide on the Persian-language launch",
    "Renegotiate the office lease",
    "Publish the security audit summary",
]
SUPPORT = [
    ("Cannot log in after password reset", 4, ["bug"]),
    ("Export to CSV cuts off long names", 3, ["bug"]),
    ("How do I add a second address?", 1, ["question"]),
    ("Invoice PDF shows the wrong VAT number", 3, ["billing"]),
    ("Calendar sync duplicates events", 2, ["bug"]),
    ("Request: dark mode", 0, ["feature request"]),
    ("Slow search on the people list", 2, ["bug"]),
]


def seed_boards(users: list[User], rng: random.Random) -> int:
    """Create the demo boards that do not exist yet; returns how many were made."""
    by_handle = {u.email.split("@")[0]: u for u in users}
    admin = by_handle["admin"]
    today = timezone.localdate()
    made = 0
    orgs = list(Organization.objects.filter(merged_into__isnull=True).order_by("name")[:20])

    if not Board.objects.filter(name="Sales funnel").exists():
        made += 1
        # private to the finance team: the rest of the company sees a won deal "blocked by a private
        # item"; Fiona gets the invoices won deals open
        team = Team.objects.filter(slug="finance").first()
        finance = services.create_board_with_stages(
            by=admin,
            data={"name": "Finance", "description": "Invoices to send and payments to chase; reviewed in the weekly finance run.",
                  "default_type": ItemType.FINANCE, "team": team, "private": team is not None,
                  "default_assignee": by_handle["fiona"] if team is not None else None},
            stages=["to invoice", "invoiced", "reminder sent"],
            scope="finance",
        )  # fmt: skip
        pipeline = sales.create_pipeline(
            by=admin,
            name="Sales funnel",
            finance_board=finance,
            stages=[
                {"name": "Lead", "builtin": "lead", "probability": 10},
                {
                    "name": "Qualified",
                    "builtin": "qualified",
                    "probability": 30,
                    "required_fields": ["value", "organization"],
                },
                {
                    "name": "Proposal",
                    "builtin": "proposal",
                    "probability": 60,
                    "required_document": "proposal",
                },
                {"name": "Negotiation", "builtin": "negotiation", "probability": 80, "stale_after_days": 21},
            ],
        )
        path = ["Qualified", "Proposal", "Negotiation"]
        sellers = [by_handle["sara"], by_handle["sam"]]
        fiona = by_handle["fiona"]
        for index, (what, stage) in enumerate(DEALS):
            org = orgs[index % len(orgs)] if orgs else None
            seller = sellers[index % 2]
            deal = sales.create_deal(
                by=seller,
                pipeline=pipeline,
                title=f"{org.name if org else 'Customer'} - {what}",
                data={
                    "value": Decimal(rng.choice([2400, 4800, 9600, 12000, 18500, 36000, 72000])),
                    "organization": org,
                    "owner": seller,
                    "expected_close": today + timedelta(days=rng.randint(10, 120)),
                    "next_step": "Call the buyer",
                    "next_step_due": today + timedelta(days=rng.randint(-3, 14)),
                },
            )
            # walk the deal through the stages up to its own, as a seller would
            order = [name.lower() for name in path]
            steps = path if stage == "won" else path[: order.index(stage) + 1] if stage in order else []
            for step in steps:
                if step == "Proposal":
                    sales.attach_document(
                        deal, by=seller, kind="proposal", url=f"https://docs.example/proposals/{deal.pk}.pdf"
                    )
                sales.enter_stage(deal, pipeline.stages.get(name=step), by=seller)
            if stage == "won":
                sales.attach_document(
                    deal,
                    by=seller,
                    kind="signed_contract",
                    url=f"https://docs.example/contracts/{deal.pk}.pdf",
                )
                won = sales.win(deal, by=seller)
                ticket = won.invoices.get().item
                services.add_comment(
                    deal.item, by=seller, body=f"Signed. @{fiona.handle} the invoice is #{ticket.pk}."
                )
        overdue = services.create_item(
            by=fiona,
            board=finance,
            data={"title": "Chase payment from Fabrikam Robotics", "assignees": [fiona],
                  "labels": [finance.labels.get(name="finance::reminder sent")],
                  "due_date": today - timedelta(days=6), "priority": 3},
        )  # fmt: skip
        services.add_comment(
            overdue, by=fiona, body="Second reminder sent. Call them on **Friday** if nothing arrives."
        )

    if not Board.objects.filter(name="Board actions").exists():
        made += 1
        actions = services.create_board_with_stages(
            by=admin,
            data={"name": "Board actions", "description": "Action items from the monthly board meeting.",
                  "default_type": ItemType.ACTION, "title_prefix": f"{COMPANY} Board Meeting action: "},
            stages=["to do", "in progress"],
            scope="action",
        )  # fmt: skip
        owners = [by_handle[h] for h in ("admin", "sara", "paula", "fiona")]
        for index, title in enumerate(ACTIONS):
            services.create_item(
                by=admin,
                board=actions,
                data={
                    "title": title,
                    "assignees": [owners[index % len(owners)]],
                    "due_date": today + timedelta(days=7 * (index + 1)),
                    "labels": [
                        actions.labels.get(name="action::in progress" if index < 2 else "action::to do")
                    ],
                },
            )

    if not Board.objects.filter(name="Support").exists():
        made += 1
        support = services.create_board_with_stages(
            by=admin,
            data={"name": "Support", "description": "Customer questions and problems.",
                  "default_type": ItemType.SUPPORT, "sum_field": SumField.ESTIMATE},
            stages=["triage", "in progress", "waiting on customer"],
            scope="support",
        )  # fmt: skip
        kinds = {name: services.create_label(by=admin, board=support, data={"name": name, "color": color})
                 for name, color in (("bug", "#dc3545"), ("question", "#0dcaf0"), ("billing", "#ffc107"),
                                     ("feature request", "#6f42c1"))}  # fmt: skip
        stages = ["support::triage", "support::in progress", "support::waiting on customer"]
        agents = [by_handle["sunny"], by_handle["dariush"]]
        previous = None
        for index, (title, priority, tags) in enumerate(SUPPORT):
            org = orgs[(index * 3) % len(orgs)] if orgs else None
            ticket = services.create_item(
                by=agents[0],
                board=support,
                data={
                    "title": title,
                    "priority": priority,
                    "assignees": [agents[index % 2]],
                    "estimate": rng.choice(["0.5", "1", "2", "4"]),
                    "due_date": today + timedelta(days=rng.randint(-3, 10)),
                    "labels": [*(kinds[t] for t in tags), support.labels.get(name=stages[index % 3])],
                    "organizations": [org] if org else [],
                },
            )
            if index == 4 and previous is not None:
                services.link_items(ticket, previous, kind="relates_to", by=agents[0])
            previous = ticket
        parent = services.create_item(
            by=agents[1], board=support, data={"title": "Speed up the people search", "estimate": "8"}
        )
        for step in (
            "Measure the slow queries",
            "Add the trigram index",
            "Check the result with the customer",
        ):
            services.create_item(by=agents[1], board=support, data={"title": step, "parent": parent})
        first_step = parent.children.order_by("pk").first()
        if first_step is not None:
            services.close_item(first_step, by=agents[1])
    return made
