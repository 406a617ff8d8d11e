"""The entity, trace and list-change views, in process: a node's neighbours, its path to a listed
party and the 50 % arithmetic; a trace run's freeze list and flow; a list update's diff."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sever.cases.ingest import ingest_hits
from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.home import Home
from sever.lists import load_files
from sever.network.graph import GraphSources, build_graph
from sever.serve.app import create_app
from tests.web.conftest import HIT, KIM, WebHome, make_home

REGISTRY = [
    # Two listed owners hold 30 % and 25 % of Sinpo Trading: 55 %, so it is blocked; Sinpo holds
    # 60 % of Dandong Star, blocked in turn; Harbour Lines is 40 % Sinpo's, not blocked.
    ("co-sinpo", "Sinpo Trading Ltd", [("p-komid", 0.30), ("p-kudb", 0.25), ("p-lee", 0.45)]),
    ("co-star", "Dandong Star Co", [("co-sinpo", 0.60), ("p-lee", 0.40)]),
    ("co-harbour", "Harbour Lines", [("co-sinpo", 0.40), ("p-lee", 0.60)]),
]
HITS = [("p-komid", "wl-komid"), ("p-kudb", "wl-kudb")]


def make_graph_home(root: Path) -> WebHome:
    """A web home whose network graph holds the registry above and two list links."""
    web = make_home(root / "home")
    build_registry_graph(web.home, root)
    return web


def build_registry_graph(home: Home, root: Path) -> None:
    """Build ``home``'s network graph from the registry above and its list links (files in
    ``root``)."""
    with (root / "registry.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["company_id", "name", "jurisdiction", "owners", "directors"])
        for company, name, owners in REGISTRY:
            stakes = [{"owner_id": owner, "share": share} for owner, share in owners]
            out.writerow([company, name, "HK", json.dumps(stakes), "[]"])
    (root / "hits.csv").write_text(
        "party_id,entity_id,score,match,explanation\n"
        + "".join(f"{p},{e},0.95,true,name and birth date\n" for p, e in HITS),
        encoding="utf-8",
    )
    build_graph(home, GraphSources({"registry": root / "registry.csv", "hits": root / "hits.csv"}))


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> WebHome:
    return make_graph_home(tmp_path_factory.mktemp("views"))


@pytest.fixture
def client(web: WebHome, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SEVER_API_KEYS", "")
    with TestClient(create_app(web.home), follow_redirects=False) as opened:
        opened.cookies.clear()
        form = opened.get("/ui/login")
        token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
        key = web.keys["viewer"]
        opened.post("/ui/login", data={"token": token, "key": key, "next": "/ui/inbox"})
        yield opened


def test_a_stranger_is_sent_to_log_in(web: WebHome, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEVER_API_KEYS", "")
    with TestClient(create_app(web.home), follow_redirects=False) as stranger:
        for path in ("/ui/entity?node=co-sinpo", "/ui/entity/neighbours?node=co-sinpo"):
            assert stranger.get(path).status_code == 303, path


def test_the_start_page_lists_the_parties_linked_to_a_list(client: TestClient) -> None:
    page = client.get("/ui/entity").text
    assert "/ui/entity?node=p-komid" in page and "/ui/entity?node=p-kudb" in page


def test_a_blocked_company_shows_its_arithmetic_and_its_path_to_the_list(
    client: TestClient,
) -> None:
    page = client.get("/ui/entity?node=co-star")
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", " ", page.text)
    assert "Dandong Star Co is blocked" in text
    assert "Sinpo Trading Ltd 60 % = 60 % ≥ 50 %" in text
    # the chain walks back to the listed owners: Sinpo's own sum first
    assert "30 % + " in text and "= 55 % ≥ 50 %" in text
    assert "wl-komid" in text or "wl-kudb" in text  # the path ends at a list entry
    assert 'href="/ui/entity?node=co-sinpo"' in page.text  # a neighbour is a link


def test_a_company_under_the_threshold_says_so(client: TestClient) -> None:
    text = client.get("/ui/entity?node=co-harbour").text
    assert "Harbour Lines is not blocked" in text and "40 % &lt; 50 %" in text


def test_the_json_twin_gives_neighbours_strongest_first(client: TestClient) -> None:
    data = client.get("/ui/entity/neighbours?node=co-sinpo").json()
    kinds = {(e["dst"], e["kind"]) for e in data["edges"]}
    assert {("p-komid", "ownership"), ("co-star", "ownership")} <= kinds
    shares = {e["dst"]: e["text"] for e in data["edges"]}
    assert shares["p-komid"] == "30%"
    assert client.get("/ui/entity/neighbours?node=nobody").status_code == 404


FREEZE = {
    "requests": [
        {
            "service": "Exchange A",
            "category": "exchange",
            "traced_usd": 125000.0,
            "addresses": [
                {
                    "address": "0xdeposit01",
                    "asset": "ETH",
                    "traced_value": 50.0,
                    "traced_usd": 125000.0,
                    "share": 0.25,
                    "first_arrival": "2025-02-22T10:00:00+00:00",
                    "last_arrival": "2025-02-23T08:30:00+00:00",
                    "transfers": [{"tx_hash": "0xabc", "value": 50.0, "traced_value": 50.0}],
                }
            ],
        }
    ]
}


def test_the_trace_view_shows_a_runs_freeze_list_and_flow(client: TestClient, web: WebHome) -> None:
    run = web.home.root / "trace" / "bybit"
    run.mkdir(parents=True, exist_ok=True)
    (run / "freeze.json").write_text(json.dumps(FREEZE), encoding="utf-8")
    (run / "flow.html").write_text("<html><body><svg></svg>flow</body></html>", encoding="utf-8")
    page = client.get("/ui/trace")
    assert page.status_code == 200
    assert "0xdeposit01" in page.text and "Exchange A" in page.text and "125,000" in page.text
    assert 'src="/ui/trace/flow?run=trace/bybit"' in page.text.replace("%2F", "/")
    flow = client.get("/ui/trace/flow?run=trace/bybit")
    assert flow.status_code == 200 and "<svg" in flow.text
    assert "default-src 'none'" in flow.headers["content-security-policy"]
    for name in ("../etc", "trace/../../x", "nope"):
        assert client.get(f"/ui/trace/flow?run={name}").status_code == 404, name


def test_the_list_changes_show_the_diff_and_the_rescreening_it_caused(
    client: TestClient, web: WebHome, tmp_path: Path
) -> None:
    newcomer = {
        "id": "wl-pak-il",
        "schema": "Person",
        "properties": {"name": ["PAK IL"], "programId": ["DPRK3"]},
    }
    changed = {**KIM, "properties": {**KIM["properties"], "alias": ["KIM CHOL-SU"]}}
    update = tmp_path / "watchlist-v2.jsonl"
    update.write_text(json.dumps(changed) + "\n" + json.dumps(newcomer) + "\n", encoding="utf-8")
    load_files(web.home, [update], dataset="watchlist")
    store = CaseStore.open(web.home)
    try:
        hit = {**HIT, "query_id": "cust-88", "query_name": "Pak Il", "entity_id": "wl-pak-il",
               "caption": "PAK IL"}  # fmt: skip
        ingest_hits(store, Actor("ada", "admin"), [hit], "delta-hits.csv")
    finally:
        store.close()
    assert 'href="/ui/lists/changes"' in client.get("/ui/lists").text
    overview = client.get("/ui/lists/changes").text
    assert 'href="/ui/lists/changes?dataset=watchlist"' in overview
    page = client.get("/ui/lists/changes?dataset=watchlist").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "1 added, 1 changed, 0 removed" in text
    assert "PAK IL" in text and "+alias: KIM CHOL-SU" in text
    caused = page.split('id="caused"')[1]
    assert "sanctioned_alias" in caused or "/ui/findings/" in caused
    assert client.get("/ui/lists/changes?dataset=nope").status_code == 404
