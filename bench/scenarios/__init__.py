"""The scenario registry. A scenario is a name, the requests that exercise it (cycled by wrk) and, for
a read, its floor: the SQL a hand-written endpoint would run for the same rows (bench/floor.py).

Adding one is a few lines in a module of this package (listed in MODULES):

    def board_floor(db: Database, params: Mapping[str, Any]) -> Any:
        '''Board header, its columns, the first cards of each.'''
        return {"board": db.rows("SELECT ... WHERE id = %s", [params["board_id"]]), ...}

    @scenario("board_page", "Board page (HTML)", floor=board_floor)
    def board_page(ctx: Context) -> list[Case]:
        return [Case(ctx.html(f"/boards/{pk}/"), {"board_id": pk}) for pk in ctx.samples["board_ids"]]

and, when it needs samples from the data set, a few lines in bench/prepare.py."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bench.floor import FloorFunction
from bench.loadgen import Request

# Modules that register scenarios, in the order they run. Reads first: the writes change the data.
MODULES = [
    "bench.scenarios.contacts",
    "bench.scenarios.work",
    "bench.scenarios.sales",
    "bench.scenarios.activity",
    "bench.scenarios.agenda",
]


@dataclass(frozen=True)
class Context:
    """What scenarios build their requests from: samples of the data set (bench/prepare.py) and the
    bench user's session cookie (HTML pages) and API token; the feed user's too (the feeds)."""

    samples: Mapping[str, Any]
    session: str
    token: str
    run_id: str
    feed_session: str = ""
    feed_token: str = ""

    def as_feed_user(self) -> Context:
        """The same, signed in as the feed user (bench/prepare.py)."""
        if not self.feed_session or not self.feed_token:
            raise ValueError("the data set has no generated user who watches items")
        return replace(self, session=self.feed_session, token=self.feed_token)

    def htmx(self, path: str) -> Request:
        """What htmx asks for: the fragment alone ("Load more")."""
        return Request.make(
            "GET",
            path,
            {"Cookie": f"sessionid={self.session}", "Accept": "text/html", "HX-Request": "true"},
        )

    def html(self, path: str) -> Request:
        return Request.make("GET", path, {"Cookie": f"sessionid={self.session}", "Accept": "text/html"})

    def api(
        self, method: str, path: str, body: Any = None, headers: Mapping[str, str] | None = None
    ) -> Request:
        all_headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        return Request.make(method, path, all_headers, "" if body is None else json.dumps(body))


@dataclass(frozen=True)
class Case:
    """One request of a scenario and the parameters its floor needs for the same rows."""

    request: Request
    floor_params: Mapping[str, Any] = field(default_factory=dict)


type CaseBuilder = Callable[[Context], list[Case]]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    build: CaseBuilder
    floor: FloorFunction | None = None
    writes: bool = False


REGISTRY: dict[str, Scenario] = {}


def scenario(
    name: str, title: str, *, floor: FloorFunction | None = None, writes: bool = False
) -> Callable[[CaseBuilder], CaseBuilder]:
    def register(build: CaseBuilder) -> CaseBuilder:
        if name in REGISTRY:
            raise ValueError(f"two scenarios are called {name!r}")
        REGISTRY[name] = Scenario(name, title, build, floor, writes)
        return build

    return register


def all_scenarios() -> dict[str, Scenario]:
    for module in MODULES:
        importlib.import_module(module)
    # Reads first, then writes; within each, in MODULES order (whichever module another import
    # loaded first), and in each module in the order it registers them.
    registered = list(REGISTRY)

    def order(item: tuple[str, Scenario]) -> tuple[bool, int, int]:
        name, found = item
        return (found.writes, MODULES.index(found.build.__module__), registered.index(name))

    return dict(sorted(REGISTRY.items(), key=order))
