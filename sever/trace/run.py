"""``trace()``: follow stolen value from its sources to where it is now, with one method.

The steps, each in its own module: the transfers are read and normalised
(:mod:`~sever.trace.transfers`); the start is resolved (:mod:`~sever.trace.sources`); the engine
finds every address reachable in time order within the bounds (:mod:`~sever.trace.reach`); the
transfers touching those addresses come back, are priced (:mod:`~sever.trace.prices`), optionally
have their service legs matched (:mod:`~sever.trace.legs`), and one taint pass moves the stolen
value (:mod:`~sever.trace.taint`); the reached addresses, endpoints, patterns, freeze list and
alerts are then read off the tainted transfers.

Backward tracing (attribution) runs the same steps on the transfers reversed in direction and in
time: it starts at an address (a deposit address, say) and finds where its funds came from, with
each upstream address's share of what the start received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from sever.alerts import Alert
from sever.errors import InputError
from sever.tables.engine import Engine
from sever.trace.endpoints import endpoint_alerts, headline
from sever.trace.legs import LegRules, Matches, match_legs, no_matches
from sever.trace.memory import small_pages
from sever.trace.patterns import Flow, Pattern, find_patterns
from sever.trace.prices import Prices, reference_prices
from sever.trace.progress import Progress, silent
from sever.trace.reach import Bounds, described, keys_of, reach, touching
from sever.trace.results import address_rows, with_times
from sever.trace.sources import Start, resolve_start
from sever.trace.tags import ABSORBING, Tags
from sever.trace.taint import DEFAULT_METHOD, METHODS, describe
from sever.trace.taint.ledger import build_ledger
from sever.trace.taint.propagate import Plan, propagate
from sever.trace.transfers import COLUMNS, Transfers

DIRECTIONS = ("forward", "backward")

MATCH_ROUNDS = 5
"""With leg matching, how many times reachability is extended across matched bridge crossings
(a payout on another chain comes from an address the first pass could not reach)."""


@dataclass(frozen=True)
class TraceSettings:
    """Everything that decides a trace, recorded in its output."""

    sources: tuple[str, ...]
    method: str = DEFAULT_METHOD
    direction: str = "forward"
    hops: int = 20
    since: int | None = None
    """Epoch seconds: transfers before are ignored (and a source's funds count from then)."""
    until: int | None = None
    min_usd: float = 1.0
    """Tainted amounts below this many US dollars are not followed (written off, counted, as is
    value that reaches the hop bound)."""
    match_legs: bool = False
    legs: LegRules = field(default_factory=LegRules)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputError(
                None,
                f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}",
                field="--method",
            )
        if self.direction not in DIRECTIONS:
            raise InputError(None, f"unknown direction {self.direction!r}", field="--direction")
        if not 1 <= self.hops <= 1000:
            raise InputError(
                None, f"hops must be between 1 and 1000, not {self.hops}", field="--hops"
            )
        if self.min_usd < 0 or not np.isfinite(self.min_usd):
            raise InputError(None, "must be a number of dollars, 0 or more", field="--min-usd")
        if self.since is not None and self.until is not None and self.until < self.since:
            raise InputError(None, "--until is before --since", field="--until")

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": list(self.sources),
            "method": self.method,
            "direction": self.direction,
            "hops": self.hops,
            "since": self.since,
            "until": self.until,
            "min_usd": self.min_usd,
            "match_legs": self.match_legs,
            "legs": vars(self.legs) if self.match_legs else None,
        }


@dataclass
class TraceResult:
    """A trace's findings: one row per reached address, the tainted transfers, and how."""

    settings: TraceSettings
    addresses: pd.DataFrame
    """One row per reached address and asset (see :data:`sever.trace.results.ADDRESS_COLUMNS`)."""
    flows: pd.DataFrame
    """Every transfer that carried tainted value: ``tx_hash, seconds, src, dst, value, asset,
    tainted, tainted_usd, match_kind``."""
    stolen_usd: float
    stolen_value: dict[str, float]
    written_off_usd: float
    handling: dict[str, int]
    prices: str
    missing_sources: tuple[str, ...]
    reached: int
    passed: int
    """Transfers the taint pass walked."""
    matches: pd.DataFrame = field(default_factory=pd.DataFrame)
    patterns: list[Pattern] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def headline(self) -> str:
        """The outcome in one sentence."""
        return headline(self.addresses, self.stolen_usd)

    def summary(self) -> dict[str, Any]:
        """Everything but the tables, for ``--json`` and the report."""
        return {
            "settings": self.settings.to_dict(),
            "headline": self.headline(),
            "stolen_usd": round(self.stolen_usd, 2),
            "stolen_value": {k: round(v, 8) for k, v in self.stolen_value.items()},
            "written_off_usd": round(self.written_off_usd, 2),
            "transfers": self.handling,
            "prices": self.prices,
            "missing_sources": list(self.missing_sources),
            "addresses_reached": self.reached,
            "addresses_traced": len(self.addresses),
            "transfers_walked": self.passed,
            "tainted_transfers": len(self.flows),
            "matched_legs": len(self.matches),
            "method": describe(self.settings.method).split("\n")[0],
        }


def trace(
    transfers: Transfers,
    settings: TraceSettings,
    tags: Tags | None = None,
    prices: Prices | None = None,
    progress: Progress = silent,
) -> TraceResult:
    """Trace the stolen value from ``settings.sources`` through ``transfers``; ``progress``
    hears of each hop followed and of the steps after."""
    with small_pages():
        return _traced(transfers, settings, tags, prices, progress)


def _traced(
    transfers: Transfers,
    settings: TraceSettings,
    tags: Tags | None,
    prices: Prices | None,
    progress: Progress,
) -> TraceResult:
    """:func:`trace`'s steps."""
    tags = tags or Tags()
    prices = prices or reference_prices()
    engine = transfers.engine
    table, since, until = _oriented(transfers, settings)
    start = resolve_start(engine, table, settings.sources, since)
    absorbing = tags.of_category(ABSORBING)
    bounds = Bounds(hops=settings.hops, since=since, until=until)
    starts = pd.DataFrame(
        [(a, t, 0) for a, t in start.seeds_from().items()],
        columns=["address", "arrival", "min_hops"],
    )
    for _ in range(MATCH_ROUNDS if settings.match_legs else 1):
        reached = reach(engine, table, starts, absorbing, bounds, progress)
        walked = reached.key[~reached.address.isin(absorbing - set(start.addresses))].to_numpy()
        if settings.match_legs:
            walked = np.union1d(walked, keys_of(engine, tags.of_category(("bridge",))))
        frame = touching(
            engine,
            table,
            reached,
            walked,
            stops=absorbing | set(start.addresses),
            begins=start.addresses,
            bounds=bounds,
        )
        price = prices.usd(frame.asset, np.abs(frame.seconds.to_numpy()))
        usd = _dollars(transfers, table, frame, price)
        if not settings.match_legs:
            matches = no_matches(len(frame))
            break
        # Leg matching reads every row's hash, sender and receiver.
        named = _with_text(engine, table, frame)
        matches = match_legs(named, usd, set(reached.address), tags, settings.legs)
        landed = _payout_receivers(named, matches, reached, settings.hops)
        if landed.empty:
            break
        starts = pd.concat([starts, landed], ignore_index=True)
    progress("moving value", 0, 2)
    plan = _plan(frame, start, price, settings.min_usd, matches)
    # Value carried out of an address at the hop bound leaves the trace there (written off).
    plan.floor[frame.src_hops.to_numpy() >= settings.hops] = np.inf
    mixers = keys_of(engine, tags.of_category(("mixer",)))
    ledger = build_ledger(frame, matches.leg_in >= 0, matches.payout >= 0, mixers)
    method = METHODS[settings.method](ledger)
    moved = propagate(ledger, method, plan)
    progress("moving value", 1, 2)
    flows = _flows(engine, table, frame, moved.amount, price, matches)
    carried = moved.amount > 0
    stolen = flows[plan.seed[carried] & ~flows.dst.isin(start.addresses).to_numpy()]
    stolen_usd = float(stolen.tainted_usd.sum())
    holdings = _holdings(engine, table, ledger, method)
    rows = address_rows(flows, reached, start, tags, stolen_usd, holdings)
    if settings.direction == "backward":
        rows, flows = _reoriented(rows, flows)
    rows = with_times(rows)
    patterns = find_patterns(Flow(flows, tags).significant(stolen_usd))
    alerts = endpoint_alerts(
        rows, flows, patterns, settings.method, list(start.addresses) or sorted(start.receivers)
    )
    progress("moving value", 2, 2)
    return TraceResult(
        settings=settings,
        addresses=rows,
        flows=flows,
        stolen_usd=stolen_usd,
        stolen_value=stolen.groupby("asset").tainted.sum().to_dict(),
        written_off_usd=float((moved.written_off * np.nan_to_num(price, nan=0.0)).sum()),
        handling=transfers.handling.to_dict(),
        prices=prices.describe(),
        missing_sources=start.missing,
        reached=len(reached),
        passed=len(frame),
        matches=matches.table(frame),
        patterns=patterns,
        alerts=alerts,
    )


def _dollars(
    transfers: Transfers, table: ir.Table, frame: pd.DataFrame, price: np.ndarray
) -> np.ndarray:
    """Each transfer's value in US dollars; a value times price beyond any float (a price set far
    too high, a value in base units) is an error naming the file, the row and the field."""
    with np.errstate(over="ignore", invalid="ignore"):
        usd = frame.value.to_numpy() * np.nan_to_num(price, nan=0.0)
    beyond = np.flatnonzero(~np.isfinite(usd))
    if len(beyond):
        first = frame.iloc[beyond[0]]
        text = described(transfers.engine, table, frame.row_id.to_numpy()[beyond[:1]])
        path, row = transfers.locate(str(text.tx_hash.iloc[0]))
        raise InputError(
            path,
            f"transfers: value {first.value:g} {first.asset} at {price[beyond[0]]:g} USD each is "
            f"beyond any number ({len(beyond):,} transfer(s) like this); check --decimals and "
            "the prices",
            row=row,
            field="value",
        )
    return usd


def _payout_receivers(
    frame: pd.DataFrame, matches: Matches, reached: pd.DataFrame, hops: int
) -> pd.DataFrame:
    """Receivers of matched payouts that reachability has not reached (or reached later): they
    start the next round at the hop after the payout."""
    payouts = frame[matches.payout >= 0]
    if payouts.empty:
        return pd.DataFrame(columns=["address", "arrival", "min_hops"])
    known = reached.set_index("address")
    hop_of_sender = payouts.src.map(known.min_hops).fillna(0).astype(int) + 1
    landed = pd.DataFrame(
        {"address": payouts.dst, "arrival": payouts.seconds, "min_hops": hop_of_sender + 1}
    )
    before = landed.address.map(known.arrival)
    landed = landed[(before.isna() | (landed.arrival < before)) & (landed.min_hops <= hops)]
    return landed.sort_values("arrival").drop_duplicates("address")


def _oriented(transfers: Transfers, settings: TraceSettings) -> tuple[Any, int | None, int | None]:
    """The transfers as the trace walks them: as they are, or reversed for a backward trace
    (receivers become senders and time runs backwards, so 'after' means 'before')."""
    table = transfers.table
    if settings.direction == "forward":
        return table, settings.since, settings.until
    reversed_ = table.mutate(
        src=table.dst,
        dst=table.src,
        src_key=table.dst_key,
        dst_key=table.src_key,
        seconds=-table.seconds,
        block=-table.block,
        log_index=-table.log_index,
    )
    since = -settings.until if settings.until is not None else None
    until = -settings.since if settings.since is not None else None
    return reversed_, since, until


def _plan(
    frame: pd.DataFrame,
    start: Start,
    price: np.ndarray,
    min_usd: float,
    matches: Matches,
) -> Plan:
    """How the pass treats each transfer: seeds, where value stops, the floor followed."""
    seconds = frame.seconds.to_numpy()
    begins = frame.src_begin.to_numpy(dtype=float)
    seed = (~np.isnan(begins) & (seconds >= np.nan_to_num(begins))) | frame.row_id.isin(
        start.theft_rows
    ).to_numpy()
    stop = frame.dst_stop.to_numpy(dtype=bool)
    floor = np.where(np.isnan(price), min_usd, min_usd / np.where(price > 0, price, 1.0))
    return Plan(seed, stop, floor, matches.leg_in, matches.payout, matches.group_value)


def _with_text(engine: Engine, table: ir.Table, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each row's ``tx_hash``, ``src`` and ``dst`` (fetched by row id), and its
    asset as text."""
    text = described(engine, table, frame.row_id.to_numpy())
    rows = frame.reset_index(drop=True).assign(
        tx_hash=text.tx_hash, src=text.src, dst=text.dst, asset=frame.asset.astype(str).to_numpy()
    )
    return rows[list(FLOW_COLUMNS)]


FLOW_COLUMNS = (*COLUMNS, "src_hops", "src_begin", "dst_stop")
"""The columns of a carried transfer in :attr:`TraceResult.flows`, before what it carried."""


def _flows(
    engine: Engine,
    table: ir.Table,
    frame: pd.DataFrame,
    amount: np.ndarray,
    price: np.ndarray,
    matches: Matches,
) -> pd.DataFrame:
    """The transfers that carried tainted value, with how much (native and US dollars)."""
    carried = amount > 0
    kinds = np.array([*matches.kinds, ""], dtype=object)
    group = np.where(matches.leg_in >= 0, matches.leg_in, matches.payout)[carried]
    return _with_text(engine, table, frame[carried]).assign(
        tainted=amount[carried],
        tainted_usd=amount[carried] * price[carried],
        match_kind=kinds[np.where(group >= 0, group, len(matches.kinds))],
        match_group=group,
    )


def _holdings(engine: Engine, table: ir.Table, ledger: Any, method: Any) -> pd.DataFrame:
    """Tainted value each address still holds at the end of the data (where the money is now):
    each holding node's address and asset are read off one transfer that touches it."""
    frame = ledger.frame
    n = len(frame)
    nodes = np.flatnonzero(method.held > 0) if method.name != "poison" else np.array([], int)
    row = np.empty(ledger.nodes, dtype=np.int64)
    row[ledger.dst_node] = np.arange(n) + n
    row[ledger.src_node] = np.arange(n)
    at = row[nodes]
    sent = at < n
    at = np.where(sent, at, at - n)
    text = described(engine, table, frame.row_id.to_numpy()[at])
    return pd.DataFrame(
        {
            "address": np.where(sent, text.src.to_numpy(), text.dst.to_numpy()),
            "asset": frame.asset.take(at).astype(str).to_numpy(),
            "held": method.held[nodes],
        }
    )


def _reoriented(rows: pd.DataFrame, flows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A backward trace's results told in real time and direction again."""
    rows = rows.assign(first_arrival=-rows.last_arrival, last_arrival=-rows.first_arrival)
    flows = flows.assign(src=flows.dst, dst=flows.src, seconds=-flows.seconds)
    return rows, flows
