"""What the HTML views of every app share: the htmx-aware "page or partial" answer and the answer
after a successful write. The access checks (`guarded_view`, `acting_user`) know users and roles,
so they live in `tandem.accounts.guards`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views import defaults

from tandem.core.htmx import is_htmx_partial
from tandem.core.numbers import int_or_none as int_or_none  # views read numbers with it


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to a request it refuses before any view (a Host header that names no valid
    host, a suspicious operation): in the API's one error format for /api/, the plain page
    elsewhere (urls.handler400)."""
    if request.path.startswith("/api/"):
        body = {
            "detail": gettext("The request is malformed (such as its Host header)."),
            "code": "bad_request",
        }
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception or Exception())
