from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "tandem.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        # The board engine asks the sales rules before a deal changes stage or closes; the item
        # page shows a deal's panel; a pipeline's board shows its deals' figures.
        from tandem.sales import board, dated, panels, rules

        rules.register()
        panels.register()
        board.register()
        # deals' expected close on the calendar (tandem.core.dated)
        dated.register()
