"""Delta re-screening: only what changed between two snapshots can raise a hit."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from sever.errors import SeverError
from sever.home import Home
from sever.lists import load_files
from sever.screen.delta import screen_delta


def _customers(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(
            [
                ["party_id", "schema", "name", "birth_date"],
                ["c1", "Person", "Pak Chol Su", "1961-03-04"],
                ["c2", "Company", "Ryugyong Shipping Company", ""],
                ["c3", "Person", "Maria Elena Ruiz", "1975-06-01"],
            ]
        )
    return path


def test_only_added_or_changed_entities_raise_hits(
    watchlist_home: Home, tmp_path: Path, watchlist: list[dict], write_list: Any
) -> None:
    added = {"id": "wl-new", "schema": "Company", "properties": {"name": ["Ryugyong Shipping Co"]}}
    changed = watchlist
    changed[5] = {**changed[5], "properties": {**changed[5]["properties"], "alias": ["M. E. Ruiz"]}}
    load_files(
        watchlist_home,
        [write_list(tmp_path / "v2.jsonl", [*changed, added])],
        dataset="mylist",
    )
    result = screen_delta(watchlist_home, "mylist~1", "mylist", _customers(tmp_path))
    hits = {row["query_id"]: row for row in result.batch.rows}
    assert set(hits) == {"c2", "c3"}, "c1 hits Pak Chol Su, who did not change"
    assert hits["c2"]["change"] == "added"
    assert hits["c3"]["change"].startswith("changed: +alias")
    assert result.summary()["added"] == 1


def test_a_delta_needs_two_snapshots_of_one_list(watchlist_home: Home, tmp_path: Path) -> None:
    with pytest.raises(SeverError, match="same snapshot"):
        screen_delta(watchlist_home, "mylist", "mylist", _customers(tmp_path))
