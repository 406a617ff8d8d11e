"""Run the rule pack: bind the chosen engine, evaluate every rule, and turn rows into alerts.

Incremental mode keeps a watermark (the latest transaction time seen) under ``$SEVER_HOME/state``.
The next run reads only transactions inside the longest rule window before that watermark, and
keeps only alerts that involve at least one transaction after it: history is not recomputed.

Payments dated after the run (a typo such as 9999-12-31, or a payment booked ahead) would pin the
watermark in the future, so that every later run silently saw nothing. An incremental run leaves
them out, of its rules and of its watermark, and says how many it left out: they are evaluated by
the first run after their date. A full run evaluates them and reports their number too.

Identical runs give identical alerts, byte for byte, whatever the engine's thread count: rows that
come back from an engine in no particular order are put in one order before they are used.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from sever.alerts import FINDING_SCHEMA, Alert, alert_id
from sever.errors import InputError
from sever.home import Home
from sever.monitor.calibrate import Pace, Reading, calibrate, file_pace
from sever.monitor.explain import describe
from sever.monitor.flows import DAY, busy_accounts
from sever.monitor.inputs import prepare
from sever.monitor.rule import Inputs, Rule
from sever.monitor.settings import SOURCES, PackSettings
from sever.monitor.vessels import LISTED_IMO, fill_listed_imo
from sever.tables.atomic import atomic_output
from sever.tables.contracts import ACCOUNTS, HITS, PARTIES, TRANSACTIONS, Contract, conform
from sever.tables.engine import Engine, connect
from sever.tables.io import read_input
from sever.tables.text_input import read_text

SEVERITY_SCORE = {"low": 0.25, "medium": 0.5, "high": 0.75, "critical": 0.95}
"""An alert's score when no trained model is present: its rule's severity as a number."""

Source = str | Path | pd.DataFrame | pa.Table


@dataclass(frozen=True)
class FuturePayments:
    """Payments dated after the run's own time: how many, the latest, and what was done."""

    count: int
    latest: str
    """The latest such time, as ISO text (it may lie beyond what a datetime can hold)."""
    left_out: bool
    """True when the run left them out (incremental runs); False when it evaluated them."""

    def sentence(self) -> str:
        what = (
            "were left out of this run and of its watermark; they are evaluated by the first "
            "run after their date"
            if self.left_out
            else "were evaluated; an incremental run would leave them out until their date"
        )
        return f"{self.count:,} payment(s) dated after this run (latest {self.latest}) {what}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "latest": self.latest,
            "left_out": self.left_out,
            "why": "dated after this run",
        }


@dataclass
class MonitorResult:
    """What a run found, what it could not run and why, and how long each rule took."""

    alerts: list[Alert]
    engine: str
    transactions: int
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    watermark: datetime | None = None
    future: FuturePayments | None = None
    """Payments dated after the run, when there were any."""
    settings: PackSettings | None = None
    """The settings the run used, with every threshold it calibrated filled in."""
    readings: list[Reading] = field(default_factory=list)
    """The thresholds this run read off its own input (none when the settings gave them all)."""

    def summary(self) -> str:
        """A printable summary: alerts per typology and rule, skipped rules, timings."""
        lines = [
            f"{len(self.alerts):,} alert(s) over {self.transactions:,} transaction(s) "
            f"on {self.engine} in {sum(self.seconds.values()):.1f} s"
        ]
        counts: dict[tuple[str, str], int] = {}
        for alert in self.alerts:
            counts[(alert.typology, alert.rule_id)] = (
                counts.get((alert.typology, alert.rule_id), 0) + 1
            )
        for (typology, rule_id), n in sorted(counts.items()):
            lines.append(f"  {typology:<20} {rule_id:<22} {n:>7,}")
        if self.settings is not None:
            lines.append(f"  thresholds: {thresholds_phrase(self.settings, self.readings)}")
        for rule_id, why in sorted(self.skipped.items()):
            lines.append(f"  skipped {rule_id}: {why}")
        if self.future is not None:
            lines.append(f"  note: {self.future.sentence()}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [alert.to_dict() for alert in self.alerts], columns=FINDING_SCHEMA.names
        )


def run_pack(
    transactions: Source,
    *,
    accounts: Source | None = None,
    parties: Source | None = None,
    hits: Source | None = None,
    settings: PackSettings | None = None,
    engine: Engine | None = None,
    rates: Mapping[str, float] | None = None,
    home: Home | None = None,
    incremental: str | None = None,
    scorer: Any = None,
    now: datetime | None = None,
) -> MonitorResult:
    """Evaluate the DPRK rule pack over transactions and return the alerts with their evidence.

    ``settings`` says which rules run, with which thresholds, on which engine; thresholds they
    leave open are calibrated on this input when relative, else the rule's default (with no
    settings at all, every relative threshold is calibrated on the input). ``engine`` is an
    engine already connected, used instead of connecting to the one the settings name.
    ``incremental`` names a watermark kept in ``home``: evaluate only transactions since the
    last run with that name (plus the look-back the rules need), then move the watermark
    forward. ``scorer`` (a trained :class:`~sever.monitor.scorer.Scorer`) replaces each alert's
    severity score with the model's calibrated score and adds the features that drove it.
    ``now`` is the run's own time (the clock by default): payments dated after it never move
    the watermark.
    """
    settings = settings or PackSettings()
    chosen = settings.chosen
    for rule in chosen:
        settings.values(rule)  # refuse unknown or bad values before any work
    now_t = int((now or datetime.now(UTC)).timestamp())
    last = None
    if incremental is not None:
        last = _read_watermark(home or Home.resolve(), check_run_name(incremental), now_t)
    bound = engine or connect(settings.engine, master=settings.master)
    started = time.perf_counter()
    tx = _open(bound, transactions, TRANSACTIONS)
    whole = prepare(
        bound,
        tx,
        tx_path=transactions if isinstance(transactions, (str, Path)) else None,
        accounts=_open(bound, accounts, ACCOUNTS),
        parties=_open(bound, parties, PARTIES),
        hits=_open(bound, hits, HITS),
        rates=rates,
    )
    incremental_run = incremental is not None
    future = _future_payments(bound, whole.tx, now_t, left_out=incremental_run)
    if future is not None and incremental_run:
        whole = Inputs(bound.keep(whole.tx.filter(whole.tx.t <= now_t)), whole.accounts,
                       whole.hits, parties=whole.parties)  # fmt: skip
    pace = file_pace(bound, whole.tx)
    whole = Inputs(whole.tx, whole.accounts, whole.hits, keep=bound.keep, parties=whole.parties,
                   busy=bound.keep(busy_accounts(whole.tx, scale=pace.scale)))  # fmt: skip
    settings, readings = _calibrated(bound, whole, settings, transactions, pace)
    values = {rule.id: settings.values(rule) for rule in chosen}
    fill_listed_imo(values, chosen, home)
    inputs = whole
    if last is not None:
        look_back = max(rule.lookback(values[rule.id]) for rule in chosen)
        recent = whole.tx.filter(whole.tx.t >= int(last - look_back * DAY))
        inputs = Inputs(bound.keep(recent), whole.accounts, whole.hits, keep=bound.keep,
                        busy=bound.keep(busy_accounts(recent, scale=pace.scale)),
                        parties=whole.parties)  # fmt: skip
    tx_t = inputs.tx.t
    stats = bound.to_pandas(
        inputs.tx.aggregate(n=inputs.tx.count(), last=tx_t.max(where=tx_t <= now_t))
    )
    result = MonitorResult([], bound.name, int(stats.n.iloc[0]), future=future,
                           settings=settings, readings=readings)  # fmt: skip
    result.seconds["prepare"] = time.perf_counter() - started
    rows: list[tuple[Rule, dict[str, Any]]] = []
    for rule in chosen:
        missing = [need for need in rule.needs if getattr(inputs, need) is None]
        if missing:
            result.skipped[rule.id] = f"needs {', '.join(missing)} (not given)"
            continue
        if values[rule.id].get(LISTED_IMO) == ():
            result.skipped[rule.id] = "needs listed vessels (load the lists, or set listed_imo)"
            continue
        clock = time.perf_counter()
        found = bound.to_pandas(rule.candidates(inputs, values[rule.id]))
        result.seconds[rule.id] = time.perf_counter() - clock
        rows.extend((rule, record) for record in found.to_dict("records"))
    clock = time.perf_counter()
    edges = _edges(bound, inputs.tx, rows)
    alerts = [_alert(ep, values[ep.rule.id], edges, settings) for ep in _episodes(rows)]
    if last is not None:
        alerts = [a for a in alerts if a.period_end and a.period_end.timestamp() > last]
    if scorer is not None:  # the model alerts on its own, even when no rule did
        from sever.monitor.training import scored_alerts

        alerts = scored_alerts(bound, inputs, alerts, scorer)
    result.alerts = sorted(alerts, key=lambda a: (a.rule_id, a.period_start or _EPOCH, a.alert_id))
    result.seconds["alerts"] = time.perf_counter() - clock
    newest = stats["last"].iloc[0]
    if pd.notna(newest):
        result.watermark = datetime.fromtimestamp(int(newest), UTC)
        if incremental_run:
            _write_watermark(home or Home.resolve(), incremental, int(newest), last)
    return result


def _calibrated(
    engine: Engine, inputs: Inputs, settings: PackSettings, transactions: Source, pace: Pace
) -> tuple[PackSettings, list[Reading]]:
    """``settings`` with the relative thresholds they leave open read off this run's input.

    Settings that gave no thresholds at all become "calibrated on this input"; otherwise they
    keep their source, and the basis of each threshold read here says where it came from.
    """
    if not any(settings.missing(rule) for rule in settings.chosen):
        return settings, []
    name = Path(transactions).name if isinstance(transactions, (str, Path)) else "this input"
    fresh = not settings.thresholds
    calibrated, readings = calibrate(engine, inputs, settings, input_name=name, pace=pace)
    if fresh:
        payments = int(engine.to_pandas(inputs.tx.count().as_table()).iloc[0, 0])
        described = {"transactions": name, "payments": payments}
        calibrated = replace(calibrated, source="data", input=described)
    return calibrated, readings


_EPOCH = datetime.fromtimestamp(0, UTC)


def _future_payments(
    engine: Engine, tx: Any, now_t: int, *, left_out: bool
) -> FuturePayments | None:
    """How many payments are dated after ``now_t`` (seconds), and the latest, if any are."""
    later = tx.t > now_t
    found = engine.to_pandas(
        tx.aggregate(count=later.ifelse(1, 0).sum(), latest=tx.t.max(where=later))
    )
    count = int(found["count"].fillna(0).iloc[0])
    if not count:
        return None
    latest = int(found["latest"].iloc[0])
    return FuturePayments(count, _iso(latest), left_out)


def _iso(seconds: int) -> str:
    """A time in seconds since 1970 as ISO text in UTC."""
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _open(engine: Engine, source: Source | None, contract: Contract) -> Any:
    """A path, pandas frame or Arrow table as a conformed table on the engine."""
    if source is None:
        return None
    if isinstance(source, (str, Path)):
        return read_input(engine, source, contract)
    frame = (
        source
        if isinstance(source, pa.Table)
        else pa.Table.from_pandas(source, preserve_index=False)
    )
    return conform(engine.table(frame), contract, f"<{contract.name}>")


def _edges(engine: Engine, tx: Any, rows: Sequence[tuple[Rule, dict]]) -> dict[str, dict]:
    """The transactions named by any alert, fetched once: the subgraph the evidence describes."""
    wanted = sorted({tx_id for _, record in rows for tx_id in record["tx_ids"]})
    if not wanted:
        return {}
    ids = engine.table(pa.table({"wanted": wanted}))
    found = tx.join(ids, tx.tx_id == ids.wanted).select(
        "tx_id", "t", "src_account", "dst_account", "amount_usd"
    )
    frame = engine.to_pandas(found)
    frame["timestamp"] = [datetime.fromtimestamp(int(t), UTC) for t in frame.t]
    return {record["tx_id"]: record for record in frame.to_dict("records")}


@dataclass
class _Episode:
    """Rows of one rule about one account that share transactions: one pattern, one alert."""

    rule: Rule
    focus: str
    lead: dict
    tx_ids: set[str]
    accounts: set[str]
    windows: int = 1


def _episodes(rows: Sequence[tuple[Rule, dict]]) -> list[_Episode]:
    """Group overlapping windows: hopping windows can see one pattern twice.

    The row with the most transactions leads (its numbers are the evidence); the others add
    their transactions and accounts. Ties are broken by the rows' whole content, never by the
    order the engine returned them in: two list entries matched to one party with the same
    payments always give the same lead.
    """
    groups: dict[tuple[str, str], list[tuple[Rule, dict]]] = {}
    for rule, record in rows:
        groups.setdefault((rule.id, str(record["focus"])), []).append((rule, record))
    episodes: list[_Episode] = []
    for (_, focus), members in sorted(groups.items()):
        members.sort(key=_lead_order)
        open_: list[_Episode] = []
        for rule, record in members:
            ids = set(record["tx_ids"])
            accounts = {str(a) for a in record["accounts"] if a is not None} | {focus}
            home_episode = next((e for e in open_ if e.tx_ids & ids), None)
            if home_episode is None:
                open_.append(_Episode(rule, focus, record, ids, accounts))
            else:
                home_episode.tx_ids |= ids
                home_episode.accounts |= accounts
                home_episode.windows += 1
        episodes.extend(open_)
    return episodes


def _lead_order(member: tuple[Rule, dict]) -> tuple:
    """Most transactions first, then the smallest transaction ids, then the row's content."""
    ids = sorted({str(tx) for tx in member[1]["tx_ids"]})
    return (-len(ids), ids, _canonical(member[1]))


def _canonical(record: Mapping[str, Any]) -> str:
    """A row as text that does not depend on the order of its lists (engines collect in any
    order)."""

    def plain(value: Any) -> Any:
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, (list, tuple, set)):
            return sorted((plain(v) for v in value), key=repr)
        return _plain(value)

    return json.dumps({k: plain(v) for k, v in record.items()}, sort_keys=True, default=str)


def thresholds_phrase(settings: PackSettings, readings: Sequence[Reading] = ()) -> str:
    """Where a run's thresholds came from, in one phrase (summary and explanations)."""
    record = settings.record()
    origin = (settings.input or {}).get("transactions")
    if readings and settings.file is None and settings.source == "data":
        what = f"calibrated on this input ({origin}), no settings file given"
    elif settings.source == "data":
        what = f"calibrated on {origin}" if origin else "calibrated on the data"
    elif settings.source == "labels":
        what = f"tuned on labelled data ({origin})" if origin else "tuned on labelled data"
    else:
        what = SOURCES[settings.source]
    if settings.file:
        what += f", from {Path(settings.file).name}"
    return f"settings {record['id']} ({what})"


def _alert(
    episode: _Episode, params: Mapping[str, Any], edges: dict, settings: PackSettings
) -> Alert:
    rule = episode.rule
    tx_ids = tuple(sorted(episode.tx_ids))
    accounts = tuple(sorted(episode.accounts))
    seen = [edges[tx] for tx in tx_ids if tx in edges]
    amount = round(sum(edge["amount_usd"] for edge in seen), 2)
    start = min((edge["timestamp"] for edge in seen), default=None)
    end = max((edge["timestamp"] for edge in seen), default=None)
    reasons = rule.reasons(episode.lead, params, settings.basis.get(rule.id))
    evidence = {
        "focus": episode.focus,
        "metrics": {name: _plain(episode.lead[name]) for name in rule.metric_columns},
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "settings": settings.record(),
        "windows": episode.windows,
        "edges": [
            {k: edge[k] for k in ("tx_id", "src_account", "dst_account", "amount_usd")}
            | {"timestamp": edge["timestamp"].isoformat()}
            for edge in seen[:EDGES_KEPT]
        ],
    }
    return Alert(
        alert_id=alert_id(rule.id, episode.focus, tx_ids),
        typology=rule.typology,
        rule_id=rule.id,
        severity=rule.severity,
        accounts=accounts,
        tx_ids=tx_ids,
        amount=amount,
        period_start=start,
        period_end=end,
        score=SEVERITY_SCORE[rule.severity],
        reasons=reasons,
        evidence=evidence,
        explanation=describe(
            rule.id,
            rule.description,
            episode.focus,
            reasons,
            seen,
            accounts,
            amount,
            start,
            end,
            thresholds=thresholds_phrase(settings),
        ),
    )


EDGES_KEPT = 50
"""Payments listed in an alert's evidence (all are in ``tx_ids``)."""


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value


RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""An incremental run's name. It names a file under ``$SEVER_HOME/state``: no ``/``, no ``..``."""


def check_run_name(name: str) -> str:
    """The incremental run's name, or an InputError naming the option."""
    if not RUN_NAME.fullmatch(name):
        shown = name if len(name) <= 40 else name[:40] + "…"
        raise InputError(
            None,
            f"{shown!r} is not a run name: use 1 to 64 letters, digits, '_' or '-', "
            "starting with a letter or digit",
            field="--incremental",
        )
    return name


def _state_file(home: Home, name: str) -> Path:
    return home.state / f"monitor-{name}.json"


def _read_watermark(home: Home, name: str, now_t: int) -> int | None:
    """The last run's watermark (seconds), or None for a first run.

    A watermark after ``now_t`` (left by an older version from a payment dated in the future)
    would hide every later payment: it is an error that says how to start over.
    """
    path = _state_file(home, name)
    if not path.exists():
        return None
    try:
        value = int(json.loads(read_text(path, what="watermark file"))["last_t"])
        shown = _iso(value)
    except (ValueError, KeyError, TypeError, OverflowError, OSError):
        raise InputError(
            path, f"is not a watermark sever wrote; delete it to run {name!r} from the start"
        ) from None
    if value > now_t:
        raise InputError(
            path,
            f"the watermark of {name!r} ({shown}) is after this run's time ({_iso(now_t)}), "
            "so every payment would be taken as already seen; delete the file to run from "
            "the start",
        )
    return value


def _write_watermark(home: Home, name: str, newest: int, previous: int | None) -> None:
    """Move the watermark forward only (a file of older transactions never moves it back)."""
    value = max(newest, previous or newest)
    home.state.mkdir(parents=True, exist_ok=True)
    with atomic_output(_state_file(home, name)) as temp:
        temp.write_text(json.dumps({"last_t": value, "last": _iso(value)}), encoding="utf-8")
