"""BottleCRM is asked what Tandem is asked: for every Tandem scenario the adapter pairs, the same
records, the same page size and the same search text, and the requests are ones BottleCRM's API
takes. BottleCRM itself is not needed here (its requests are checked for shape)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from bench.peers import PeerNotAvailable
from bench.peers.bottlecrm import adapter
from bench.scenarios import Context, all_scenarios
from tandem.core.pagination import PAGE_SIZE as HTML_PAGE_SIZE

PEOPLE = [11, 12, 13]
ORGANIZATIONS = [3, 4]


def samples() -> dict[str, Any]:
    """What load.py records: Tandem's samples (bench/prepare.py) and BottleCRM's ids for them."""
    return {
        "people_count": 120, "organization_count": 9, "person_ids": PEOPLE, "organization_ids": ORGANIZATIONS,
        "biggest_organization_ids": [3], "tag": "partner",
        "surnames": ["Gil", "Bahrami"], "email_fragments": ["llang8"], "phone_fragments": ["221462", "278456"],
        "peer_person_ids": [f"p-{pk}" for pk in PEOPLE], "peer_organization_ids": [f"o-{pk}" for pk in ORGANIZATIONS],
        "peer_tag_id": "t-partner",
    }  # fmt: skip


def query(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


def tandem(name: str) -> list[str]:
    ctx = Context(samples(), session="s", token="t", run_id="r1")
    return [case.request.path for case in all_scenarios()[name].build(ctx)]


@pytest.fixture
def peer() -> dict[str, list[Any]]:
    return adapter.build_requests(samples(), run_id="r1")


def test_every_paired_scenario_is_one_of_tandems(peer: dict[str, list[Any]]) -> None:
    assert set(peer) <= set(all_scenarios())
    assert {"api_people_list", "people_search", "org_page", "api_person_detail", "api_person_create"} <= set(
        peer
    )


def test_lists_ask_for_tandems_page_size(peer: dict[str, list[Any]]) -> None:
    assert query(peer["api_people_list"][0].path) == {
        "limit": str(settings.TANDEM_API_DEFAULT_PAGE_SIZE),
        "offset": "0",
    }
    assert query(peer["people_list"][0].path) == {"limit": str(HTML_PAGE_SIZE), "offset": "0"}
    # The last page of 120 people at 25 a page starts at 100, on both sides.
    assert query(tandem("people_list_deep")[0])["page"] == "5"
    assert query(peer["people_list_deep"][0].path) == {"limit": "25", "offset": "100"}
    assert query(peer["people_list_tag"][0].path)["tags"] == "t-partner"


def test_search_sends_tandems_texts_in_its_order(peer: dict[str, list[Any]]) -> None:
    assert [query(r.path)["search"] for r in peer["people_search"]] == [
        query(p)["q"] for p in tandem("people_search")
    ]


def test_details_ask_for_the_same_records(peer: dict[str, list[Any]]) -> None:
    assert tandem("api_person_detail") == [f"/api/v1/people/{pk}" for pk in PEOPLE]
    assert [r.path for r in peer["api_person_detail"]] == [f"/api/contacts/p-{pk}/" for pk in PEOPLE]
    assert tandem("org_page") == [f"/organizations/{pk}/" for pk in ORGANIZATIONS]
    assert [r.path for r in peer["org_page"]] == [f"/api/accounts/o-{pk}/" for pk in ORGANIZATIONS]
    assert [r.method for r in peer["api_person_update"]] == ["PATCH"] * 2 * len(PEOPLE)


def test_create_sends_the_same_person(peer: dict[str, list[Any]]) -> None:
    ctx = Context(samples(), session="s", token="t", run_id="r1")
    theirs = [json.loads(c.request.body) for c in all_scenarios()["api_person_create"].build(ctx)]
    ours = [json.loads(r.body) for r in peer["api_person_create"]]
    assert len(ours) == len(theirs)
    for tandem_body, peer_body in zip(theirs, ours, strict=True):
        assert peer_body["last_name"] == tandem_body["last_name"]
        assert peer_body["phone"] == tandem_body["phones"][0]["number"]
        assert peer_body["account"] == f"o-{tandem_body['memberships'][0]['organization_id']}"
        assert peer_body["title"] == tandem_body["memberships"][0]["job_title"]
        assert peer_body["tags"] == ["t-partner"]
        # BottleCRM refuses a repeated e-mail and wrk replays the list: the peer sends none.
        assert "email" not in peer_body
    assert dict(peer["api_person_create"][0].headers)["Content-Type"] == "application/json"


def test_no_data_set_loaded_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOTTLECRM_VAR_DIR", str(tmp_path))
    with pytest.raises(PeerNotAvailable, match=r"load\.py --source"):
        adapter.target(["api_people_list"])
