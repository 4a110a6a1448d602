"""Optimistic concurrency inside a service's transaction: lock the row being changed
(SELECT … FOR UPDATE) and refuse the change when it was based on an older version. Every record
edited this way has a `version` number that its services raise by one on each change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from django.db import models
from django.utils.translation import gettext as _

from tandem.core.errors import NotFound, StaleVersion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class _Versioned(Protocol):
    version: int


def lock_version[M: models.Model](
    model: type[M], pk: int, version: int | None, *, stale_message: StrOrPromise | None = None
) -> M:
    """The row `pk` of `model`, locked until the transaction ends. Refused when the row is gone
    (NotFound) or, given the `version` the caller's edit was based on, when someone changed it
    since (StaleVersion, with the current version in `extra`). `version=None` checks nothing.
    `stale_message` words the refusal for the record at hand (a customer record says "this record")."""
    current = model._default_manager.select_for_update().filter(pk=pk).first()
    if current is None:
        raise NotFound(_("This record no longer exists."))
    current_version = cast(_Versioned, current).version
    if version is not None and current_version != version:
        if stale_message is None:
            stale_message = _(
                "Someone else changed this after you opened it. Reload to see their change, then try again."
            )
        raise StaleVersion(str(stale_message), extra={"current_version": current_version})
    return current
