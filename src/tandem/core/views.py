"""What the HTML views of every app share: access checks that turn service refusals into a 403
page or a 404, the htmx-aware "page or partial" answer, and the answer after a successful write."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.core.errors import NotAllowed, NotFound
from tandem.core.htmx import is_htmx_partial
from tandem.core.numbers import int_or_none as int_or_none  # views read numbers with it

View = Callable[..., HttpResponseBase]


def guarded_view(permission: Permission) -> Callable[[View], View]:
    """Logged in, allowed by role, and service refusals shown as a 403 page or a 404."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
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


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    # A history restore (back button after the cache expired) asks htmx for the whole page.
    wants_partial = is_htmx_partial(request) and request.headers.get("HX-History-Restore-Request") != "true"
    response = render(request, partial if wants_partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def go(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful write: a redirect, or for htmx an HX-Location it follows itself."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return HttpResponseRedirect(url)
