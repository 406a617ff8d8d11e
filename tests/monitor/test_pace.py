"""Windows follow the file's pace: a file four times slower gets windows four times longer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest

from sever.monitor import run_pack
from sever.monitor.calibrate import REFERENCE_GAP_DAYS
from sever.monitor.pack import RULES
from sever.monitor.rule import Param
from sever.monitor.settings import PackSettings

if TYPE_CHECKING:
    from conftest import Ledger

FAN_OUT = PackSettings(rules=("fan_out",))


def stretched(tx: pd.DataFrame, times: float) -> pd.DataFrame:
    """The same payments with every distance from the first one ``times`` as long."""
    start = tx.timestamp.min()
    return tx.assign(timestamp=start + (tx.timestamp - start) * times)


@pytest.mark.parametrize(
    ("param", "paced"),
    [
        (Param("window_days", 28, "window", "days"), True),
        (Param("within_hours", 24, "how soon", "h"), True),
        (Param("min_amount", 1_000.0, "smallest payment", "USD"), False),
        (Param("min_counterparties", 10, "how many"), False),
    ],
)
def test_a_parameter_in_days_or_hours_is_a_window_that_follows_the_pace(
    param: Param, paced: bool
) -> None:
    assert param.paced is paced


def test_a_file_stretched_four_times_gets_windows_four_times_longer_and_the_same_alerts(
    town,
) -> None:
    book, _, planted = town
    frames = book.frames()
    found, paces = {}, {}
    for times in (1, 4):
        tx = stretched(frames["transactions"], times)
        result = run_pack(tx, accounts=frames["accounts"], settings=FAN_OUT)
        window = next(r for r in result.readings if r.param == "window_days")
        assert "scaled to this input's" in window.basis
        found[times] = (window.value, {a.evidence["focus"] for a in result.alerts})
        paces[times] = window.percentile
    assert paces[4] == pytest.approx(4 * paces[1], rel=1e-6)
    assert found[4][1] == found[1][1] == set(planted)
    # whole days: 3.5 days rounds to 4 at the first pace, 14 stays 14 at the slower one
    assert found[4][0] == pytest.approx(4 * found[1][0], abs=2)


def test_too_few_accounts_keep_the_default_window(ledger: Ledger) -> None:
    result = run_pack(ledger.frames()["transactions"], settings=FAN_OUT)
    window = next(r for r in result.readings if r.param == "window_days")
    assert window.value == RULES["fan_out"].settings()["window_days"]
    assert "too few to read the pace from" in window.basis


def test_the_default_pace_is_not_a_window_of_the_pack() -> None:
    """The reference pace is a time between payments, not a copy of any rule's window."""
    windows = {p.default for rule in RULES.values() for p in rule.paced}
    assert REFERENCE_GAP_DAYS not in windows
