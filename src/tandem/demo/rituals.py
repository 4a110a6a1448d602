"""The demo company's rituals (issue 17, point 7): the weekly finance run on the finance team's
calendar, reviewing the Finance board (with a few more finance items of varied age, some overdue,
some blocked), and the monthly board meeting on the Board actions board, whose last meeting but one
has its minutes converted already and whose last one has action lines waiting. Kept apart from the
calendar's general demo data so the two merge easily. Idempotent: a ritual that exists is left
alone; everything goes through the services (only the items' ages are set afterwards, as the demo's
"weeks ago" cannot be made any other way)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.accounts.models import Team, User
from tandem.agenda import services as agenda
from tandem.agenda.models import Calendar, CalendarKind
from tandem.rituals import queries, services
from tandem.rituals.models import Ritual, RitualKind
from tandem.work import services as work
from tandem.work.models import Board, Item

ZONE = ZoneInfo("Europe/Berlin")
FINANCE_ITEMS = [
    # title, days old, due in (days; negative: overdue), stage label
    ("Correct the VAT number on the Tailspin invoice", 26, -9, "finance::invoiced"),
    ("Send the payment reminder to Tailspin Toys", 19, -2, "finance::reminder sent"),
    ("Book the Q3 bank charges", 33, None, None),
    ("Renew the accounting software licence", 12, 10, None),
    ("Refund the double payment from Coho Winery", 4, 5, "finance::to invoice"),
]


def _wall(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZONE)


def _finance_calendar(admin: User) -> Calendar | None:
    team = Team.objects.filter(slug="finance").first()
    if team is None:
        return None
    found = Calendar.objects.filter(kind=CalendarKind.TEAM, team=team, archived_at=None).first()
    return found or agenda.create_calendar(
        by=admin, kind=CalendarKind.TEAM, team=team,
        data={"name": "Finance team", "time_zone": "Europe/Berlin", "colour": "#047857"},
    )  # fmt: skip


def _finance_run(by_handle: dict[str, User]) -> bool:
    admin, fiona = by_handle["admin"], by_handle["fiona"]
    board = Board.objects.filter(name="Finance").first()
    calendar = _finance_calendar(admin)
    if board is None or calendar is None or Ritual.objects.filter(kind=RitualKind.FINANCE_RUN).exists():
        return False
    today = timezone.localdate()
    made: dict[str, Item] = {}
    for title, age, due, stage in FINANCE_ITEMS:
        item = work.create_item(
            by=fiona,
            board=board,
            data={
                "title": title,
                "assignees": [fiona],
                "due_date": today + timedelta(days=due) if due is not None else None,
                **({"labels": [board.labels.get(name=stage)]} if stage else {}),
            },
        )
        Item.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(days=age))
        made[title] = item
    work.link_items(
        made["Correct the VAT number on the Tailspin invoice"],
        made["Send the payment reminder to Tailspin Toys"],
        kind="blocks",
        by=fiona,
    )
    monday = today - timedelta(days=today.weekday() + 21)
    services.create_ritual(
        by=fiona,
        kind=RitualKind.FINANCE_RUN,
        name="Weekly finance run",
        calendar=calendar,
        board=board,
        start=_wall(monday, 10),
        attendees=[fiona, by_handle["gita"], admin],
        description="Review the Finance board: oldest first, what is overdue, what blocks what.",
    )
    return True


def _board_meeting(by_handle: dict[str, User]) -> bool:
    admin = by_handle["admin"]
    board = Board.objects.filter(name="Board actions").first()
    if board is None or Ritual.objects.filter(kind=RitualKind.BOARD_MEETING).exists():
        return False
    last = timezone.localdate() - timedelta(days=3)
    last = last.replace(day=min(last.day, 28))
    month, year = last.month - 2, last.year
    if month < 1:
        month, year = month + 12, year - 1
    ritual = services.create_ritual(
        by=admin,
        kind=RitualKind.BOARD_MEETING,
        name="Monthly board meeting",
        calendar=agenda.personal_calendar(admin),
        board=board,
        start=_wall(date(year, month, last.day), 16),
        attendees=[admin, by_handle["sara"], by_handle["paula"], by_handle["fiona"]],
        description="Minutes on the meeting's page; action lines become items on Board actions.",
    )
    moments = [
        queries.original_start(o) for o in queries.occurrence_choices(ritual) if o.start <= timezone.now()
    ]
    if len(moments) < 2:
        return True
    previous, latest = moments[-2], moments[-1]
    due = timezone.localdate()
    services.convert_actions(
        ritual,
        by=admin,
        occurrence=previous,
        text=(
            "## Present\nAda, Sara, Paula, Fiona\n\n## Decisions\n"
            "- The Persian-language launch goes ahead in the spring.\n"
            "- The office lease is renegotiated, not renewed as it stands.\n\n## Actions\n"
            f"- [ ] Draft the launch plan for the Persian market @sara due {due + timedelta(days=12)}\n"
            f"- [ ] Get two quotes for a smaller office @paula due {due + timedelta(days=20)}\n"
            f"ACTION: Present the cash-flow forecast for next year @fiona due {due - timedelta(days=2)}\n"
        ),
        version=0,
    )
    services.save_minutes(
        ritual,
        by=admin,
        occurrence=latest,
        text=(
            "## Present\nAda, Sara, Fiona (Paula sent her notes)\n\n## Notes\n"
            "Q3 closed 8 % above plan. The security audit found nothing critical.\n\n## Actions\n"
            f"- [ ] Publish the security audit summary @admin due {due + timedelta(days=14)}\n"
            f"- [ ] Hire a head of customer success @sara due {due + timedelta(days=45)}\n"
            f"- TODO: Review the Q4 budget with the department heads @fiona due {due + timedelta(days=7)}\n"
        ),
        version=0,
    )
    return True


def seed_rituals(users: list[User]) -> int:
    """Set up the demo's rituals that do not exist yet; returns how many were made."""
    by_handle = {u.email.split("@")[0]: u for u in users}
    return int(_finance_run(by_handle)) + int(_board_meeting(by_handle))
