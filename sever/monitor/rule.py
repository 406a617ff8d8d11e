"""What a typology rule is: an id, a typology, plain words, typed parameters, labelled conditions.

A rule is written once. Its builder turns the input tables into candidate rows with named metrics
(an Ibis expression, so it runs on DuckDB or Spark alike); its conditions compare those metrics with
its parameters, and each condition carries the label an analyst reads in the alert's reasons.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir

from sever.alerts import SEVERITIES, TYPOLOGIES, Reason
from sever.errors import SeverError

OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}

# Every rule's builder returns these columns, then its own metric columns.
CANDIDATE_COLUMNS = ("focus", "accounts", "tx_ids")


class RuleError(SeverError):
    """A rule was asked for with a parameter it does not have, or a value of the wrong type."""


UNIT_RANGES: dict[str, tuple[float, float]] = {
    "days": (1, 3_650),
    "h": (1, 87_600),
    "USD": (0, 1e15),
}
"""What a parameter in each unit may be set to: windows from one day (hour) to ten years, amounts
from 0 to the largest amount an input may hold. A window of 0 would divide by zero; one of a
century would pair every payment with every other."""

PACED_UNITS = ("days", "h")
"""Units of time: a parameter in one of them is a window, scaled to the file's pace."""

PLAIN_RANGE = (0, 1_000_000)
"""The range of a number without a unit (counts, shares, ratios): never negative, never huge."""


@dataclass(frozen=True)
class Relative:
    """How a threshold is read off the data being screened instead of being fixed in advance.

    Calibration runs the rule without its conditions, takes each account's largest ``metric``
    (its busiest window) and sets the threshold just above the ``quantile`` of those values over
    the accounts the rule measures: "more distinct receivers than the 99.5th percentile of the
    accounts in this file". Whole-number thresholds sit one above the percentile; others at it.
    ``floor`` is the least the threshold may be, whatever the data say (three counterparties
    are the fewest that make a "many").
    """

    metric: str
    quantile: float
    floor: float = 0.0
    over: str = "accounts"
    """What the percentile is taken over, in words for the explanation."""
    per_payment: bool = False
    """Take the percentile over the file's payments (``metric`` is a column of the prepared
    transactions, e.g. ``amount_usd``) rather than over accounts' busiest windows."""
    fallback: Relative | None = None
    """Where too few accounts are measured to take the percentile over, read the threshold this
    other way instead (over the file's payments), so that it still follows the file's scale."""

    @property
    def percent(self) -> str:
        """The quantile as analysts say it: ``99.5th``."""
        value = f"{self.quantile * 100:g}"
        last = value[-1]
        suffix = {"1": "st", "2": "nd", "3": "rd"}.get(last, "th")
        if value.endswith(("11", "12", "13")):
            suffix = "th"
        return f"{value}{suffix}"


SIZEABLE_PAYMENT = Relative("amount_usd", 0.75, over="payments", per_payment=True)
"""A sizeable payment, read off the file: larger than three in four of its payments. Amount
floors are relative so that a rule means the same on a file in cents or in millions."""
LARGE_SUM = Relative("amount_usd", 0.9, over="payments", per_payment=True)
"""A large sum, read off the file: at least nine in ten of its payments."""


@dataclass(frozen=True)
class Param:
    """A tunable number or list: its name, default, unit and what it does, in words.

    ``low`` and ``high`` bound the values a user may set; left out, they come from the unit
    (:data:`UNIT_RANGES`, else :data:`PLAIN_RANGE`). ``relative`` says how calibration reads
    the value off the data; its ``default`` is then used only where the data are too few.
    A parameter in days or hours is a window (:attr:`paced`).
    """

    name: str
    default: int | float | str | tuple[str, ...]
    help: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    relative: Relative | None = None

    @property
    def paced(self) -> bool:
        """Whether this is a window that calibration stretches or shrinks with the file's pace
        (see :func:`sever.monitor.calibrate.file_pace`). Its default is the window at the pace
        an ordinary account keeps; a file whose accounts pay four times more slowly gets windows
        four times longer."""
        return self.unit in PACED_UNITS

    @property
    def bounds(self) -> tuple[float, float]:
        """The smallest and largest value this parameter accepts."""
        low, high = UNIT_RANGES.get(self.unit, PLAIN_RANGE)
        return (
            low if self.low is None else self.low,
            high if self.high is None else self.high,
        )

    def coerce(self, value: Any) -> Any:
        """The value in the parameter's own type; lists may be given as comma-separated text.

        Numbers must be finite and within :attr:`bounds`: NaN would make every comparison false
        and silently switch the rule off.
        """
        kind = type(self.default)
        try:
            if kind is tuple:
                items = value.split(",") if isinstance(value, str) else value
                return tuple(str(item).strip() for item in items if str(item).strip())
            if isinstance(value, bool):
                raise ValueError(value)
            number = float(value)
            if kind is int:
                if not number.is_integer():
                    raise ValueError(value)
                number = int(number)
            elif kind is not float:
                return kind(value)
        except (TypeError, ValueError, OverflowError):
            raise RuleError(
                f"parameter {self.name} takes a {kind.__name__}, not {_short(value)}"
            ) from None
        low, high = self.bounds
        if not (math.isfinite(number) and low <= number <= high):
            unit = f" {self.unit}" if self.unit else ""
            raise RuleError(
                f"parameter {self.name} must be between {low:g} and {high:g}{unit}, "
                f"not {_short(value)}"
            )
        return number


def _short(value: Any) -> str:
    """A value for an error message, cut short: a user may pass anything."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


@dataclass(frozen=True)
class Condition:
    """One test an alert must pass: ``metric op parameter``, and how to say it."""

    metric: str
    op: str
    param: str
    label: str

    def holds(self, candidates: ir.Table, params: Mapping[str, Any]) -> ir.BooleanValue:
        return OPS[self.op](candidates[self.metric], params[self.param])

    def reason(self, row: Mapping[str, Any], params: Mapping[str, Any], basis: str = "") -> Reason:
        """The condition as it held; ``basis`` says where its threshold came from."""
        label = self.label.format(**params)
        return Reason(
            label=f"{label}, {basis}" if basis else label,
            observed=_plain(row[self.metric]),
            threshold=params[self.param],
            op=self.op,
        )


def _plain(value: Any) -> Any:
    """Numbers as Python numbers, rounded so both engines report the same digits."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value


Builder = Callable[["Inputs", Mapping[str, Any]], ir.Table]


@dataclass(frozen=True)
class Inputs:
    """The prepared tables a rule may read (see :mod:`sever.monitor.inputs`)."""

    tx: ir.Table
    accounts: ir.Table | None = None
    hits: ir.Table | None = None
    keep: Callable[[ir.Table], ir.Table] = field(default=lambda table: table)
    """Compute an intermediate table once (rules that grow paths hop by hop use it)."""
    busy: ir.Table | None = None
    """Accounts too busy to be a link in a pattern (:func:`sever.monitor.flows.busy_accounts`)."""
    parties: ir.Table | None = None
    """The account holders' own records (identifiers, directors, owners), for the features of
    :mod:`sever.monitor.holders`; rules do not read it."""

    def __post_init__(self) -> None:
        if self.busy is None:
            from sever.monitor.flows import busy_accounts

            object.__setattr__(self, "busy", busy_accounts(self.tx))


@dataclass(frozen=True)
class Rule:
    """A declarative typology rule. Its docstring-like ``description`` is what the analyst reads."""

    id: str
    typology: str
    description: str
    severity: str
    params: tuple[Param, ...]
    conditions: tuple[Condition, ...]
    build: Builder
    lookback: Callable[[Mapping[str, Any]], float]
    needs: tuple[str, ...] = ()
    source: str = ""
    metrics: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.typology not in TYPOLOGIES:
            raise RuleError(f"rule {self.id}: unknown typology {self.typology!r}")
        if self.severity not in SEVERITIES:
            raise RuleError(f"rule {self.id}: unknown severity {self.severity!r}")
        names = {p.name for p in self.params}
        for condition in self.conditions:
            if condition.param not in names or condition.op not in OPS:
                raise RuleError(f"rule {self.id}: condition on {condition.param!r} is malformed")

    def settings(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults with the user's overrides applied and type-checked."""
        known = {p.name: p for p in self.params}
        values = {p.name: p.default for p in self.params}
        for name, value in (overrides or {}).items():
            if name not in known:
                raise RuleError(
                    f"rule {self.id} has no parameter {name!r}; it has {', '.join(known)}"
                )
            values[name] = known[name].coerce(value)
        return values

    def candidates(self, inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
        """The rows that pass every condition, with the columns alerts are built from."""
        table = self.build(inputs, params)
        for condition in self.conditions:
            table = table.filter(condition.holds(table, params))
        keep = [*CANDIDATE_COLUMNS, *self.metric_columns]
        return table.select(*keep)

    @property
    def metric_columns(self) -> tuple[str, ...]:
        """The numbers reported as evidence: each condition's metric, then any extra ones."""
        seen = dict.fromkeys(c.metric for c in self.conditions)
        seen.update(dict.fromkeys(self.metrics))
        return tuple(seen)

    def reasons(
        self,
        row: Mapping[str, Any],
        params: Mapping[str, Any],
        bases: Mapping[str, str] | None = None,
    ) -> tuple[Reason, ...]:
        """Each condition as it held, with where its threshold came from when it was calibrated."""
        bases = bases or {}
        return tuple(
            condition.reason(row, params, bases.get(condition.param, ""))
            for condition in self.conditions
        )

    @property
    def relative(self) -> tuple[Param, ...]:
        """The parameters calibration reads off the data."""
        return tuple(p for p in self.params if p.relative is not None)

    @property
    def paced(self) -> tuple[Param, ...]:
        """The windows calibration scales to the file's pace."""
        return tuple(p for p in self.params if p.paced)

    @property
    def tuned(self) -> Param | None:
        """The relative threshold that tuning moves: the first one a condition tests."""
        tested = {c.param for c in self.conditions}
        return next((p for p in self.relative if p.name in tested), None)
