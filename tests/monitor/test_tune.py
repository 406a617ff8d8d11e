"""Tuning with labels: each rule's precision/recall curve, and the thresholds chosen on it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from sever.cli import app
from sever.monitor import run_pack
from sever.monitor.settings import PackSettings, read_settings
from sever.monitor.tune import tune_pack

FAN_OUT = PackSettings(rules=("fan_out",))


def labelled(planted: dict[str, list[str]]) -> dict[str, str]:
    return {acc: "fan_out" for hub, mules in planted.items() for acc in (hub, *mules)}


def test_the_curve_runs_from_the_floor_to_the_strictest_threshold(town) -> None:
    """Below the line the generous people come in (precision falls); above it only the hubs."""
    book, _, planted = town
    made = tune_pack(book.frames()["transactions"], account_labels=labelled(planted),
                     precision=0.9, settings=FAN_OUT)  # fmt: skip
    curve = next(c for c in made.curves if c.rule == "fan_out")
    assert curve.param == "min_counterparties"
    by_level = {p.threshold: p for p in curve.points}
    assert set(by_level) == {6, 9}
    assert by_level[6].alerts == 7 and by_level[6].precision < 0.5
    assert by_level[9].alerts == 2 and by_level[9].precision == 1.0
    assert by_level[9].recall == 1.0
    assert curve.chosen == by_level[9]
    assert made.settings.source == "labels"
    assert made.settings.thresholds["fan_out"]["min_counterparties"] == 9
    assert (
        "chosen by tune for precision ≥ 0.9" in made.settings.basis["fan_out"]["min_counterparties"]
    )


def test_a_target_no_threshold_reaches_keeps_the_calibrated_one(town) -> None:
    book, _, _ = town
    nobody = {"F001": "fan_out"}
    made = tune_pack(book.frames()["transactions"], account_labels=nobody, precision=0.5,
                     settings=FAN_OUT)  # fmt: skip
    curve = next(c for c in made.curves if c.rule == "fan_out")
    assert curve.chosen is None and "calibrated one is kept" in curve.note
    assert made.settings.thresholds["fan_out"]["min_counterparties"] == 7


def test_an_alert_budget_buys_only_steps_that_find_more(town) -> None:
    """With room for ten alerts, loosening to six receivers adds five alerts and no hub: the
    budget is not spent on them."""
    book, _, planted = town
    made = tune_pack(book.frames()["transactions"], account_labels=set(labelled(planted)),
                     budget=10, settings=FAN_OUT)  # fmt: skip
    assert made.settings.thresholds["fan_out"]["min_counterparties"] == 9
    assert made.volumes["fan_out"]["alerts"] == 2


def test_cli_tune_prints_curves_and_saves_settings_run_uses(town, tmp_path: Path) -> None:
    book, _, planted = town
    tx = tmp_path / "tx.parquet"
    book.frames()["transactions"].to_parquet(tx)
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"account_id": list(labelled(planted)), "typology": "fan_out"}).to_csv(
        labels, index=False
    )
    out = tmp_path / "tuned.yaml"
    result = CliRunner().invoke(
        app, ["monitor", "tune", str(tx), "--account-labels", str(labels), "--precision", "0.9",
              "--rules", "fan_out", "--out", str(out), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["rules"][0]["chosen"]["threshold"] == 9
    tuned = read_settings(out)
    again = run_pack(tx, settings=tuned)
    assert {a.evidence["focus"] for a in again.alerts} == set(planted)
    assert all(a.evidence["settings"]["source"] == "labels" for a in again.alerts)
