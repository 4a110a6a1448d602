from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "tandem.agenda"
    label = "agenda"
    verbose_name = _("Calendar")

    def ready(self) -> None:
        # the worker's beat looks for reminders that are due, and for calendars to sync; the customer
        # page and the item page show a record's events (tandem.core.panels)
        from tandem.activity.hooks import subscribe
        from tandem.agenda import panels, reminders, sync  # noqa: F401

        panels.register()
        # a change to an event asks the CalDAV accounts syncing it to sync soon
        subscribe(sync.local_change)
