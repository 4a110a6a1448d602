"""The demo company's calendar: a team calendar for sales and one for development, two meeting
rooms, and events around today — a weekly stand-up in a room, a customer review and a demo with
attendees and linked records, a fortnightly sprint planning in Tehran's time, a colleague's
appointment that makes them busy, an all-day offsite. Made through agenda's services; made once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.accounts.models import Team, User
from tandem.agenda import services
from tandem.agenda.models import Calendar, CalendarKind
from tandem.contacts.models import Organization
from tandem.work.models import Item, ItemType

BERLIN = ZoneInfo("Europe/Berlin")
TEHRAN = ZoneInfo("Asia/Tehran")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def seed_calendar(users: list[User]) -> int:
    """The demo's calendars and events; the number of events made (0 when they exist already)."""
    if Calendar.objects.filter(kind=CalendarKind.TEAM, name="Sales team").exists():
        return 0
    by_email = {user.email.split("@")[0]: user for user in users}
    admin, sara, sam = by_email["admin"], by_email["sara"], by_email["sam"]
    paula, piet, dariush = by_email["paula"], by_email["piet"], by_email["dariush"]
    sales = services.create_calendar(
        by=admin,
        kind=CalendarKind.TEAM,
        team=Team.objects.get(slug="sales"),
        data={"name": "Sales team", "colour": "#0d6efd", "time_zone": "Europe/Berlin"},
    )
    development = services.create_calendar(
        by=admin,
        kind=CalendarKind.TEAM,
        team=Team.objects.get(slug="development"),
        data={"name": "Development", "colour": "#6f42c1", "time_zone": "Asia/Tehran"},
    )
    everest = services.create_calendar(
        by=admin,
        kind=CalendarKind.RESOURCE,
        data={"name": "Room Everest", "capacity": 8, "location": "2nd floor", "colour": "#198754"},
    )
    alborz = services.create_calendar(
        by=admin,
        kind=CalendarKind.RESOURCE,
        data={"name": "Room Alborz", "capacity": 4, "location": "1st floor", "colour": "#20c997"},
    )
    today = timezone.now().astimezone(BERLIN).date()
    monday = today - timedelta(days=today.weekday())
    northwind = Organization.objects.filter(name="Northwind Traders").first()
    fabrikam = Organization.objects.filter(name="Fabrikam Robotics").first()
    northwind_deal = (
        Item.objects.filter(organizations=northwind, type=ItemType.DEAL).first() if northwind else None
    )
    made = 0

    def event(by: User, calendar: Calendar, **data: object) -> None:
        nonlocal made
        data.setdefault("time_zone", "Europe/Berlin")
        services.create_event(by=by, calendar=calendar, data=data, confirm_conflicts=True)
        made += 1

    event(
        sara,
        sales,
        title="Sales stand-up",
        start=_at(monday - timedelta(weeks=4), 9, 30),
        end=_at(monday - timedelta(weeks=4), 10),
        rrule="FREQ=WEEKLY;BYDAY=MO,TH",
        attendees=[sara, sam],
        resources=[alborz],
        reminders=[10],
        priority=5,
    )
    review_day = today + timedelta(days=2 if today.weekday() < 3 else 4)
    event(
        sara,
        services.personal_calendar(sara),
        title="Quarterly review with Northwind",
        start=_at(review_day, 14),
        end=_at(review_day, 15, 30),
        attendees=[sara, sam, paula],
        resources=[everest],
        organizations=[northwind] if northwind else [],
        items=[northwind_deal] if northwind_deal else [],
        location="Room Everest",
        priority=1,
        reminders=[30],
    )
    demo_day = today + timedelta(days=1)
    event(
        sam,
        services.personal_calendar(sam),
        title="Product demo for Fabrikam Robotics",
        start=_at(demo_day, 11),
        end=_at(demo_day, 12),
        attendees=[sam, sara],
        organizations=[fabrikam] if fabrikam else [],
        video_url="https://meet.example/fabrikam-demo",
        priority=1,
    )
    event(
        sam,
        services.personal_calendar(sam),
        title="Dentist",
        start=_at(today, 15),
        end=_at(today, 16),
        priority=9,
    )
    event(
        dariush,
        development,
        title="Sprint planning",
        time_zone="Asia/Tehran",
        start=_at(monday - timedelta(weeks=2) + timedelta(days=2), 10),
        end=_at(monday - timedelta(weeks=2) + timedelta(days=2), 11, 30),
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        attendees=[dariush, piet],
    )
    offsite = monday + timedelta(days=11)
    event(
        sara,
        sales,
        title="Sales offsite",
        all_day=True,
        start=_at(offsite, 0),
        end=_at(offsite, 0),
        attendees=[sara, sam],
    )
    event(
        paula,
        services.personal_calendar(paula),
        title="Kick-off with Fabrikam",
        start=_at(today + timedelta(days=3), 10),
        end=_at(today + timedelta(days=3), 11),
        attendees=[paula, piet],
        resources=[everest],
        organizations=[fabrikam] if fabrikam else [],
        priority=5,
    )
    return made
