"""Calibration: thresholds read off the file being screened, without labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from sever.cli import app
from sever.monitor import run_pack
from sever.monitor.calibrate import MIN_ACCOUNTS
from sever.monitor.pack import DPRK_PACK
from sever.monitor.settings import PackSettings, read_settings
from sever.monitor.tune import calibrate_pack

if TYPE_CHECKING:
    from conftest import Ledger

FAN_OUT = PackSettings(rules=("fan_out",))


def fan_out_foci(result) -> set[str]:
    return {a.evidence["focus"] for a in result.alerts if a.rule_id == "fan_out"}


def test_a_fan_out_is_measured_against_the_file_it_is_in(town) -> None:
    """In a town where people pay two friends, six receivers is not yet unusual (five people do
    it) but nine is: calibration puts the line between them. The fixed default (10) would miss
    both hubs."""
    book, _, planted = town
    frames = book.frames()
    result = run_pack(frames["transactions"], accounts=frames["accounts"], settings=FAN_OUT)
    assert fan_out_foci(result) == set(planted)
    reading = next(r for r in result.readings if r.param == "min_counterparties")
    assert (reading.percentile, reading.value) == (6, 7)
    assert reading.accounts > MIN_ACCOUNTS
    fixed = PackSettings(rules=("fan_out",), thresholds={"fan_out": {"min_counterparties": 10}})
    assert fan_out_foci(run_pack(frames["transactions"], settings=fixed)) == set()


def test_every_alert_says_which_thresholds_raised_it(town) -> None:
    book, _, _ = town
    result = run_pack(book.frames()["transactions"], settings=FAN_OUT)
    alert = next(a for a in result.alerts if a.rule_id == "fan_out")
    assert (
        "distinct receivers in the window, more than the 99.5th percentile for accounts sending "
        "money in this input (6): 9 (at least 7)" in alert.explanation
    )
    record = alert.evidence["settings"]
    assert record["source"] == "data" and record["id"] == result.settings.digest()
    assert f"Thresholds: settings {record['id']} (calibrated on this input)" in alert.explanation
    assert "calibrated on this input (this input), no settings file given" in result.summary()


def test_calibrated_alerts_do_not_depend_on_the_unit_of_money(town) -> None:
    """Every amount a hundredth (cents read as dollars, or another currency): the same alerts."""
    book, _, _ = town
    frames = book.frames()
    small = frames["transactions"].assign(amount=frames["transactions"].amount / 100)
    ids = [
        sorted(a.alert_id for a in run_pack(tx, settings=FAN_OUT).alerts)
        for tx in (frames["transactions"], small)
    ]
    assert ids[0] and ids[1] == ids[0]


def test_too_few_accounts_keep_the_default_and_say_so(ledger: Ledger) -> None:
    result = run_pack(ledger.frames()["transactions"], settings=FAN_OUT)
    reading = next(r for r in result.readings if r.param == "min_counterparties")
    assert reading.percentile is None and reading.value == 10
    assert "too few to calibrate on" in reading.basis


def test_given_thresholds_are_not_recalibrated(town) -> None:
    book, _, _ = town
    given = PackSettings(rules=("fan_out",), thresholds={"fan_out": {"min_counterparties": 5}})
    result = run_pack(book.frames()["transactions"], settings=given)
    assert "min_counterparties" not in {r.param for r in result.readings}
    assert result.settings.thresholds["fan_out"]["min_counterparties"] == 5
    assert fan_out_foci(result) >= {"G0", "H0", "H1"}


def test_calibrate_saves_settings_that_run_uses_as_they_are(town, tmp_path: Path) -> None:
    book, _, planted = town
    tx = tmp_path / "tx.parquet"
    book.frames()["transactions"].to_parquet(tx)
    out = tmp_path / "settings.yaml"
    result = CliRunner().invoke(
        app, ["monitor", "calibrate", str(tx), "--rules", "fan_out,fan_in", "--out", str(out),
              "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["volumes"]["fan_out"] == {"alerts": 2, "accounts": 20}
    assert {t["param"] for t in payload["thresholds"]} >= {"min_counterparties", "min_total"}
    saved = read_settings(out)
    assert saved.source == "data" and saved.input["transactions"] == "tx.parquet"
    assert saved.thresholds["fan_out"]["min_counterparties"] == 7
    again = run_pack(tx, settings=saved)
    assert again.readings == [] and fan_out_foci(again) == set(planted)
    assert "calibrated on tx.parquet, from settings.yaml" in again.summary()


def test_calibration_matches_between_the_api_and_a_run(town) -> None:
    book, _, _ = town
    tx = book.frames()["transactions"]
    made = calibrate_pack(tx, settings=FAN_OUT)
    assert made.settings.thresholds == run_pack(tx, settings=FAN_OUT).settings.thresholds


LEGAL_AMOUNTS = {("structuring", "threshold"), ("structuring", "min_total")}
"""Amounts fixed by law (the 10,000 USD currency transaction report): structuring is measured
against them whatever the file's scale."""


def test_every_amount_floor_is_read_off_the_data_unless_the_law_fixes_it() -> None:
    fixed = [
        (rule.id, param.name)
        for rule in DPRK_PACK
        for param in rule.params
        if param.unit == "USD" and param.default and param.relative is None
    ]
    assert set(fixed) <= LEGAL_AMOUNTS, fixed


def test_too_few_accounts_for_an_amount_read_it_off_the_payments_instead(ledger: Ledger) -> None:
    """Few accounts pass money straight on in a small file: the total they must move is then
    read off the file's payments, so it still follows the unit of money."""
    rapid = PackSettings(rules=("rapid_movement",))
    tx = ledger.frames()["transactions"]
    found = []
    for scale in (1, 0.01):
        result = run_pack(tx.assign(amount=tx.amount * scale), settings=rapid)
        found.append(next(r for r in result.readings if r.param == "min_received"))
    assert found[0].percentile is not None and found[0].over == "payments"
    assert "too few accounts that pass credits straight on to calibrate on" in found[0].basis
    assert found[1].value == pytest.approx(found[0].value / 100, rel=0.01)
