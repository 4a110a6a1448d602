from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"

    def ready(self) -> None:
        from tandem.core import jobs  # noqa: F401 - connects the retry of failed jobs
