from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "tandem.work"
    label = "work"
    verbose_name = _("Boards and work items")

    def ready(self) -> None:
        from tandem.activity.queries import register_visibility
        from tandem.work import dated, panels, scopes
        from tandem.work.queries import hidden_items, visible_item_ids

        # history reads leave out the items of boards a reader may not see (activity.queries)
        register_visibility("item", hidden=hidden_items, visible=visible_item_ids)
        # the items' parts of the timelines (activity.scopes) and their card on the customer page
        scopes.register()
        panels.register()
        # items' due dates on the calendar (tandem.core.dated)
        dated.register()
