"""The access log of `tandem serve` (gunicorn's `--logger-class`): one line a request, as gunicorn
writes it, but none for the `/live/` poll every open page makes every 2 s nor for a load
balancer's `/healthz` check, as long as they succeed. TANDEM_ACCESS_LOG=all logs those too
(docs/operations.md, "The console")."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

QUIET_PATHS = frozenset({"/live/", "/healthz"})


def _status(response: Any) -> int:
    status = getattr(response, "status_code", None) or getattr(response, "status", None) or 0
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    try:
        return int(status)
    except ValueError:
        return 0


class AccessLog(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if environ.get("PATH_INFO") in QUIET_PATHS and 0 < _status(resp) < 400:
            return
        super().access(resp, req, environ, request_time)
