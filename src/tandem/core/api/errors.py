"""The API's one error format, and the exception handlers that produce it.

Every error answers JSON `{"detail": ..., "code": ..., "errors": [{"field", "message"}]}` (errors
only when fields are to blame), plus keys a client can act on, such as `duplicates` or
`current_version`. Whatever goes wrong, a client reads the same shape."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import pydantic
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tandem.core.errors import ServiceError

logger = logging.getLogger("django.request")

# Keys of ServiceError.extra a client may act on; anything else stays on the server.
PUBLIC_EXTRA = ("duplicates", "current_version", "blocking", "missing", "conflicts", "confirmable", "lines")


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every 4xx and 5xx answer has this shape."""

    detail: str
    code: str
    errors: list[FieldError] | None = None


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error answers an endpoint documents in OpenAPI; 400 (a request that cannot be read),
    401 and 422 apply to every endpoint."""
    return dict.fromkeys((400, 401, 422, *codes), ErrorOut)


class PreconditionFailed(ServiceError):
    """The If-Match header names a version that is no longer current."""

    status = 412
    code = "precondition_failed"


class PreconditionRequired(ServiceError):
    """An edit named no version to check against."""

    status = 428
    code = "precondition_required"


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    code: str,
    errors: Sequence[Mapping[str, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = list(errors)
    body.update(extra or {})
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="Tandem API"'
    return response


# --- Field errors from pydantic ---------------------------------------------------------------

# The payload parameter's own name means nothing to a client; its fields are what it sent.
_BODY_PARAMS = {"payload"}


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] in _BODY_PARAMS:
            parts.pop(0)
    return ".".join(parts) or "body"


def _message(error: Mapping[str, Any]) -> str:
    """Pydantic's messages are English only; the usual ones get a translatable sentence."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    known = {
        "missing": _("This field is required."),
        "extra_forbidden": _("Tandem does not know this field."),
        "string_type": _("Enter text here."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "list_type": _("Enter a list."),
        "dict_type": _("Enter an object."),
        "model_type": _("Enter an object."),
        "model_attributes_type": _("Enter an object."),
    }
    if kind in known:
        return known[kind]
    if kind == "string_too_long":
        return ngettext(
            "Enter at most %(max)d character.", "Enter at most %(max)d characters.", ctx.get("max_length", 0)
        ) % {"max": ctx.get("max_length", 0)}
    if kind == "string_too_short":
        return _("This field cannot be empty.")
    if kind == "too_long":
        return ngettext(
            "Enter at most %(max)d item.", "Enter at most %(max)d items.", ctx.get("max_length", 0)
        ) % {"max": ctx.get("max_length", 0)}
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a number no larger than %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a number no smaller than %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind in {"literal_error", "enum"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    return str(error.get("msg", _("This value is not valid.")))


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    for error in errors:
        field = _field_name(error.get("loc", ()))
        if field == "body" or (field == "payload" and error.get("type") == "missing"):
            result.append({"field": "body", "message": _("Send a JSON object in the request body.")})
        else:
            result.append({"field": field, "message": _message(error)})
    return result


def _validation_detail(errors: list[dict[str, str]]) -> str:
    if len(errors) == 1:
        return f"{errors[0]['field']}: {errors[0]['message']}"
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return ngettext(
        "%(count)d field is not valid: %(fields)s.",
        "%(count)d fields are not valid: %(fields)s.",
        len(errors),
    ) % {"count": len(errors), "fields": fields}


# --- Handlers ---------------------------------------------------------------------------------


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace django-ninja's default handlers, each of which answers in its own shape."""

    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        problems = []
        details = exc.extra.get("errors")
        if isinstance(details, Mapping):
            problems = [{"field": str(f), "message": str(m[0] if m else "")} for f, m in details.items()]
        elif exc.field:
            problems = [{"field": exc.field, "message": exc.message}]
        extra = {k: exc.extra[k] for k in PUBLIC_EXTRA if k in exc.extra}
        return error_response(
            api, request, status=exc.status, detail=exc.message, code=exc.code, errors=problems, extra=extra
        )

    @api.exception_handler(ValidationError)
    def ninja_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = field_errors(exc.errors)
        return error_response(
            api, request, status=422, detail=_validation_detail(problems), code="invalid", errors=problems
        )

    @api.exception_handler(pydantic.ValidationError)
    def pydantic_validation(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
        raw = exc.errors(include_url=False)
        if any(e["loc"][:1] == ("response",) for e in raw):
            return unexpected(request, exc)  # what Tandem answered does not fit its own schema: a bug
        problems = field_errors(raw)
        return error_response(
            api, request, status=422, detail=_validation_detail(problems), code="invalid", errors=problems
        )

    @api.exception_handler(AuthenticationError)
    def authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=401,
            code="not_authenticated",
            detail=_("Send a valid API token in the header “Authorization: Bearer <token>”."),
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # django-ninja raises HttpError(400) for a body that is not JSON.
        if exc.status_code == 400:
            return error_response(
                api,
                request,
                status=400,
                code="malformed_body",
                detail=_("The request body is not valid JSON."),
            )
        code = {403: "forbidden", 404: "not_found", 429: "throttled"}.get(exc.status_code, "error")
        return error_response(api, request, status=exc.status_code, code=code, detail=str(exc))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, status=404, code="not_found", detail=_("Not found."))

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(
            api, request, status=413, code="body_too_large", detail=_("The request body is too large.")
        )

    @api.exception_handler(MultiPartParserError)
    def malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # e.g. multipart/form-data without a boundary: the body cannot be read at all.
        return error_response(
            api,
            request,
            status=400,
            code="malformed_body",
            detail=_("The request body is not valid multipart/form-data (with a boundary)."),
        )

    @api.exception_handler(ProtectedError)
    def still_in_use(request: HttpRequest, exc: ProtectedError) -> HttpResponse:
        # A service should refuse with its own message first; this keeps a missed case a 409.
        return error_response(
            api,
            request,
            status=409,
            code="conflict",
            detail=_("Other records still use this one; change or remove them first."),
        )

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return error_response(
            api, request, status=400, code="bad_request", detail=_("The request was refused.")
        )

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A bug, not bad input: log it where Django logs server errors, answer in the same shape.
        logger.error("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
        return error_response(
            api,
            request,
            status=500,
            code="server_error",
            detail=_("Something went wrong on the server. The error was logged."),
        )
