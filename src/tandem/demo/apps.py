from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo company (`seed_demo`) and the data generator (`generate`): the top layer, which fills
    every app below it through their services."""

    name = "tandem.demo"
    label = "demo"
    verbose_name = _("Demo data")
