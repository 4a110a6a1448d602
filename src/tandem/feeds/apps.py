from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "tandem.feeds"
    label = "feeds"
    verbose_name = _("Feeds")

    def ready(self) -> None:
        # the history section of the item page and of the customer page
        from tandem.feeds import panels

        panels.register()
