"""Secret iCalendar addresses (feeds): make one for a user's own events or for a team's or a
resource's calendar, give it a new address (the old one stops working), or revoke it."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.activity.services import record
from tandem.agenda import queries
from tandem.agenda.models import Calendar, CalendarKind, FeedToken, feed_digest, feed_secret
from tandem.agenda.verbs import AgendaVerb
from tandem.core.errors import InvalidInput, NotAllowed, NotFound


def _new_nonce() -> tuple[str, str]:
    nonce = secrets.token_hex(32)
    return nonce, feed_digest(feed_secret(nonce))


def create_feed(*, by: User, calendar: Calendar | None = None) -> FeedToken:
    """`by`'s feed of their own events (no calendar), or of a team's or resource's calendar they
    may see; the existing one when they have it already."""
    if not by.pk or not by.is_active or getattr(by, "is_system", False):
        raise NotAllowed(_("Log in first."))
    if calendar is not None:
        if not queries.visible_calendars(by).filter(pk=calendar.pk).exists():
            raise NotFound(_("There is no such calendar or event."))
        if calendar.kind == CalendarKind.PERSONAL:
            raise InvalidInput(_("Your own events have one feed; subscribe to that."), field="calendar")
    found = FeedToken.objects.filter(user=by, calendar=calendar).first()
    if found is not None:
        return found
    nonce, digest = _new_nonce()
    try:
        with transaction.atomic():
            token = FeedToken.objects.create(user=by, calendar=calendar, nonce=nonce, digest=digest)
            record(
                by=by,
                verb=AgendaVerb.MADE_FEED,
                target=token,
                changes={"calendar": calendar.pk if calendar else None},
            )
    except IntegrityError:  # made at the same moment by another request
        return FeedToken.objects.get(user=by, calendar=calendar)
    return token


def _own(token: FeedToken, by: User) -> None:
    if token.user_id != by.pk:
        raise NotFound(_("There is no such feed."))


def rotate_feed(token: FeedToken, *, by: User) -> FeedToken:
    """A new address for the feed; the old one answers 404 from now on."""
    _own(token, by)
    with transaction.atomic():
        token.nonce, token.digest = _new_nonce()
        token.rotated_at = timezone.now()
        token.save(update_fields=["nonce", "digest", "rotated_at"])
        record(by=by, verb=AgendaVerb.CHANGED_FEED, target=token, changes={"calendar": token.calendar_id})
    return token


def revoke_feed(token: FeedToken, *, by: User) -> None:
    """No feed any more: its address answers 404."""
    _own(token, by)
    with transaction.atomic():
        record(by=by, verb=AgendaVerb.REVOKED_FEED, target=token, changes={"calendar": token.calendar_id})
        token.delete()
