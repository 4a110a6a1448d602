from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailgateConfig(AppConfig):
    name = "tandem.mailgate"
    label = "mailgate"
    verbose_name = _("Mail gateway")

    def ready(self) -> None:
        from tandem.mailgate import checks, jobs, panels  # noqa: F401  (the settings' checks; the worker's look into the spool)

        # the e-mail on the item page, a board's addresses, a customer's mail
        panels.register()
