"""Activities on a deal: calls, meetings, e-mails and notes logged or scheduled (what is due for a
deal's owner is read by tandem.sales.queries.due_for)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.core.errors import InvalidInput
from tandem.sales.models import ActivityKind, Deal, DealActivity
from tandem.sales.services._values import _date
from tandem.sales.verbs import SalesVerb


def log_activity(deal: Deal, *, by: User, kind: str, summary: str, due: date | None = None) -> DealActivity:
    """Log a call, meeting, e-mail or note (done now), or schedule one with a due date."""
    require(by, Permission.EDIT_WORK)
    if kind not in ActivityKind.values:
        raise InvalidInput(_("Choose one of the offered kinds."), field="kind")
    text = " ".join(str(summary or "").split())
    if not text:
        raise InvalidInput(_("Say what happened or what is planned."), field="summary")
    with transaction.atomic():
        activity = DealActivity.objects.create(
            deal=deal, kind=kind, summary=text[:300], due=_date(due, "due"), by=by,
            done_at=None if due else timezone.now(),
        )  # fmt: skip
        record(
            by=by,
            verb=SalesVerb.LOGGED if due is None else SalesVerb.SCHEDULED,
            target=deal.item,
            changes={"activity": str(activity)},
        )
    return activity


def complete_activity(activity: DealActivity, *, by: User) -> DealActivity:
    require(by, Permission.EDIT_WORK)
    if activity.done_at is None:
        with transaction.atomic():
            activity.done_at = timezone.now()
            activity.save(update_fields=["done_at"])
            record(
                by=by,
                verb=SalesVerb.COMPLETED,
                target=activity.deal.item,
                changes={"activity": str(activity)},
            )
    return activity
