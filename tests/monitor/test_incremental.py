"""Incremental runs: payments dated after the run never pin the watermark, and say so."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sever.errors import InputError
from sever.monitor import run_pack
from sever.monitor.settings import PackSettings

if TYPE_CHECKING:
    from conftest import Ledger

FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)


def save(book: Ledger, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "transactions.parquet"
    book.frames()["transactions"].to_parquet(path)
    return path


def fan_out(book: Ledger, hub: str, at_hours: float) -> None:
    for i in range(10):
        book.pay(hub, f"{hub}-M{i}", 3_000, at_hours + i)


def test_a_payment_dated_9999_does_not_pin_the_watermark(
    ledger: Ledger, tmp_path: Path, home
) -> None:
    """The reported case: one typo in the date and every later run silently saw nothing."""
    fan_out(ledger, "OLD", 5)
    ledger.pay("TYPO1", "TYPO2", 75, FAR_FUTURE)
    first = run_pack(save(ledger, tmp_path / "day1"), incremental="bank", home=home)
    assert first.future is not None and first.future.count == 1 and first.future.left_out
    assert first.future.latest.startswith("9999-12-31")
    assert "1 payment(s) dated after this run (latest 9999-12-31" in first.summary()
    assert first.watermark < datetime.now(UTC)
    state = json.loads((home.state / "monitor-bank.json").read_text())
    assert state["last_t"] == int(first.watermark.timestamp())

    fan_out(ledger, "NEW", 24 * 300)
    second = run_pack(save(ledger, tmp_path / "day2"), incremental="bank", home=home)
    assert [a.evidence["focus"] for a in second.alerts] == ["NEW"]
    assert second.future is not None and second.future.count == 1


def test_a_full_run_evaluates_future_payments_and_reports_them(
    ledger: Ledger, tmp_path: Path
) -> None:
    for i in range(10):
        ledger.pay("HUB", f"HUB-M{i}", 3_000, FAR_FUTURE)
    result = run_pack(save(ledger, tmp_path), settings=PackSettings(rules=("fan_out",)))
    assert "HUB" in {a.evidence["focus"] for a in result.alerts}
    assert result.future.count == 10 and not result.future.left_out


def test_a_watermark_in_the_future_is_an_error_that_says_how_to_start_over(
    ledger: Ledger, tmp_path: Path, home
) -> None:
    """A watermark pinned by an earlier version is refused, not silently obeyed."""
    home.state.mkdir(parents=True, exist_ok=True)
    pinned = home.state / "monitor-bank.json"
    pinned.write_text(json.dumps({"last_t": 253402214400}))
    with pytest.raises(InputError, match="is after this run's time") as caught:
        run_pack(save(ledger, tmp_path), incremental="bank", home=home)
    assert caught.value.path == str(pinned) and "delete the file" in caught.value.message


@pytest.mark.parametrize("content", ["{", "[]", '{"last_t": "soon"}', '{"last_t": 1e300}', "\xff"])
def test_a_damaged_watermark_file_is_named(ledger, tmp_path: Path, home, content: str) -> None:
    home.state.mkdir(parents=True, exist_ok=True)
    damaged = home.state / "monitor-bank.json"
    damaged.write_bytes(content.encode("latin-1"))
    with pytest.raises(InputError) as caught:
        run_pack(save(ledger, tmp_path), incremental="bank", home=home)
    assert caught.value.path == str(damaged)


@pytest.mark.parametrize("name", ["a/b", "..", "", "../../etc/x", "x" * 65, "-flag", "a b", "é"])
def test_a_run_name_must_be_a_plain_name(tmp_path: Path, home, name: str) -> None:
    """The name becomes a file name under the home: no paths, nothing empty or huge."""
    with pytest.raises(InputError, match="is not a run name") as caught:
        run_pack(tmp_path / "never-read.parquet", incremental=name, home=home)
    assert caught.value.field == "--incremental"
    assert not home.state.exists() or not any(home.state.iterdir())
