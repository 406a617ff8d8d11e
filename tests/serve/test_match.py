"""POST /match and GET /search answer as yente does: validated against its OpenAPI schemas."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sever.screen.index import ScreeningIndex
from sever.serve.routers.screen import INLINE_QUERIES


def _imo_and_wallet(index: ScreeningIndex) -> tuple[tuple[str, str], tuple[str, str]]:
    imo = wallet = None
    for entry in index.entries:
        if not entry.dprk:
            continue
        props = index.records[entry.id].data["properties"]
        if imo is None and entry.schema == "Vessel" and props.get("imoNumber"):
            imo = (entry.id, props["imoNumber"][0])
        if wallet is None and entry.schema == "CryptoWallet":
            evm = [v for v in props.get("publicKey", []) if v.startswith("0x")]
            if evm:
                wallet = (entry.id, evm[0])
    assert imo and wallet
    return imo, wallet


def test_match_answers_in_yentes_shape(client: TestClient, conforms: Any) -> None:
    body = {
        "queries": {
            "q1": {
                "schema": "Person",
                "properties": {"name": ["Kim Jong Un"], "nationality": "kp"},
            },
            "q2": {"schema": "Company", "properties": {"name": ["Wilhelmina Bakeries Ltd"]}},
        }
    }
    response = client.post("/match/default", json=body)
    assert response.status_code == 200, response.text
    payload = response.json()
    conforms(payload, "EntityMatchResponse")
    q1 = payload["responses"]["q1"]
    assert q1["status"] == 200 and q1["results"]
    top = q1["results"][0]
    assert top["match"] is True and top["score"] >= 0.7
    assert top["datasets"] and top["explanations"] and top["explanation"]
    assert q1["query"]["schema"] == "Person"
    assert not [r for r in payload["responses"]["q2"]["results"] if r["match"]]


def test_identifier_queries_hit_with_score_one(
    client: TestClient, bundled_index: ScreeningIndex, conforms: Any
) -> None:
    (vessel_id, imo), (wallet_id, address) = _imo_and_wallet(bundled_index)
    body = {
        "queries": {
            "imo": {"schema": "Vessel", "properties": {"imoNumber": [imo]}},
            "eth": {
                "schema": "CryptoWallet",
                "properties": {"publicKey": ["0x" + address[2:].upper()]},
            },
        }
    }
    payload = client.post("/match/dprk", json=body).json()
    conforms(payload, "EntityMatchResponse")
    assert payload["responses"]["imo"]["results"][0]["id"] == vessel_id
    assert payload["responses"]["imo"]["results"][0]["score"] == 1.0
    eth = payload["responses"]["eth"]["results"][0]
    assert (eth["id"], eth["score"]) == (wallet_id, 1.0)
    assert eth["holder"]


def test_every_dataset_can_be_matched(client: TestClient) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
    for dataset in ("default", "dprk", "us_ofac_sdn", "un_sc_sanctions"):
        response = client.post(f"/match/{dataset}", json=body)
        assert response.status_code == 200, (dataset, response.text)
        results = response.json()["responses"]["q"]["results"]
        if dataset not in ("default", "dprk"):
            assert all(r["datasets"] == [dataset] for r in results)


def test_search_answers_in_yentes_shape(client: TestClient, conforms: Any) -> None:
    response = client.get("/search/default", params={"q": "Korea Kwangson Banking", "limit": 3})
    assert response.status_code == 200, response.text
    payload = response.json()
    conforms(payload, "SearchResponse")
    assert payload["results"] and len(payload["results"]) <= 3
    assert "KWANGSON" in payload["results"][0]["caption"].upper()


def test_an_entity_comes_with_its_adjacent_entities(
    client: TestClient, bundled_index: ScreeningIndex, conforms: Any
) -> None:
    _, (wallet_id, _) = _imo_and_wallet(bundled_index)
    holder_id = bundled_index.records[wallet_id].data["properties"]["holder"][0]
    payload = client.get(f"/entities/{holder_id}").json()
    conforms(payload, "EntityResponse")
    wallets = payload["properties"]["cryptoWallets"]
    assert wallet_id in [w["id"] for w in wallets]
    assert payload["properties"]["sanctions"], "a listed party's sanction is nested"
    assert client.get("/entities/no-such-id").status_code == 404


def test_algorithms_and_health(client: TestClient, conforms: Any) -> None:
    algorithms = client.get("/algorithms").json()
    conforms(algorithms, "AlgorithmResponse")
    assert algorithms["default"] in [a["name"] for a in algorithms["algorithms"]]
    health = client.get("/healthz").json()
    conforms(health, "StatusResponse")


def test_every_endpoint_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/match/{dataset}",
        "/search/{dataset}",
        "/entities/{entity_id}",
        "/algorithms",
        "/healthz",
    ):
        assert path in spec["paths"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description"), f"{method.upper()} {path} has no description"


def test_a_large_batch_answers_each_query_as_it_is_answered_alone(client: TestClient) -> None:
    """Small requests are screened on the event loop, larger batches in a worker thread: the
    answers are the same either way."""
    names = ["Kim Jong Un", "Pak Chol Su", "Ri Song Chol", "Choe Ryong Hae", "Kim Yo Jong"]
    queries = {
        f"q{i}": {"schema": "Person", "properties": {"name": [n]}} for i, n in enumerate(names * 2)
    }
    assert len(queries) > INLINE_QUERIES
    batch = client.post("/match/default", json={"queries": queries})
    assert batch.status_code == 200, batch.text
    for name, query in queries.items():
        alone = client.post("/match/default", json={"queries": {name: query}})
        assert alone.json()["responses"][name] == batch.json()["responses"][name]
