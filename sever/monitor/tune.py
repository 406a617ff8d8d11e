"""Fitting the pack to an institution: calibration without labels, and tuning with them.

``calibrate_pack`` reads every relative threshold off the institution's own data and reports the
alert volume each rule would raise on it. ``tune_pack`` adds labels (accounts known to be illicit,
optionally payments too) and does above- and below-the-line testing: for each rule with a relative
threshold it loosens that threshold to its floor, then walks it back up, measuring precision and
recall at every step, and chooses the step that meets a precision target or, across the pack, an
alert budget. Both return settings that ``sever monitor run --settings`` uses as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from sever.alerts import Alert
from sever.monitor.calibrate import Reading
from sever.monitor.rule import OPS, Param, Rule
from sever.monitor.run import MonitorResult, Source, run_pack
from sever.monitor.settings import PackSettings
from sever.tables.csv_input import CsvReader
from sever.tables.engine import Engine
from sever.tables.io import file_format, label_column

CURVE_POINTS = 12
"""Thresholds shown per rule in a precision/recall curve."""


def volumes(result: MonitorResult) -> dict[str, dict[str, int]]:
    """Alerts and distinct accounts per rule, for every rule the run evaluated."""
    counts = {
        rule.id: {"alerts": 0, "accounts": 0}
        for rule in (result.settings.chosen if result.settings else ())
        if rule.id not in result.skipped
    }
    named: dict[str, set[str]] = {}
    for alert in result.alerts:
        counts.setdefault(alert.rule_id, {"alerts": 0, "accounts": 0})["alerts"] += 1
        named.setdefault(alert.rule_id, set()).update(alert.accounts)
    for rule_id, accounts in named.items():
        counts[rule_id]["accounts"] = len(accounts)
    return dict(sorted(counts.items()))


@dataclass
class Calibration:
    """Settings read off the data, the readings behind them, and the volume they would raise."""

    settings: PackSettings
    readings: list[Reading]
    volumes: dict[str, dict[str, int]]
    transactions: int
    skipped: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings.record(),
            "transactions": self.transactions,
            "thresholds": [reading.to_dict() for reading in self.readings],
            "volumes": self.volumes,
            "skipped": self.skipped,
        }


def calibrate_pack(
    transactions: Source,
    *,
    accounts: Source | None = None,
    parties: Source | None = None,
    hits: Source | None = None,
    settings: PackSettings | None = None,
    engine: Engine | None = None,
    rates: Mapping[str, float] | None = None,
) -> Calibration:
    """Every relative threshold the settings leave open, read off these files without labels,
    and the alerts per rule they raise here (the expected volume)."""
    start = settings or PackSettings()
    result = run_pack(transactions, accounts=accounts, parties=parties, hits=hits,
                      settings=start, engine=engine, rates=rates)  # fmt: skip
    assert result.settings is not None
    made = result.settings
    described = dict(made.input or {}) or {"transactions": _name(transactions)}
    described.setdefault("payments", result.transactions)
    made = replace(made, source="data", input=described, file=None)
    return Calibration(made, result.readings, volumes(result), result.transactions,
                       dict(result.skipped))  # fmt: skip


def read_account_labels(path: str | Path) -> dict[str, str] | set[str]:
    """Labelled accounts from a Parquet or CSV file with an ``account_id`` column; with a
    ``typology`` column too, as ``{account_id: typology}`` so recall is measured per rule."""
    ids = label_column(path, "account_id")
    if file_format(path) == "csv":
        reader = CsvReader(Path(path), required=("account_id",), what="labels file")
        if "typology" not in reader.header:
            return ids
        pairs = [(row["account_id"], row["typology"]) for _, row in reader]
    else:
        if "typology" not in pq.read_schema(path).names:
            return ids
        table = pq.read_table(path, columns=["account_id", "typology"]).to_pylist()
        pairs = [(str(row["account_id"]), str(row["typology"] or "")) for row in table]
    return {account: typology for account, typology in pairs if account}


def _name(source: Source) -> str:
    return getattr(source, "name", None) or "this input"


@dataclass(frozen=True)
class Point:
    """One threshold on a rule's curve and what it would raise."""

    threshold: float
    alerts: int
    accounts: int
    precision: float
    recall: float
    tx_precision: float | None = None
    tx_recall: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class RuleCurve:
    """A rule's tuned parameter, its curve, and the threshold chosen on it."""

    rule: str
    param: str
    op: str
    points: list[Point]
    chosen: Point | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "param": self.param,
            "op": self.op,
            "chosen": self.chosen.to_dict() if self.chosen else None,
            "note": self.note,
            "curve": [point.to_dict() for point in self.points],
        }


@dataclass
class Tuning:
    """Tuned settings, each rule's curve, and the volume and quality of the tuned pack."""

    settings: PackSettings
    curves: list[RuleCurve]
    volumes: dict[str, dict[str, int]]
    target: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings.record(),
            "target": self.target,
            "rules": [curve.to_dict() for curve in self.curves],
            "volumes": self.volumes,
        }


def tune_pack(
    transactions: Source,
    *,
    account_labels: Iterable[str] | Mapping[str, str],
    tx_labels: Iterable[str] | None = None,
    precision: float | None = None,
    budget: int | None = None,
    accounts: Source | None = None,
    parties: Source | None = None,
    hits: Source | None = None,
    settings: PackSettings | None = None,
    engine: Engine | None = None,
    rates: Mapping[str, float] | None = None,
) -> Tuning:
    """Thresholds chosen on labelled data, for a precision target or a whole-pack alert budget.

    ``account_labels`` are the accounts known to be illicit; given as ``{account_id: typology}``
    each rule's recall is measured on its own typology's accounts (where the labels have it).
    An alert counts as true when it names a labelled account; at a threshold, an alert is kept
    when the window that leads it passes the threshold.
    """
    if (precision is None) == (budget is None):
        raise ValueError("give a precision target or an alert budget, not both")
    files = {"accounts": accounts, "parties": parties, "hits": hits, "rates": rates}
    calibration = calibrate_pack(transactions, settings=settings, engine=engine, **files)
    base = calibration.settings
    tuned = {rule.id: rule.tuned for rule in base.chosen if rule.tuned is not None}
    loose = base.with_values({rule_id: {p.name: _loosest(p)} for rule_id, p in tuned.items()}, {})
    relaxed = run_pack(transactions, settings=loose, engine=engine, **files)
    typed = dict(account_labels) if isinstance(account_labels, Mapping) else None
    positives = set(typed or account_labels)
    tx_positives = set(tx_labels) if tx_labels is not None else None
    curves = []
    for rule in base.chosen:
        if rule.id not in tuned or rule.id in relaxed.skipped:
            continue
        param = tuned[rule.id]
        truth = {a for a, t in typed.items() if t == rule.typology} if typed else set()
        curve = _curve(rule, param, [a for a in relaxed.alerts if a.rule_id == rule.id],
                       positives, truth or positives, tx_positives)  # fmt: skip
        curves.append(curve)
    fixed = sum(1 for a in relaxed.alerts if a.rule_id not in tuned)
    if precision is not None:
        for curve in curves:
            _choose_for_precision(curve, precision)
        target = f"precision ≥ {precision:g}"
    else:
        _choose_for_budget(curves, max(int(budget or 0) - fixed, 0))
        target = f"at most {budget:,} alerts"
    values, words = {}, {}
    for curve in curves:
        if curve.chosen is None:
            continue
        param = tuned[curve.rule]
        values[curve.rule] = {param.name: param.coerce(_as_param(param, curve.chosen.threshold))}
        point = curve.chosen
        words[curve.rule] = {
            param.name: f"chosen by tune for {target} (precision {point.precision:.2f}, "
            f"recall {point.recall:.2f} on the labelled accounts)"
        }
    made = replace(base.with_values(values, words), source="labels")
    final = run_pack(transactions, settings=made, engine=engine, **files)
    return Tuning(made, curves, volumes(final), target)


def _loosest(param: Param) -> Any:
    """The loosest value worth testing below the line: the relative floor, else the bound."""
    assert param.relative is not None
    floor = param.relative.floor or param.bounds[0]
    return param.coerce(floor)


def _as_param(param: Param, value: float) -> Any:
    return int(value) if isinstance(param.default, int) else float(value)


def _condition_of(rule: Rule, param: Param) -> tuple[str, str]:
    condition = next(c for c in rule.conditions if c.param == param.name)
    return condition.metric, condition.op


def _curve(
    rule: Rule,
    param: Param,
    alerts: Sequence[Alert],
    positives: set[str],
    truth: set[str],
    tx_positives: set[str] | None,
) -> RuleCurve:
    """Precision and recall of ``rule`` at thresholds from its loosest to its strictest."""
    metric, op = _condition_of(rule, param)
    values = np.array([float(a.evidence["metrics"][metric]) for a in alerts], dtype=float)
    candidates = np.unique(values)
    if len(candidates) > CURVE_POINTS:
        levels = np.linspace(0, 1, CURVE_POINTS)
        candidates = np.unique(np.quantile(candidates, levels, method="inverted_cdf"))
    test = OPS[op]
    points = []
    for level in candidates:
        kept = [a for a, v in zip(alerts, values, strict=True) if test(v, level)]
        named = {acc for a in kept for acc in a.accounts}
        true = named & positives
        point = Point(
            threshold=round(float(level), 4),
            alerts=len(kept),
            accounts=len(named),
            precision=round(len(true) / len(named), 4) if named else 0.0,
            recall=round(len(named & truth) / len(truth), 4) if truth else 0.0,
        )
        if tx_positives is not None:
            payments = {tx for a in kept for tx in a.tx_ids}
            hit = payments & tx_positives
            point = replace(
                point,
                tx_precision=round(len(hit) / len(payments), 4) if payments else 0.0,
                tx_recall=round(len(hit) / len(tx_positives), 4) if tx_positives else 0.0,
            )
        points.append(point)
    return RuleCurve(rule.id, param.name, op, points)


def _choose_for_precision(curve: RuleCurve, target: float) -> None:
    """The threshold with the most recall among those that reach the precision target."""
    good = [p for p in curve.points if p.alerts and p.precision >= target]
    if good:
        curve.chosen = max(good, key=lambda p: (p.recall, p.precision, -p.alerts))
    else:
        curve.note = f"no threshold reaches precision {target:g}; the calibrated one is kept"


def _choose_for_budget(curves: list[RuleCurve], budget: int) -> None:
    """Spend an alert budget across rules, one step down a curve at a time, always on the step
    that adds the most true accounts per added alert."""
    at = {c.rule: len(c.points) - 1 for c in curves if c.points}  # strictest first
    by_rule = {c.rule: c for c in curves}
    spent = sum(by_rule[r].points[i].alerts for r, i in at.items())
    while True:
        best, gain = None, 0.0  # a step that finds nothing more is not worth its alerts
        for rule_id, index in at.items():
            if index == 0:
                continue
            now, step = by_rule[rule_id].points[index], by_rule[rule_id].points[index - 1]
            added = step.alerts - now.alerts
            if spent + added > budget:
                continue
            value = (step.precision * step.accounts - now.precision * now.accounts) / max(added, 1)
            if value > gain:
                best, gain = rule_id, value
        if best is None:
            break
        points = by_rule[best].points
        spent += points[at[best] - 1].alerts - points[at[best]].alerts
        at[best] -= 1
    for rule_id, index in at.items():
        by_rule[rule_id].chosen = by_rule[rule_id].points[index]
    if spent > budget:
        for curve in curves:
            curve.note = f"the strictest thresholds already raise {spent:,} alerts"
