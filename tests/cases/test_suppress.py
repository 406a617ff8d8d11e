"""Screening decisions remembered: a hit closed as a false positive is not raised again until the
list entry or the customer record changes. Screened for real, against a watchlist in the home."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from sever.cases.ingest import ingest_files, ingest_hits
from sever.cases.store import CaseStore
from sever.cases.suppress import drop_decided_hits
from sever.cases.workflow import decide, list_cases
from sever.cli import app
from sever.home import Home
from sever.lists import load_files
from tests.cases.conftest import ANALYST

PAK = {
    "id": "wl-pak",
    "schema": "Person",
    "properties": {"name": ["Pak Chol Su"], "birthDate": ["1961-03-04"], "programId": ["DPRK3"]},
}
PARTIES = "party_id,schema,name,birth_date,branch\nc1,Person,Pak Chol Su,1961-03-04,Seoul\n"


def load_watchlist(home: Home, tmp_path: Path, entry: dict) -> None:
    path = tmp_path / "mylist.jsonl"
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    load_files(home, [path], dataset="mylist")


def screen(home: Home, tmp_path: Path, name: str, parties: str = PARTIES) -> Path:
    source = tmp_path / f"{name}-parties.csv"
    source.write_text(parties, encoding="utf-8")
    out = tmp_path / f"{name}.csv"
    result = CliRunner().invoke(
        app,
        ["screen", str(source), "--scope", "mylist", "--out", str(out), "--workers", "1",
         "--home", str(home.root), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_false_positive_stays_closed_until_the_list_entry_changes(
    store: CaseStore, tmp_path: Path
) -> None:
    home = store.home
    load_watchlist(home, tmp_path, PAK)
    first = screen(home, tmp_path, "first")
    assert ingest_files(store, ANALYST, [first]).added == 1
    decide(store, ANALYST, 1, "closed_false_positive", "born in Busan, a different person")

    again = screen(home, tmp_path, "again")
    kept, dropped = drop_decided_hits(home, rows(again), store_url(store))
    assert (len(kept), len(dropped)) == (0, 1)
    assert ingest_files(store, ANALYST, [again]).added == 0

    changed = PAK | {"properties": PAK["properties"] | {"alias": ["Pak Chol-su"]}}
    load_watchlist(home, tmp_path, changed)  # the list update changes the entry
    after = screen(home, tmp_path, "after")
    kept, dropped = drop_decided_hits(home, rows(after), store_url(store))
    assert (len(kept), len(dropped)) == (1, 0)
    result = ingest_files(store, ANALYST, [after])
    assert (result.added, result.opened) == (1, [2])
    assert [c["state"] for c in list_cases(store)] == ["closed_false_positive", "new"]


def test_a_false_positive_comes_back_when_the_customer_record_changes(
    store: CaseStore, tmp_path: Path
) -> None:
    home = store.home
    load_watchlist(home, tmp_path, PAK)
    ingest_files(store, ANALYST, [screen(home, tmp_path, "first")])
    decide(store, ANALYST, 1, "closed_false_positive", "a different person")
    moved = PARTIES.replace("Seoul", "Busan")
    kept, _ = drop_decided_hits(home, rows(screen(home, tmp_path, "moved", moved)),
                                store_url(store))  # fmt: skip
    assert len(kept) == 1


def test_hits_screened_in_memory_go_to_cases_as_from_a_file(
    store: CaseStore, tmp_path: Path
) -> None:
    load_watchlist(store.home, tmp_path, PAK)
    hits = rows(screen(store.home, tmp_path, "first"))
    result = ingest_hits(store, ANALYST, hits, "sever screen")
    assert (result.added, result.opened) == (1, [1])
    assert ingest_files(store, ANALYST, [tmp_path / "first.csv"]).known == 1


def test_a_home_without_cases_suppresses_nothing_and_creates_no_database(home: Home) -> None:
    hits = [{"query_id": "c1", "entity_id": "e1", "score": 0.9, "decision": "match"}]
    assert drop_decided_hits(home, hits) == (hits, [])
    assert not (home.root / "cases.db").exists()


def store_url(store: CaseStore) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_sever_screen_leaves_out_a_closed_false_positive_and_says_so(
    home: Home, tmp_path: Path
) -> None:
    """End to end through the command: the home's own case store (SQLite by default) remembers
    the decision, and the next `sever screen` writes no hit for it and counts it as suppressed."""
    load_watchlist(home, tmp_path, PAK)
    store = CaseStore.open(home)
    try:
        assert ingest_files(store, ANALYST, [screen(home, tmp_path, "first")]).added == 1
        decide(store, ANALYST, 1, "closed_false_positive", "born in Busan, a different person")
    finally:
        store.close()
    source = tmp_path / "again-parties.csv"
    source.write_text(PARTIES, encoding="utf-8")
    out = tmp_path / "again.csv"
    result = CliRunner().invoke(
        app,
        ["screen", str(source), "--scope", "mylist", "--out", str(out), "--workers", "1",
         "--home", str(home.root), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert rows(out) == []
    assert json.loads(result.output)["summary"]["suppressed_false_positives"] == 1


def test_sever_screen_to_cases_opens_a_case_for_the_hit(home: Home, tmp_path: Path) -> None:
    load_watchlist(home, tmp_path, PAK)
    source = tmp_path / "parties.csv"
    source.write_text(PARTIES, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["screen", str(source), "--scope", "mylist", "--workers", "1", "--to-cases",
         "--home", str(home.root), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    store = CaseStore.open(home)
    try:
        cases = list_cases(store)
    finally:
        store.close()
    assert [(c["subject"]["id"], c["state"]) for c in cases] == [("c1", "new")]
