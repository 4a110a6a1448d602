"""Tandem's REST API at /api/v1/: one NinjaAPI, bearer-token auth on every endpoint, one error
format (tandem.core.api.errors), and each app's routers mounted under their paths."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.operation import Operation

from tandem.accounts.api import directory, tokens
from tandem.accounts.auth import BearerToken
from tandem.agenda.api import calendars, events, freebusy
from tandem.agenda.api_accounts import accounts as calendar_accounts
from tandem.contacts.api import organizations, people
from tandem.core.api.errors import error_response, install_error_handlers
from tandem.feeds.api import customer_timelines, feeds
from tandem.mailgate.api import mail
from tandem.notifications.api import notifications
from tandem.rituals.api import rituals
from tandem.sales.api import deals, leads, pipelines, reports_router
from tandem.work.api import boards, items, labels

DESCRIPTION = """Tandem's REST API. Authenticate with a personal API token:
`Authorization: Bearer <token>`. Errors always answer `{"detail", "code", "errors"}`.
See docs/api.md for pagination, concurrency (version / If-Match / ETag) and status codes."""


class TandemAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        """django-ninja's own URLs, with its plain-text 405, its root page and Django's HTML 404 for
        unknown paths replaced by answers in the API's error format."""
        patterns, app_name, namespace = super().urls
        unknown = csrf_exempt(self._unknown_endpoint)
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                # The root keeps its name: django-ninja reverses it to build the OpenAPI paths.
                is_root = pattern.name == "api-root"
                pattern.callback = unknown if is_root else self._json_method_not_allowed(pattern.callback)
        patterns.append(re_path(r"^", unknown, name="unknown-endpoint"))
        return patterns, app_name, namespace

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def _json_method_not_allowed(self, view: Any) -> Any:
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response: HttpResponse = view(request, *args, **kwargs)
            if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
                allowed = response.get("Allow", "")
                response = error_response(
                    self,
                    request,
                    status=405,
                    code="method_not_allowed",
                    detail=_("This endpoint does not accept %(method)s. It accepts: %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                )
                response["Allow"] = allowed
            return response

        wrapped.csrf_exempt = True  # type: ignore[attr-defined]
        return wrapped

    def _unknown_endpoint(self, request: HttpRequest) -> HttpResponse:
        # Like every endpoint, this one tells outsiders nothing, not even which paths exist.
        if not BearerToken()(request):
            return self.on_exception(request, AuthenticationError())
        return error_response(
            self,
            request,
            status=404,
            code="not_found",
            detail=_("There is no such endpoint in the Tandem API. The list is at %(docs)s.")
            % {"docs": request.build_absolute_uri(reverse("api:openapi-view"))},
        )


api = TandemAPI(
    title="Tandem API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=BearerToken(),
)
install_error_handlers(api)

api.add_router("/organizations", organizations)
api.add_router("/organizations", customer_timelines)  # /organizations/{id}/timeline
api.add_router("/people", people)
api.add_router("/", directory)
api.add_router("/tokens", tokens)
api.add_router("/boards", boards)
api.add_router("/labels", labels)
api.add_router("/items", items)
api.add_router("/pipelines", pipelines)
api.add_router("/leads", leads)
api.add_router("/deals", deals)
api.add_router("/reports", reports_router)
api.add_router("/feeds", feeds)
api.add_router("/notifications", notifications)
api.add_router("/mail", mail)
api.add_router("/calendars", calendars)
api.add_router("/events", events)
api.add_router("/freebusy", freebusy)
api.add_router("/rituals", rituals)
api.add_router("/calendar-accounts", calendar_accounts)
