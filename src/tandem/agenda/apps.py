from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "tandem.agenda"
    label = "agenda"
    verbose_name = _("Calendar")

    def ready(self) -> None:
        # the worker's beat looks for reminders that are due; the customer page and the item page
        # show a record's events (tandem.core.panels)
        from tandem.agenda import panels, reminders  # noqa: F401

        panels.register()
