from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "tandem.agenda"
    label = "agenda"
    verbose_name = _("Calendar")

    def ready(self) -> None:
        # the worker's beat looks for reminders that are due, and for calendars to sync
        from tandem.activity.hooks import subscribe
        from tandem.agenda import reminders, sync  # noqa: F401

        # a change to an event asks the CalDAV accounts syncing it to sync soon
        subscribe(sync.local_change)
