from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RitualsConfig(AppConfig):
    name = "tandem.rituals"
    label = "rituals"
    verbose_name = _("Rituals")

    def ready(self) -> None:
        # the event page and the board page link to their rituals (rituals is above both)
        from tandem.rituals import panels

        panels.register()
