"""Calibration: relative thresholds read off the institution's own data, without labels.

A relative parameter (see :class:`~sever.monitor.rule.Relative`) names one of its rule's metrics
and a percentile. Calibration runs the rule without its conditions, takes each account's largest
value of the metric (its busiest window) and puts the threshold just above that percentile, so a
rule alerts on accounts that stand out from the others in the same file: "more distinct receivers
than the 99.5th percentile of accounts sending money in tx.parquet (9)".

The percentile is computed here, in Python, from the per-account values the engine returns, so
DuckDB and Spark give the same numbers (their own percentile functions are approximate in
different ways). With fewer than :data:`MIN_ACCOUNTS` accounts a percentile means little; the
rule's default is kept and the basis says why.

Windows follow the file's pace. A window of 28 days means one thing where an ordinary account pays
twice a week and another where it pays twice a month. Calibration measures the file's pace (how
long its ordinary account goes between payments, :func:`file_pace`) and scales every window
parameter (``paced``) by that pace over :data:`REFERENCE_GAP_DAYS`, before it reads the other
thresholds, which are then counted in the scaled windows. A file stretched four times in time
gets windows four times longer and the same alerts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import ibis.expr.types as ir
import numpy as np

from sever.monitor.flows import DAY, legs
from sever.monitor.rule import Inputs, Param, Rule
from sever.monitor.settings import PackSettings
from sever.tables.engine import Engine

MIN_ACCOUNTS = 200
"""Fewest accounts a percentile is taken over: the 99.5th percentile of fewer than 200 values is
the largest of them, so the account that stands out would set its own threshold."""


REFERENCE_GAP_DAYS = 8.0
"""The pace the rules' default windows are written for: an ordinary account pays or is paid about
every eight days. No published figure gives the pace of account-to-account payments, so this
one is measured: the median account with three or more payments in the bench's tuning worlds
(seed 101, 100,000 and 1,000,000 payments: 8.5 and 8.8 days) goes this long between payments,
rounded down. Only the ratio to a file's own pace matters: windows move with the file."""
MIN_PAYMENTS = 3
"""An account's pace is read from at least this many payments (two gaps)."""
PACE_OVER = "accounts' days between payments"
"""What a window's reading is taken over, in words."""


@dataclass(frozen=True)
class Pace:
    """How long the file's ordinary account goes between payments, and over how many accounts."""

    days: float | None
    """The median, over accounts with :data:`MIN_PAYMENTS` or more payments, of the time from
    an account's first payment to its last divided by its gaps (None: too few accounts)."""
    accounts: int

    @property
    def scale(self) -> float:
        """How much longer this file's windows are than the defaults (1.0 when unknown)."""
        return self.days / REFERENCE_GAP_DAYS if self.days else 1.0


def file_pace(engine: Engine, tx: ir.Table) -> Pace:
    """The pace of the payments in ``tx`` (see :class:`Pace`).

    Each account's mean gap (span over payments less one) is exact arithmetic on every engine,
    and the median over accounts is taken here, so DuckDB and Spark agree.
    """
    side = legs(tx)
    per = side.group_by("account").aggregate(n=side.tx_id.count(), span=side.t.max() - side.t.min())
    per = per.filter(per.n >= MIN_PAYMENTS)
    gaps = engine.to_pandas(per.select(gap=per.span / (per.n - 1) / DAY))["gap"]
    values = gaps.dropna().astype(float).to_numpy()
    if len(values) < MIN_ACCOUNTS:
        return Pace(None, len(values))
    return Pace(float(np.quantile(values, 0.5, method="inverted_cdf")), len(values))


@dataclass(frozen=True)
class Reading:
    """One calibrated threshold: the value set, the percentile it came from, and over how many."""

    rule: str
    param: str
    value: Any
    percentile: float | None
    """The percentile's value in the data (None when too few accounts to calibrate on)."""
    quantile: float
    accounts: int
    over: str
    """Which accounts the percentile is taken over, in words."""
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def short(self) -> str:
        """``p99.5 = 9 over 4,210 accounts sending money``, or why the default was kept."""
        if self.percentile is None:
            return f"default kept: only {self.accounts:,} {self.over}"
        level = f"{self.quantile * 100:g}"
        return f"p{level} = {_number(self.percentile)} over {self.accounts:,} {self.over}"


def calibrate(
    engine: Engine,
    inputs: Inputs,
    settings: PackSettings,
    *,
    input_name: str,
    pace: Pace | None = None,
) -> tuple[PackSettings, list[Reading]]:
    """``settings`` with every relative threshold and window they leave open read off ``inputs``.

    ``input_name`` is how the explanation names the data (a file name); ``pace`` is the file's
    pace when the caller has measured it already. Rules whose inputs are missing (no accounts
    table, no hits) are left as they are: the run skips them anyway.
    """
    values: dict[str, dict[str, Any]] = {}
    words: dict[str, dict[str, str]] = {}
    readings: list[Reading] = []
    payments: dict[str, np.ndarray] = {}
    for rule in settings.chosen:
        missing = settings.missing(rule)
        if not missing or any(getattr(inputs, need) is None for need in rule.needs):
            continue
        paced = [p for p in rule.paced if p.name in missing]
        if paced and pace is None:
            pace = file_pace(engine, inputs.tx)
        found = [scaled(rule, p, pace, input_name) for p in paced if pace is not None]
        wanted = [p for p in rule.relative if p.name in missing]
        over_payments = partial(
            _over_payments, engine, inputs, rule, payments=payments, input_name=input_name
        )
        found += [over_payments(p) for p in wanted if p.relative and p.relative.per_payment]
        params = settings.values(rule) | {r.param: r.value for r in found}
        per_account = [p for p in wanted if p.relative and not p.relative.per_payment]
        if per_account:
            read = _read_rule(engine, inputs, rule, params, per_account, input_name)
            for param, reading in zip(per_account, read, strict=True):
                found.append(_or_fallback(reading, param, over_payments))
        for reading in found:
            values.setdefault(rule.id, {})[reading.param] = reading.value
            words.setdefault(rule.id, {})[reading.param] = reading.basis
            readings.append(reading)
    return settings.with_values(values, words), readings


def scaled(rule: Rule, param: Param, pace: Pace, input_name: str) -> Reading:
    """A window parameter stretched or shrunk to the file's pace."""
    if pace.days is None:
        return Reading(
            rule.id,
            param.name,
            param.default,
            None,
            0.5,
            pace.accounts,
            PACE_OVER,
            f"the pack's default: {pace.accounts:,} {PACE_OVER} in {input_name} are too few to "
            f"read the pace from (at least {MIN_ACCOUNTS:,})",
        )
    low, high = param.bounds
    value = min(max(round(float(param.default) * pace.scale), low), high)
    unit = f" {param.unit}" if param.unit else ""
    basis = (
        f"{_number(param.default)}{unit} at the default pace, scaled to {input_name}'s: its "
        f"median account goes {_number(round(pace.days, 2))} days between payments "
        f"(default pace {_number(REFERENCE_GAP_DAYS)})"
    )
    return Reading(
        rule.id, param.name, param.coerce(value), pace.days, 0.5, pace.accounts, PACE_OVER, basis
    )


def _over_payments(
    engine: Engine,
    inputs: Inputs,
    rule: Rule,
    param: Param,
    payments: dict[str, np.ndarray],
    input_name: str,
) -> Reading:
    """``param`` read off the file's payments (each column fetched once, kept in ``payments``)."""
    column = param.relative.metric  # type: ignore[union-attr]
    if column not in payments:
        frame = engine.to_pandas(inputs.tx.select(column))
        payments[column] = frame[column].dropna().astype(float).to_numpy()
    return threshold(rule, param, payments[column], input_name)


def _or_fallback(
    reading: Reading, param: Param, over_payments: Callable[[Param], Reading]
) -> Reading:
    """The reading, or, where too few accounts gave it, the parameter's fallback reading."""
    relative = param.relative
    if reading.percentile is not None or relative is None or relative.fallback is None:
        return reading
    found = over_payments(replace(param, relative=relative.fallback))
    return replace(found, basis=f"{found.basis} (too few {relative.over} to calibrate on)")


def _read_rule(
    engine: Engine,
    inputs: Inputs,
    rule: Rule,
    params: Mapping[str, Any],
    wanted: list[Param],
    input_name: str,
) -> list[Reading]:
    """Each wanted parameter of one rule from one pass over the rule's unconditioned rows."""
    table = rule.build(inputs, params)
    per_account = table.group_by("focus").aggregate(
        **{p.name: table[p.relative.metric].max() for p in wanted}  # type: ignore[union-attr]
    )
    frame = engine.to_pandas(per_account)
    found = []
    for param in wanted:
        column = frame[param.name].dropna().astype(float).to_numpy()
        found.append(threshold(rule, param, column, input_name))
    return found


def threshold(rule: Rule, param: Param, values: np.ndarray, input_name: str) -> Reading:
    """The threshold for ``param`` from the accounts' values of its metric."""
    relative = param.relative
    assert relative is not None
    count = len(values)
    if count < MIN_ACCOUNTS:
        return Reading(
            rule.id,
            param.name,
            param.default,
            None,
            relative.quantile,
            count,
            relative.over,
            f"the pack's default: {count:,} {relative.over} in {input_name} are too few to "
            f"calibrate on (at least {MIN_ACCOUNTS:,})",
        )
    level = float(np.quantile(values, relative.quantile, method="inverted_cdf"))
    whole = isinstance(param.default, int)
    value: float = math.floor(level) + 1 if whole else round(level, 4)
    shown = _number(level)
    where = f"the {relative.percent} percentile for {relative.over} in {input_name} ({shown})"
    basis = f"more than {where}" if whole else f"at least {where}"
    if value < relative.floor:
        value = relative.floor
        basis += f", raised to the floor of {_number(relative.floor)}"
    low, high = param.bounds
    value = min(max(value, low), high)
    return Reading(
        rule.id,
        param.name,
        param.coerce(value),
        level,
        relative.quantile,
        count,
        relative.over,
        basis,
    )


def _number(value: float) -> str:
    """A threshold as an analyst reads it: 9, 12,500.00, 0.85."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4g}"
