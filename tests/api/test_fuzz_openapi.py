"""Schemathesis over the whole OpenAPI document (`/api/v1/openapi.json`): every operation the
document lists — so an endpoint added later is fuzzed without a line here — with the examples,
coverage (boundary and invalid values) and fuzzing phases, then the stateful phase (sequences of
calls that feed one answer's ids into the next call). It runs as an admin with a personal API
token, in-process through Django's WSGI handler inside the test's transaction, against a small
world made by the services (boards, items, comments, files, a pipeline with deals and a lead,
customers, a mail address with received mail), and fails on any server error and on any answer
whose status code, content type or JSON body the document does not give for the operation.

The run is deterministic and bounded for CI: a fixed seed, `derandomize`, no example database,
`MAX_EXAMPLES` generated cases per operation in the fuzzing phase and `STATEFUL_EXAMPLES`
scenarios of at most `STATEFUL_STEPS` calls. docs/architecture.md ("Fuzzing the API") has the
numbers and the time it takes."""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tandem.accounts.models import User
from tandem.agenda import services as agenda
from tandem.contacts import services as contacts
from tandem.mailgate import services as mailgate
from tandem.sales import services as sales
from tandem.work import services as work
from tests.conftest import bearer

SEED = 20261207
# Fixed for CI; raise them locally to fuzz harder (TANDEM_FUZZ_EXAMPLES=200 .venv/bin/pytest …).
MAX_EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "20"))
STATEFUL_EXAMPLES = int(os.environ.get("TANDEM_FUZZ_SCENARIOS", "100"))
STATEFUL_STEPS = 8

# No 5xx; every status, content type and JSON body is the one the document gives the operation.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)


CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": STATEFUL_STEPS},
        },
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "database": "none",
            "deterministic": True,
            "dictionaries": {
                "integer": {"dictionary": "edges", "probability": 0.25},
                "string": {"dictionary": "odd-text", "probability": 0.1},
            },
        },
        # Values that broke Tandem or its database drivers once: whatever the schema allows, these
        # are tried often (numbers past 64 bits, digits int() refuses, NUL, a boundary-less type).
        "dictionaries": {
            "edges": {"values": [2**63 - 1, 2**63, -(2**63) - 1, 1756669429188438964305920, 0, -1]},
            "odd-text": {
                "values": ["²", "١٢", "9" * 30, "\x00", "#²", "multipart/form-data", "=1+1", "a" * 300]
            },
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


# --- The world the calls act on ------------------------------------------------------------


@dataclass
class World:
    """Ids of real records, by the collection a path or query parameter names."""

    token: str
    ids: dict[str, list[int]] = field(default_factory=dict)

    def pool(self) -> list[int]:
        return sorted({pk for pks in self.ids.values() for pk in pks})


_world: World | None = None
operations: set[str] = set()
cases: Counter[str] = Counter()


@pytest.fixture
def world(
    admin_user: User, manager: User, member: User, api_token_for: Callable[[User], str]
) -> Iterator[World]:
    global _world
    # Like Django's test client, keep the connection open between requests: they run inside the
    # test's transaction (Django's WSGI handler would close it after each request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    acme = contacts.create_organization(by=member, data={"name": "Acme Corp", "website": "acme.test"})
    globex = contacts.create_organization(by=member, data={"name": "Globex"})
    ada = contacts.create_person(
        by=member,
        data={"first_name": "Ada", "last_name": "Lovelace", "emails": [{"email": "ada@acme.test"}],
              "memberships": [{"organization": acme, "job_title": "CTO"}]},
    )  # fmt: skip
    grace = contacts.create_person(by=member, data={"first_name": "Grace", "last_name": "Hopper"})

    board = work.create_board(by=manager, data={"name": "Support"})
    urgent = work.create_label(by=manager, board=board, data={"name": "urgent"})
    first = work.create_item(
        by=member, board=board, data={"title": "Printer on fire", "labels": [urgent], "people": [ada]}
    )
    second = work.create_item(by=member, board=board, data={"title": "Toner low", "organizations": [acme]})
    link = work.link_items(first, second, kind="relates_to", by=member)
    comment = work.add_comment(first, by=member, body="On it, @admin")
    stored = work.attach_files(first, by=member, files=[work.NewFile("notes.txt", b"hello", "text/plain")])

    finance = work.create_board_with_stages(
        by=manager,
        data={"name": "Finance", "default_type": "finance"},
        stages=["to invoice"],
        scope="finance",
    )
    pipeline = sales.create_pipeline(
        by=manager, name="New business", finance_board=finance,
        stages=[{"name": "Lead", "probability": 10}, {"name": "Proposal", "probability": 60}],
    )  # fmt: skip
    deal = sales.create_deal(
        by=member, pipeline=pipeline, title="Acme renewal", data={"organization": acme, "value": "1200"},
        contacts=[(ada, "champion"), (grace, "")],
    )  # fmt: skip
    lead = sales.create_lead(by=member, data={"name": "Initech", "email": "peter@initech.test"})

    address = mailgate.create_address(by=admin_user, board=board, data={"address": "support@tandem.test"})
    raw = (
        b"From: Vera Vendor <vera@vendor.example>\r\nTo: support@tandem.test\r\nSubject: Help\r\n"
        b"Message-ID: <1@vendor.example>\r\n\r\nThe printer is on fire.\r\n"
    )
    mailgate.deliver(raw, sender="vera@vendor.example", recipients=["support@tandem.test"], via="smtp")
    mailgate.process_waiting()

    own = agenda.create_calendar(
        by=member, kind="personal", data={"name": "Bob's", "time_zone": "Europe/Berlin"}
    )
    room = agenda.create_calendar(by=manager, kind="resource", data={"name": "Room Everest", "capacity": 8})
    start = datetime(2026, 5, 4, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    series = agenda.create_event(
        by=member, calendar=own,
        data={"title": "Stand-up", "start": start, "end": start + timedelta(minutes=15), "rrule": "FREQ=DAILY;COUNT=10",
              "attendees": [manager], "resources": [room], "reminders": [10], "items": [first], "organizations": [acme]},
    )  # fmt: skip
    single = agenda.create_event(
        by=member,
        calendar=own,
        data={"title": "Review", "start": start + timedelta(hours=3), "people": [ada]},
    )

    token = api_token_for(admin_user)
    stages = list(pipeline.stages.values_list("pk", flat=True))
    items = [first.pk, second.pk, deal.pk]
    _world = World(
        token=token,
        ids={
            "organizations": [acme.pk, globex.pk],
            "people": [ada.pk, grace.pk],
            "contacts": [ada.pk, grace.pk],
            "users": [admin_user.pk, manager.pk, member.pk],
            "boards": [board.pk, finance.pk, pipeline.board_id],
            "columns": list(board.columns.values_list("pk", flat=True)),
            "labels": [urgent.pk],
            "items": items,
            "links": [link.pk],
            "comments": [comment.pk],
            "files": [f.pk for f in stored],
            "pipelines": [pipeline.pk],
            "stages": stages,
            "deals": [deal.pk],
            "leads": [lead.pk],
            "addresses": [address.pk],
            "calendars": [own.pk, room.pk],
            "resources": [room.pk],
            "events": [series.pk, single.pk],
        },
    )
    yield _world
    _world = None
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _ids_for(path: str, name: str) -> list[int]:
    """Real ids for the parameter `name` of `path`: `/items/{id}/comments/{comment_id}` takes
    comment ids for `comment_id` and item ids for `id`."""
    assert _world is not None
    if name != "id":
        collection = name.removesuffix("_id") + "s"
        if collection in _world.ids:
            return _world.ids[collection]
    segments = path.split("/")
    if "{" + name + "}" in segments:
        before = segments[segments.index("{" + name + "}") - 1]
        if before in _world.ids:
            return _world.ids[before]
    return _world.pool()


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Most of the time, ask about a record that exists, so the calls reach past the 404."""
    if _world is None or not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path
    choices = {
        name: st.sampled_from(_ids_for(path, name)) | st.just(value)
        if isinstance(value, int) and not isinstance(value, bool)
        else st.just(value)
        for name, value in path_parameters.items()
    }
    return st.fixed_dictionaries(choices)


# Body fields that name a record of another collection than their name says.
BODY_FIELDS = {"person": "people", "parent": "items", "target": "items", "assignee": "users",
               "owner": "users", "finance_board": "boards", "organization": "organizations"}  # fmt: skip


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    """Ids in a JSON body (`board`, `duplicate_id`, `person`…) name real records half the time."""
    if _world is None or not isinstance(body, dict):
        return st.just(body)
    own = context.operation.path.split("/")[3]  # /api/v1/<collection>/…: what `duplicate_id` names
    choices = {}
    for name, value in body.items():
        stem = name.removesuffix("_id")
        collection = own if stem == "duplicate" else BODY_FIELDS.get(stem, stem + "s")
        if isinstance(value, int) and not isinstance(value, bool) and collection in _world.ids:
            choices[name] = st.sampled_from(_world.ids[collection]) | st.just(value)
        else:
            choices[name] = st.just(value)
    return st.fixed_dictionaries(choices)


@schema.hook
def map_headers(context: Any, headers: dict[str, Any] | None) -> dict[str, Any]:
    assert _world is not None
    return {**(headers or {}), **bearer(_world.token)}


# --- The runs -------------------------------------------------------------------------------


@contextmanager
def each_case_on_the_same_world() -> Iterator[None]:
    """Every case starts from the same data, so a case (or scenario) and its replay while
    Hypothesis shrinks a failure see the same answers, and a failure is reproducible."""
    savepoint = transaction.savepoint_create()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


@schema.parametrize()
@SETTINGS
def test_no_operation_answers_with_a_server_error(case: Any, world: World) -> None:
    operations.add(f"{case.operation.method.upper()} {case.operation.path}")
    cases[case.meta.phase.name.value if case.meta else "other"] += 1
    with each_case_on_the_same_world():
        case.call_and_validate(checks=CHECKS)


StatefulMachine = schema.as_state_machine()


def test_no_sequence_of_calls_answers_with_a_server_error(world: World) -> None:
    class Machine(StatefulMachine):  # type: ignore[misc,valid-type]
        def setup(self) -> None:
            self.savepoint = transaction.savepoint_create()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": bearer(world.token)}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            cases["stateful"] += 1
            operations.add(f"{case.operation.method.upper()} {case.operation.path}")
            case.validate_response(response, checks=CHECKS, headers=bearer(world.token))

    random.seed(SEED)
    Machine.run(
        settings=hypothesis.settings(
            SETTINGS, max_examples=STATEFUL_EXAMPLES, stateful_step_count=STATEFUL_STEPS
        )
    )


@pytest.fixture(scope="module", autouse=True)
def fuzz_summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """How much was run, for the record (docs/architecture.md quotes it)."""
    started = time.monotonic()
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and cases:
        phases = ", ".join(f"{phase} {count}" for phase, count in sorted(cases.items()))
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {len(operations)} operations, {sum(cases.values())} calls ({phases}) "
                f"in {time.monotonic() - started:.0f} s"
            )
