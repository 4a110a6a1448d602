from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "tandem.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        # the customer page's cards, and the places kept for the apps to come
        from tandem.web import customers

        customers.register()
