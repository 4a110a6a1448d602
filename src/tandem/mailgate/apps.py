from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailgateConfig(AppConfig):
    name = "tandem.mailgate"
    label = "mailgate"
    verbose_name = _("Mail gateway")

    def ready(self) -> None:
        from tandem.mailgate import jobs  # noqa: F401  (registers the worker's look into the spool)
