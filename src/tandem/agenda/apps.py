from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "tandem.agenda"
    label = "agenda"
    verbose_name = _("Calendar")

    def ready(self) -> None:
        # the worker's beat looks for reminders that are due
        from tandem.agenda import reminders  # noqa: F401
