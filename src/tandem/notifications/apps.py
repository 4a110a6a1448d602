from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tandem.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from tandem.activity.hooks import subscribe
        from tandem.core.panels import on_show
        from tandem.mailgate import threads
        from tandem.notifications import (
            fanout,
            jobs,  # noqa: F401  (registers the worker's periodic checks)
            live,
        )
        from tandem.notifications.mail import thread_id

        # every history entry on a record people follow goes to the outbox, fanned out after the commit
        subscribe(fanout.queue)
        # a reply to a notification e-mail that keeps its References threads into the item
        threads.on_thread_id(thread_id)
        # opening an item's or a customer's page reads one's notifications of it
        on_show("item", live.read_on_open)
        on_show("customer", live.read_on_open)
