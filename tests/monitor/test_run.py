"""Running the pack: alerts as files, incremental runs, settings, and the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from typer.testing import CliRunner

from sever.alerts import write_findings
from sever.cli import app
from sever.monitor import DPRK_PACK, run_pack
from sever.monitor.rule import TYPOLOGIES, RuleError
from sever.monitor.settings import PackSettings

if TYPE_CHECKING:
    from conftest import Ledger


def save(book: Ledger, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in book.frames().items():
        paths[name] = folder / f"{name}.parquet"
        frame.to_parquet(paths[name])
    return paths


def only_fan_out(**values) -> PackSettings:
    return PackSettings(rules=("fan_out",), thresholds={"fan_out": values})


def plant_fan_out(book: Ledger, hub: str, at_hours: float) -> None:
    for i in range(10):
        book.pay(hub, f"{hub}-M{i}", 3_000, at_hours + i)


def test_every_rule_is_documented_and_uses_the_shared_vocabulary() -> None:
    assert len({rule.id for rule in DPRK_PACK}) == len(DPRK_PACK)
    for rule in DPRK_PACK:
        assert rule.typology in TYPOLOGIES
        assert len(rule.description) > 40 and rule.source
        for param in rule.params:
            assert param.help, f"{rule.id}.{param.name} has no help"
        for condition in rule.conditions:
            assert condition.label.format(**rule.settings())


def test_alerts_round_trip_through_parquet(ledger: Ledger, tmp_path: Path) -> None:
    plant_fan_out(ledger, "HUB", 5)
    frames = ledger.frames()
    result = run_pack(
        frames["transactions"], accounts=frames["accounts"], parties=frames["parties"]
    )
    path = write_findings(result.alerts, tmp_path / "alerts.parquet")
    table = pd.read_parquet(path)
    assert list(table.columns)[:5] == ["alert_id", "verb", "typology", "rule_id", "severity"]
    row = table.iloc[0]
    assert row.verb == "monitor" and row.typology == "fan_out" and len(row.tx_ids) == 10
    assert json.loads(row.subjects)[0] == {"kind": "account", "id": "HUB", "label": ""}
    evidence = json.loads(row.evidence)
    assert evidence["reasons"][0]["label"].startswith("distinct receivers in the window, ")
    assert evidence["settings"]["id"] in row.explanation
    assert "HUB →" in row.explanation


def test_settings_change_a_rule_and_bad_settings_are_refused(ledger: Ledger) -> None:
    plant_fan_out(ledger, "HUB", 5)
    frames = ledger.frames()
    stricter = PackSettings(
        rules=("fan_out",), thresholds={"fan_out": {"min_counterparties": "11"}}
    )
    kept = run_pack(frames["transactions"], parties=frames["parties"], accounts=frames["accounts"],
                    settings=stricter)  # fmt: skip
    assert kept.alerts == []
    with pytest.raises(RuleError, match="rule fan_out has no parameter 'min_fans'"):
        run_pack(frames["transactions"], settings=only_fan_out(min_fans=3))
    with pytest.raises(RuleError, match="takes a int"):
        run_pack(frames["transactions"], settings=only_fan_out(window_days="x"))


def test_incremental_run_sees_only_what_is_new(ledger: Ledger, tmp_path: Path, home) -> None:
    """The second run reports the new fan-out only, and equals a full run's alert for it."""
    plant_fan_out(ledger, "OLD", 5)
    ledger.pay("QUIET1", "QUIET2", 50, 24 * 250)  # the first run's watermark: day 250
    first = save(ledger, tmp_path / "day1")
    run = run_pack(first["transactions"], parties=first["parties"], accounts=first["accounts"],
                   incremental="bank", home=home)  # fmt: skip
    assert [a.evidence["focus"] for a in run.alerts] == ["OLD"]

    plant_fan_out(ledger, "NEW", 24 * 300)
    second = save(ledger, tmp_path / "day2")
    again = run_pack(second["transactions"], parties=second["parties"],
                     accounts=second["accounts"], incremental="bank", home=home)  # fmt: skip
    full = run_pack(second["transactions"], parties=second["parties"], accounts=second["accounts"])
    assert [a.evidence["focus"] for a in again.alerts] == ["NEW"]
    assert again.transactions < full.transactions  # history outside the look-back was not read
    new_in_full = [a for a in full.alerts if a.evidence["focus"] == "NEW"]
    assert [a.alert_id for a in again.alerts] == [a.alert_id for a in new_in_full]


def test_cli_run_writes_alerts_and_prints_json(ledger: Ledger, tmp_path: Path) -> None:
    plant_fan_out(ledger, "HUB", 5)
    paths = save(ledger, tmp_path)
    out = tmp_path / "alerts.parquet"
    result = CliRunner().invoke(
        app,
        ["monitor", "run", str(paths["transactions"]), "--accounts", str(paths["accounts"]),
         "--parties", str(paths["parties"]), "--out", str(out), "--json", "--fail-on-hit",
         "--home", str(tmp_path / "home")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert [a["rule_id"] for a in payload["alerts"]] == ["fan_out"]
    assert out.exists()


def test_cli_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "tx.csv"
    path.write_text("tx_id,timestamp,src_account,dst_account,amount\n1,2024-01-01,a,b,5\n")
    result = CliRunner().invoke(app, ["monitor", "run", str(path)])
    assert result.exit_code == 2
    assert "missing required column(s) currency" in result.output


def test_cli_lists_the_rules_with_their_parameters() -> None:
    result = CliRunner().invoke(app, ["monitor", "rules", "--json"])
    rules = json.loads(result.stdout)
    assert {r["id"] for r in rules} == {rule.id for rule in DPRK_PACK}
    fan_out = next(r for r in rules if r["id"] == "fan_out")
    assert {"name": "window_days", "default": 28, "unit": "days"}.items() <= next(
        p for p in fan_out["parameters"] if p["name"] == "window_days"
    ).items()


def test_every_default_lies_within_its_parameter_bounds() -> None:
    """The bounds users are held to (no NaN, no zero window, no thousand-hop loop) admit every
    default, and are enforced."""
    for rule in DPRK_PACK:
        numbers = {p.name: p.default for p in rule.params if not isinstance(p.default, tuple)}
        assert rule.settings(numbers) == rule.settings()
    with pytest.raises(RuleError, match="between 1 and 3650 days"):
        run_pack(pd.DataFrame(), settings=only_fan_out(window_days=0))
    with pytest.raises(RuleError, match="between 0 and 1e\\+06"):
        run_pack(pd.DataFrame(), settings=only_fan_out(min_one_off="nan"))
