from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "tandem.activity"
    label = "activity"
    verbose_name = _("Activity")

    def ready(self) -> None:
        # every app's history verbs (`<app>/verbs.py`), so their labels are known to every process
        autodiscover_modules("verbs")
