"""A deal's owner hears of what others do to it: losing it is a status change, a comment a comment."""

from __future__ import annotations

from tandem.notifications import fanout
from tandem.notifications.models import Notification
from tandem.sales import services
from tandem.work import services as work


def test_the_owner_hears_when_someone_else_loses_or_comments_on_the_deal(member, manager, pipeline):
    deal = services.create_deal(by=member, pipeline=pipeline, title="Acme renewal")
    fanout.fan_out.call()
    Notification.objects.all().delete()
    work.add_comment(deal.item, by=manager, body="They went quiet.")
    services.lose(deal, by=manager, reason="No budget")
    fanout.fan_out.call()
    got = list(
        Notification.objects.filter(user=member).order_by("id").values_list("entry__verb", "kind", "reason")
    )
    # the creator owns and watches the deal: owning is the stronger reason; losing moves it to Lost
    assert got == [("commented", "comment", "owner"), ("moved", "status", "owner")]
    assert not Notification.objects.filter(user=manager).exists()
