"""Scoring: rule alerts get the model's score, and the model raises alerts of its own, with
reasons in words; with no labels at all an anomaly model does the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from sever.alerts import TYPOLOGIES
from sever.cli import app
from sever.monitor.model_alerts import _named_typology
from sever.monitor.split import Labels
from sever.monitor.training import load_scorer, scored_alerts, train_scorers
from tests.monitor.mules import bound, mule_world

if TYPE_CHECKING:
    from conftest import Ledger


def model_alerts_of(book: Ledger, labels: Labels, tmp_path: Path, level: str) -> list:
    engine, inputs, alerts = bound(book)
    train_scorers(engine, inputs, alerts, labels, tmp_path)
    scorer = load_scorer(tmp_path, level)
    assert scorer is not None
    scored = scored_alerts(engine, inputs, alerts, scorer)
    assert len(scored) > len(alerts)
    return [a for a in scored if a.rule_id in ("model", "anomaly")]


def assert_explained(alert, payments: set[str]) -> None:
    assert alert.typology in TYPOLOGIES
    assert len(alert.accounts) == 1
    assert 0 < len(alert.tx_ids) <= 20 and set(alert.tx_ids) <= payments
    assert 1 <= len(alert.reasons) <= 3
    assert "peers' median" in alert.explanation
    assert alert.score >= alert.evidence["model"]["threshold"]
    assert alert.to_dict()["evidence"]["reasons"][0]["label"]


@pytest.mark.parametrize(
    ("accounts", "tx", "level", "rule_id"),
    [(True, False, "account", "model"), (False, True, "transaction", "model")],
)
def test_a_supervised_model_raises_alerts_with_reasons(
    new_ledger: type[Ledger],
    tmp_path: Path,
    accounts: bool,
    tx: bool,
    level: str,
    rule_id: str,
) -> None:
    book = new_ledger()
    labels = mule_world(book)
    given = Labels(accounts=labels.accounts if accounts else None, tx=labels.tx if tx else None)
    found = model_alerts_of(book, given, tmp_path, level)
    assert found and {a.rule_id for a in found} == {rule_id}
    payments = {row["tx_id"] for row in book.tx}
    for alert in found:
        assert_explained(alert, payments)
    if level == "account":
        flagged = {a.accounts[0] for a in found}
        assert len(flagged & labels.accounts) >= len(flagged) / 2
    else:  # a payment model's alert leads with the payments it flagged
        leading = {a.tx_ids[0] for a in found}
        assert len(leading & labels.tx) >= len(leading) / 2


def test_without_labels_an_anomaly_model_raises_alerts_with_reasons(
    new_ledger: type[Ledger], tmp_path: Path
) -> None:
    book = new_ledger()
    mule_world(book)
    found = model_alerts_of(book, Labels(), tmp_path, "account")
    assert found and {a.rule_id for a in found} == {"anomaly"}
    for alert in found:
        assert_explained(alert, {row["tx_id"] for row in book.tx})
        assert alert.evidence["model"]["kind"] == "isolation_forest"


def test_train_and_score_from_the_command_line_without_labels(
    new_ledger: type[Ledger], tmp_path: Path
) -> None:
    book = new_ledger()
    mule_world(book)
    paths = {}
    for name, frame in book.frames().items():
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name])
    home = tmp_path / "home"
    files = ["--accounts", str(paths["accounts"]), "--parties", str(paths["parties"])]
    runner = CliRunner()
    trained = runner.invoke(
        app,
        ["monitor", "train", "--transactions", str(paths["transactions"]), *files,
         "--home", str(home), "--alert-share", "0.05", "--json"],
    )  # fmt: skip
    assert trained.exit_code == 0, trained.output
    payload = json.loads(trained.stdout)
    assert payload["labels"] == "none"
    assert payload["trained"]["account"]["kind"] == "isolation_forest"
    assert len(payload["trained"]["account"]["top_features"]) == 5
    scored = runner.invoke(
        app,
        ["monitor", "score", str(paths["transactions"]), *files, "--home", str(home), "--json"],
    )
    assert scored.exit_code == 0, scored.output
    anomalies = [a for a in json.loads(scored.stdout)["alerts"] if a["rule_id"] == "anomaly"]
    assert anomalies and all(a["evidence"]["reasons"] for a in anomalies)


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (["--mode", "guess"], "error: --mode: unknown mode 'guess'"),
        (["--alert-share", "0.9"], "error: --alert-share: must lie between 0.0001 and 0.5"),
        (["--mode", "accounts"], "error: --mode: --mode accounts needs account labels"),
    ],
)
def test_bad_training_options_are_one_line_errors(
    new_ledger: type[Ledger], tmp_path: Path, option: list[str], words: str
) -> None:
    book = new_ledger()
    book.background(people=5)
    path = tmp_path / "tx.parquet"
    book.frames()["transactions"].to_parquet(path)
    result = CliRunner().invoke(
        app, ["monitor", "train", "--transactions", str(path), "--home", str(tmp_path), *option]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(words[:20]), result.output


@pytest.mark.parametrize(
    ("features", "typology"),
    [
        (["usd_in", "rule_cycle", "senders"], "cycle"),
        (["wire_share", "src_pct_receivers"], "fan_out"),
        (["usd_in", "wire_share"], None),
    ],
)
def test_a_model_alert_takes_the_typology_its_weightiest_naming_feature_gives(
    features: list[str], typology: str | None
) -> None:
    assert _named_typology([{"feature": name} for name in features]) == typology
