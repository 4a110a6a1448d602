"""The event form: what, when (start and end on the wall clock of a chosen zone, or whole days),
where, repeats (the friendly chooser of agenda/repeat.py or a raw RRULE), reminders, who (users,
customer-base people, resources) and which records it is about. The services check the rest. And the
form that uploads an .ics file to import."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import TIME_ZONE_CHOICES, User
from tandem.accounts.roles import Permission
from tandem.agenda import queries
from tandem.agenda.models import Calendar, CalendarKind
from tandem.agenda.repeat import ENDS_CHOICES, REPEAT_CHOICES, WEEKDAYS, Repeat, from_rule, to_rule
from tandem.agenda.services.imports import MAX_BYTES
from tandem.contacts.models import Organization, Person
from tandem.core.forms import BootstrapForm, PickerSelectMultiple
from tandem.work.queries import items_visible_to

PRIORITY_CHOICES = [
    (0, gettext_lazy("None")),
    (1, gettext_lazy("High")),
    (5, gettext_lazy("Medium")),
    (9, gettext_lazy("Low")),
]
REMINDER_CHOICES = [
    (0, gettext_lazy("At the start")),
    (10, gettext_lazy("10 minutes before")),
    (30, gettext_lazy("30 minutes before")),
    (60, gettext_lazy("1 hour before")),
    (1440, gettext_lazy("1 day before")),
]
SCOPE_CHOICES = [
    ("this", gettext_lazy("Only this occurrence")),
    ("following", gettext_lazy("This and the following occurrences")),
    ("all", gettext_lazy("All occurrences")),
]
WALL = "%Y-%m-%dT%H:%M"


def writable_calendars(user: User) -> Any:
    """The calendars `user` may put events on (one query, then the rule per calendar)."""
    return [c for c in queries.visible_calendars(user).order_by("kind", "name") if queries.may_write(user, c)]


class EventForm(BootstrapForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    calendar = forms.ModelChoiceField(label=gettext_lazy("Calendar"), queryset=Calendar.objects.none())
    all_day = forms.BooleanField(label=gettext_lazy("All day"), required=False)
    start = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        input_formats=[WALL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WALL),
    )
    end = forms.DateTimeField(
        label=gettext_lazy("Ends"),
        input_formats=[WALL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WALL),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=TIME_ZONE_CHOICES)
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Colleagues"),
        queryset=User.objects.filter(is_active=True, is_system=False),
        required=False,
        widget=PickerSelectMultiple("user"),
    )
    people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("People from the customer base"),
        queryset=Person.objects.filter(archived_at=None),
        required=False,
        widget=PickerSelectMultiple("person"),
    )
    resources = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Rooms and resources"),
        queryset=Calendar.objects.filter(kind=CalendarKind.RESOURCE, archived_at=None).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    location = forms.CharField(label=gettext_lazy("Location"), max_length=300, required=False)
    video_url = forms.CharField(label=gettext_lazy("Video link"), max_length=500, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"), choices=PRIORITY_CHOICES, coerce=int, initial=0
    )
    repeat = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=REPEAT_CHOICES, initial="none")
    interval = forms.IntegerField(label=gettext_lazy("Every"), min_value=1, max_value=999, initial=1)
    weekdays = forms.MultipleChoiceField(
        label=gettext_lazy("On"), choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    ends = forms.ChoiceField(label=gettext_lazy("Ends"), choices=ENDS_CHOICES, initial="never")
    until = forms.DateField(
        label=gettext_lazy("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    count = forms.IntegerField(label=gettext_lazy("Times"), min_value=1, max_value=10_000, required=False)
    rrule = forms.CharField(
        label=gettext_lazy("Repeat rule (RFC 5545)"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("For experts, such as FREQ=MONTHLY;BYDAY=1MO"),
    )
    reminders = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Remind attendees"),
        choices=REMINDER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Deals and work items"),
        queryset=items_visible_to(None),
        required=False,
        widget=PickerSelectMultiple("item"),
    )
    organizations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Organizations"),
        queryset=Organization.objects.filter(archived_at=None),
        required=False,
        widget=PickerSelectMultiple("organization"),
    )
    linked_people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("People it is about"),
        queryset=Person.objects.filter(archived_at=None),
        required=False,
        widget=PickerSelectMultiple("person"),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Change"), choices=SCOPE_CHOICES, required=False, widget=forms.RadioSelect
    )
    confirm_conflicts = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, recurring_occurrence: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        calendars = writable_calendars(user)
        calendar_field: Any = self.fields["calendar"]
        calendar_field.queryset = Calendar.objects.filter(pk__in=[c.pk for c in calendars]).order_by(
            "kind", "name"
        )
        # someone with no calendar of their own yet: the empty choice is theirs, made on saving (the
        # form's page writes nothing)
        self.makes_own_calendar = user.can(Permission.EDIT_EVENTS) and not any(
            c.kind == CalendarKind.PERSONAL and c.owner_id == user.pk for c in calendars
        )
        # sent again after a warning: the calendar was made by the first try, the choice stays
        chose_own = self.is_bound and not self.data.get("calendar") and user.can(Permission.EDIT_EVENTS)
        if self.makes_own_calendar or chose_own:
            calendar_field.required = False
            calendar_field.empty_label = _("My calendar")
        items_field: Any = self.fields["items"]
        items_field.queryset = items_visible_to(user)
        self.fields["interval"].required = False
        self.fields["ends"].required = False
        self.fields["repeat"].required = False
        if not recurring_occurrence:
            del self.fields["scope"]

    # the form's groups, as the template lays them out
    WHEN = ("all_day", "start", "end", "time_zone")
    WHO = ("attendees", "people", "resources")
    REPEATS = ("repeat", "interval", "weekdays", "ends", "until", "count", "rrule")
    ABOUT = ("items", "organizations", "linked_people")
    DETAILS = ("location", "video_url", "description", "priority", "reminders")

    def group(self, names: tuple[str, ...]) -> list[Any]:
        return [self[name] for name in names if name in self.fields]

    def when(self) -> list[Any]:
        return self.group(self.WHEN)

    def who(self) -> list[Any]:
        return self.group(self.WHO)

    def repeats(self) -> list[Any]:
        return self.group(self.REPEATS)

    def about(self) -> list[Any]:
        return self.group(self.ABOUT)

    def details(self) -> list[Any]:
        return self.group(self.DETAILS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("all_day") and data.get("start") and data.get("end"):
            # whole days: from the first day's midnight to the midnight after the last
            data["start"] = datetime.combine(data["start"].date(), time())
            data["end"] = datetime.combine(data["end"].date(), time()) + timedelta(days=1)
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end must not be before the start."))
        return data

    def rule(self) -> str:
        data = self.cleaned_data
        return to_rule(
            Repeat(
                repeat=data.get("repeat") or "none",
                interval=data.get("interval") or 1,
                weekdays=list(data.get("weekdays") or []),
                ends=data.get("ends") or "never",
                until=data.get("until"),
                count=data.get("count"),
                rrule=data.get("rrule") or "",
            )
        )

    def service_data(self, *, series_fields: bool = True) -> dict[str, Any]:
        """What the services take: times are naive wall-clock times in the chosen zone."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data[name]
            for name in (
                "title",
                "all_day",
                "start",
                "end",
                "time_zone",
                "location",
                "video_url",
                "description",
                "priority",
                "reminders",
            )
        }
        for name in ("attendees", "people", "resources", "items", "organizations", "linked_people"):
            values[name] = list(data[name])
        if series_fields:
            values["rrule"] = self.rule()
        for name in ("start", "end"):
            value = values[name]
            values[name] = value.replace(tzinfo=None) if value.tzinfo else value
        return values


def priority_choice(priority: int) -> int:
    """The form's choice nearest a stored RFC 5545 priority (1-4 high, 5 medium, 6-9 low)."""
    if not priority:
        return 0
    return 1 if priority < 5 else 5 if priority == 5 else 9


def initial_for(event: Any, *, start: datetime, end: datetime, tz: Any) -> dict[str, Any]:
    """The form's values for an event (or one occurrence: `start`, `end`), shown in `tz`."""
    chooser = from_rule(event.rrule)
    local_start, local_end = (
        start.astimezone(tz).replace(tzinfo=None),
        end.astimezone(tz).replace(tzinfo=None),
    )
    if event.all_day:
        local_end -= timedelta(days=1)
    return {
        "title": event.title,
        "calendar": event.calendar_id,
        "all_day": event.all_day,
        "start": local_start,
        "end": local_end,
        "time_zone": event.time_zone,
        "location": event.location,
        "video_url": event.video_url,
        "description": event.description,
        "priority": priority_choice(event.priority),
        "repeat": chooser.repeat,
        "interval": chooser.interval,
        "weekdays": chooser.weekdays,
        "ends": chooser.ends,
        "until": chooser.until,
        "count": chooser.count,
        "rrule": event.rrule,
        "reminders": [m for m in event.reminders if m in dict(REMINDER_CHOICES)],
        "attendees": [a.user_id for a in event.attendees.all() if a.user_id],
        "people": [a.person_id for a in event.attendees.all() if a.person_id],
        "resources": [b.resource_id for b in event.bookings.all()],
        "items": [x.item_id for x in event.links.all() if x.item_id],
        "organizations": [x.organization_id for x in event.links.all() if x.organization_id],
        "linked_people": [x.person_id for x in event.links.all() if x.person_id],
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("iCalendar file (.ics)"),
        help_text=lazy(
            lambda: (
                _(
                    "An export from Google Calendar, Outlook, Apple Calendar or any other calendar app, up to %(size)s MB."
                )
                % {"size": MAX_BYTES // (1024 * 1024)}
            ),
            str,
        )(),
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar", "class": "form-control"}),
    )
