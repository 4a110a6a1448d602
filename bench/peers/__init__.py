"""Peers: another CRM measured in the same run as Tandem, scenario by scenario (`--peer NAME`).

A peer is a package `bench/peers/<name>/` that knows how to reach an already running instance of
that CRM, loaded with comparable data. It exposes one function:

    def target(scenarios: Sequence[str]) -> PeerTarget

`scenarios` are the Tandem scenario names of this run (see bench/scenarios/, e.g. "people_list",
"people_search", "api_person_detail", "api_person_create"). The peer answers where it listens
(`base_url`, loopback only), the headers that authenticate every request (`headers`, e.g. a bearer
token) and, for each of those scenarios it has an equivalent of, the requests that exercise it
(cycled by wrk like Tandem's own). Scenarios without an equivalent are left out.

The runner measures each pair at the same concurrencies and durations as Tandem's and reports the
two side by side, with the ratio of their median latencies."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from bench.loadgen import Request

__all__ = ["PeerNotAvailable", "PeerTarget", "Request", "load"]


@dataclass(frozen=True)
class PeerTarget:
    name: str
    base_url: str
    headers: Mapping[str, str]
    scenarios: Sequence[tuple[str, Sequence[Request]]]
    versions: Mapping[str, str] = field(default_factory=dict)  # e.g. {"django-crm": "1.35.0"}

    def requests(self, scenario: str) -> list[Request]:
        """The scenario's requests with the peer's headers added (a request's own headers win)."""
        for name, requests in self.scenarios:
            if name == scenario:
                return [_with_headers(r, self.headers) for r in requests]
        return []


def _with_headers(request: Request, headers: Mapping[str, str]) -> Request:
    own = {name.lower() for name, _ in request.headers}
    added = tuple((k, v) for k, v in headers.items() if k.lower() not in own)
    return replace(request, headers=added + request.headers)


class PeerNotAvailable(RuntimeError):
    pass


type PeerFunction = Callable[[Sequence[str]], PeerTarget]


def load(name: str) -> PeerFunction:
    """The `target` function of bench/peers/<name>/, or PeerNotAvailable saying what is missing."""
    if not name.isidentifier():
        raise PeerNotAvailable(f"{name!r} is not a peer name")
    module_name = f"{__name__}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise PeerNotAvailable(
            f"The peer {name!r} is not available yet: bench/peers/{name}/ does not exist in this checkout."
        ) from None
    target = getattr(module, "target", None)
    if not callable(target):
        raise PeerNotAvailable(
            f"The peer {name!r} is not available yet: bench/peers/{name}/ has no target()."
        )
    return target


def check_loopback(target: PeerTarget) -> None:
    host = urlsplit(target.base_url).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise PeerNotAvailable(f"peers are measured on this machine only, not at {target.base_url}")
