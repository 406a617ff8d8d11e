"""Identical runs give identical alerts, byte for byte: no evidence depends on engine row order."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sever.alerts import write_findings
from sever.monitor import run_pack
from sever.monitor.pack import RULES
from sever.monitor.run import _episodes
from sever.tables import connect

if TYPE_CHECKING:
    from conftest import Ledger


def screened_rows(order: list[int]) -> list:
    """Three hits on one counterparty with the same payments: the engine may return them in any
    order, with the payments collected in any order."""
    rule = RULES["screened_counterparty"]
    rows = [
        {
            "focus": "ACC-1",
            "accounts": np.array(["ACC-1", "ACC-LISTED"]),
            "tx_ids": np.array(["T2", "T1"] if entity != "ofac-2" else ["T1", "T2"]),
            "payments": 2,
            "hit_score": 0.95,
            "total": 5000.0,
            "entity_id": entity,
            "listed_party": "P-LISTED",
            "hit": "same name",
        }
        for entity in ("ofac-3", "ofac-1", "ofac-2")
    ]
    return [(rule, rows[i]) for i in order]


def test_the_lead_of_an_episode_does_not_depend_on_row_order() -> None:
    """The reported case: the same screened_counterparty alert cited a different list entry."""
    leads = {
        _episodes(screened_rows(order))[0].lead["entity_id"]
        for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0])
    }
    assert leads == {"ofac-1"}


def tied_world(book: Ledger, folder: Path) -> dict[str, Path]:
    """A fan-out, and payments with a party that screening matched to three entries equally."""
    for i in range(10):
        book.pay("HUB", f"HUB-M{i}", 3_000, 5 + i)
    for i in range(3):
        book.pay("BG001", "LISTED", 700 + i, 30 + i)
    hits = pd.DataFrame(
        {
            "party_id": ["P-LISTED"] * 3 + ["P-HUB"],
            "entity_id": ["ofac-9", "un-4", "ofac-1", "ofac-7"],
            "score": [0.93, 0.93, 0.93, 0.91],
            "match": [True, True, True, True],
            "explanation": ["alias", "name", "alias", "name"],
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"hits": folder / "hits.parquet"}
    hits.to_parquet(paths["hits"])
    for name, frame in book.frames().items():
        paths[name] = folder / f"{name}.parquet"
        frame.to_parquet(paths[name])
    return paths


def test_identical_runs_write_identical_alert_files(ledger: Ledger, tmp_path: Path) -> None:
    """The pack run three times, on one and on two DuckDB threads: the same bytes every time."""
    paths = tied_world(ledger, tmp_path / "world")
    written: list[tuple[bytes, bytes]] = []
    for run, threads in enumerate((1, 2, 2)):
        engine = connect("duckdb", threads=threads)
        result = run_pack(
            paths["transactions"],
            accounts=paths["accounts"],
            parties=paths["parties"],
            hits=paths["hits"],
            engine=engine,
        )
        engine.close()
        assert {"fan_out", "screened_counterparty"} <= {a.rule_id for a in result.alerts}
        jsonl = write_findings(result.alerts, tmp_path / f"alerts-{run}.jsonl")
        csv = write_findings(result.alerts, tmp_path / f"alerts-{run}.csv")
        written.append((jsonl.read_bytes(), csv.read_bytes()))
    assert written[1] == written[0]
    assert written[2] == written[0]
