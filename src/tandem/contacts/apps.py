from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "tandem.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        # the customers' parts of the timelines (tandem.activity.scopes) and of the customer page
        from tandem.contacts import panels, scopes

        scopes.register()
        panels.register()
