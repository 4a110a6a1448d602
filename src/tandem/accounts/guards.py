"""Access checks for HTML views: logged in, allowed by role, and service refusals shown as a 403
page or a 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.core.errors import NotAllowed, NotFound

View = Callable[..., HttpResponseBase]


def guarded_view(permission: Permission | None) -> Callable[[View], View]:
    """Logged in, allowed by role, and service refusals shown as a 403 page or a 404.
    `guarded_view(None)` lets in any signed-in user (one's own profile, password and tokens)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                if permission is not None:
                    require(request.user, permission)
                return view(request, *args, **kwargs)
            except NotAllowed as exc:
                return render(request, "web/forbidden.html", {"message": exc.message}, status=403)
            except NotFound:
                raise Http404(_("Not found.")) from None

        return login_required(wrapper)

    return decorate


def acting_user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotAllowed(_("Log in first."))
    return request.user
