"""BottleCRM as a peer of Tandem's benchmark (`bench/run.py --peer bottlecrm`): where it answers,
how to authenticate, and for each Tandem scenario it has an equivalent of, the requests to send.

Before a run (once; then `load.py` again whenever the data set changes):

    .venv/bin/python bench/peers/bottlecrm/setup.py                       # venv, database, migrations
    .venv/bin/python bench/peers/bottlecrm/load.py --source DATABASE_URL  # Tandem's data set, same samples
    .venv/bin/python bench/peers/bottlecrm/serve.py start --workers N     # optional, see below

DATABASE_URL names a Tandem database holding the data set the run uses (for example a scratch
`tandem generate --scale S`, which is deterministic). `target()` uses the server `serve.py start`
left running, or starts one itself with BOTTLECRM_WORKERS (default: the runner's default, two per
core) and stops it when the run ends. Give both CRMs the same number of workers.

Like with like. The load reads the samples Tandem's scenarios draw (bench/prepare.py with the
runner's default seed), so BottleCRM is asked for the same people, organizations, tag and search
text, at the same page size. Each Tandem scenario and its BottleCRM request:
  api_people_list    GET /api/v1/people (50)           GET /api/contacts/?limit=50&offset=0
                     BottleCRM's own default page is 10; asked for Tandem's 50 here.
  api_org_list       GET /api/v1/organizations (50)    GET /api/accounts/?limit=50&offset=0
  api_person_detail  GET /api/v1/people/<id>           GET /api/contacts/<uuid>/
  api_person_create  POST /api/v1/people (201)         POST /api/contacts/ (answers 200)
                     The same person: name, phone, employer, job title, tag. No e-mail on the
                     BottleCRM side: it refuses a second contact with an e-mail it has (400), and
                     wrk replays the same bodies at every concurrency; Tandem's bodies send
                     allow_duplicate, so neither side runs its duplicate check.
  api_person_update  PATCH /api/v1/people/<id> notes   PATCH /api/contacts/<uuid>/ description
  people_list        /people/ page 1 (HTML, 25)        GET /api/contacts/?limit=25&offset=0
  people_list_deep   /people/ last page (HTML)         the same offset, 25 a page
  people_list_tag    /people/?tag=T (HTML)             GET /api/contacts/?tags=<uuid>&limit=25&offset=0
  people_search      /people/?q=F (HTML)               GET /api/contacts/?search=F&limit=25&offset=0
  org_page           /organizations/<id>/ (HTML)       GET /api/accounts/<uuid>/
The HTML rows compare a server-rendered page with the JSON API call BottleCRM's single-page app
makes for the same screen (it has no server-rendered pages). BottleCRM's lists order newest first
and include inactive (archived) contacts; Tandem's order by name and leave archived people out.
BottleCRM's search matches first/last name, e-mail and the phone as typed; Tandem's also matches
phone digits, so the digit fragments find people in Tandem only. BottleCRM's token is an org
ADMIN's: only an admin sees every contact there, as every Tandem member sees every customer.

Later, with Tandem's deals and leads (mapping.opportunity_fields, export.deal_rows):
`planned_requests` builds BottleCRM's side of opportunities by stage, opportunity detail and
create lead (POST /api/leads/, answers 200).
"""

from __future__ import annotations

import http.client
import itertools
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.peers import PeerNotAvailable, PeerTarget, Request
from bench.peers.bottlecrm import config
from bench.scenarios.contacts import API_PAGE_SIZE, HTML_PAGE_SIZE, WRITE_CYCLE, deep_page

NAME = "BottleCRM"
JSON = {"Content-Type": "application/json"}


def _get(path: str, **params: Any) -> Request:
    return Request.make("GET", f"{path}?{urlencode(params)}" if params else path)


def _send(method: str, path: str, body: Mapping[str, Any]) -> Request:
    return Request.make(method, path, JSON, json.dumps(body))


def search_texts(samples: Mapping[str, Any]) -> list[str]:
    """The texts Tandem's people_search sends, in its order: surnames, e-mail and phone fragments
    interleaved."""
    trios = itertools.zip_longest(samples["surnames"], samples["email_fragments"], samples["phone_fragments"])
    return [text for trio in trios for text in trio if text]


def build_requests(samples: Mapping[str, Any], run_id: str) -> dict[str, list[Request]]:
    """BottleCRM's requests per Tandem scenario name, from the load's samples (load_info.json's
    "samples"). Without the peer's auth headers: PeerTarget adds those."""
    people: list[str] = samples["peer_person_ids"]
    organizations: list[str] = samples["peer_organization_ids"]
    tag: str | None = samples["peer_tag_id"]
    deep_offset = (deep_page(int(samples["people_count"])) - 1) * HTML_PAGE_SIZE
    page = {"limit": HTML_PAGE_SIZE, "offset": 0}
    requests: dict[str, list[Request]] = {
        "people_list": [_get("/api/contacts/", **page)],
        "people_list_deep": [_get("/api/contacts/", limit=HTML_PAGE_SIZE, offset=deep_offset)],
        "people_search": [_get("/api/contacts/", search=text, **page) for text in search_texts(samples)],
        "api_people_list": [_get("/api/contacts/", limit=API_PAGE_SIZE, offset=0)],
        "api_org_list": [_get("/api/accounts/", limit=API_PAGE_SIZE, offset=0)],
    }
    if tag:
        requests["people_list_tag"] = [_get("/api/contacts/", tags=tag, **page)]
    if organizations:
        requests["org_page"] = [_get(f"/api/accounts/{pk}/") for pk in organizations]
        requests["api_person_create"] = [
            _send("POST", "/api/contacts/", {
                "first_name": "Bench",
                "last_name": f"Person {run_id}-{i}",
                "phone": f"+1 202 555 {100 + i % 100:04d}",
                "account": organizations[i % len(organizations)],
                "title": "Buyer",
                "tags": [tag] if tag else [],
            })
            for i in range(WRITE_CYCLE)
        ]  # fmt: skip
    if people:
        requests["api_person_detail"] = [_get(f"/api/contacts/{pk}/") for pk in people]
        requests["api_person_update"] = [
            _send("PATCH", f"/api/contacts/{pk}/", {"description": f"Benchmark note {run_id} ({variant})"})
            for variant in ("a", "b")
            for pk in people
        ]
    return requests


def planned_requests(
    info: Mapping[str, Any], run_id: str, *, count: int = WRITE_CYCLE
) -> dict[str, list[Request]]:
    """BottleCRM's side of the scenarios that wait for Tandem's deals and leads."""
    stages = ["PROSPECTING", "QUALIFICATION", "PROPOSAL", "NEGOTIATION", "CLOSED_WON", "CLOSED_LOST"]
    page = {"limit": API_PAGE_SIZE, "offset": 0}
    return {
        "opportunities_by_stage": [_get("/api/opportunities/", stage=stage, **page) for stage in stages],
        "opportunity_detail": [_get(f"/api/opportunities/{pk}/") for _tandem_id, pk in info.get("opportunities", [])],
        "create_lead": [
            _send("POST", "/api/leads/", {
                "title": f"Bench lead {run_id}-{n}", "first_name": "Bench", "last_name": f"Lead {run_id}-{n}",
                "email": f"lead.{run_id}.{n}@bench.example", "status": "assigned",
            })
            for n in range(count)
        ],
    }  # fmt: skip


def auth_headers(token: str) -> dict[str, str]:
    # The org comes from the token's signed org_id claim: BottleCRM needs no org header.
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def load_info() -> dict[str, Any]:
    path = config.paths().load_info
    if not path.exists():
        raise PeerNotAvailable(
            "BottleCRM holds no data set yet: run bench/peers/bottlecrm/setup.py, then "
            "bench/peers/bottlecrm/load.py --source <Tandem's DATABASE_URL>."
        )
    info: dict[str, Any] = json.loads(path.read_text())
    return info


def target(scenarios: Sequence[str]) -> PeerTarget:
    """The peer for the runner: the loaded data set, a running server (started here if none is)
    and a fresh token (valid one hour) for BottleCRM's admin."""
    from bench.peers.bottlecrm import serve

    info = load_info()
    try:
        base_url = serve.ensure_running()
        token = serve.mint_token()
    except config.PeerError as exc:
        raise PeerNotAvailable(str(exc)) from None
    requests = build_requests(info["samples"], uuid.uuid4().hex[:8])
    return PeerTarget(
        name=NAME,
        base_url=base_url,
        headers=auth_headers(token["access"]),
        scenarios=[(name, requests[name]) for name in scenarios if name in requests],
        versions={config.PACKAGE: config.VERSION, "django": str(token.get("django", ""))},
    )


def probe(peer: PeerTarget) -> list[dict[str, Any]]:
    """Send the first request of every scenario once: status, size and time, to check the wiring.
    (api_person_create creates one contact and api_person_update edits one, as any probe does.)"""
    parts = urlsplit(peer.base_url)
    results = []
    for name, _requests in peer.scenarios:
        request = peer.requests(name)[0]
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        started = time.perf_counter()
        try:
            conn.request(
                request.method, request.path, body=request.body or None, headers=dict(request.headers)
            )
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        results.append({
            "scenario": name, "method": request.method, "path": request.path, "status": response.status,
            "bytes": len(body), "ms": round((time.perf_counter() - started) * 1000, 1),
        })  # fmt: skip
    return results
