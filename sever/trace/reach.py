"""Which addresses funds from the sources can reach, hop by hop, in time order, on the engine.

A frontier expansion: the sources start with their start time; at each hop, every transfer out
of a frontier address that leaves at or after the time funds first arrived there carries them
on, and its receiver's arrival time is the earliest such transfer. An address joins the next
frontier when it is new or is reached earlier than before (an earlier arrival opens more of its
transfers). Funds cannot leave before they arrive, so a transfer made before an address was first
reached is never followed. Absorbing services (exchanges, OTC desks) are reached but not expanded.

This answers reachability only; how much value moves is the taint methods' work, done afterwards
over the transfers this step found (see :mod:`sever.trace.taint`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from sever.tables.engine import Engine, EngineError, first_line
from sever.trace.progress import Progress, silent


@dataclass(frozen=True)
class Bounds:
    """How far a trace goes: hops, a time window (epoch seconds) and the smallest value followed."""

    hops: int = 20
    since: int | None = None
    until: int | None = None
    min_value: float = 0.0
    """In native units, per transfer: smaller transfers are not followed by reachability."""


def reach(
    engine: Engine,
    transfers: ir.Table,
    starts: pd.DataFrame,
    absorbing: Iterable[str],
    bounds: Bounds,
    progress: Progress = silent,
) -> pd.DataFrame:
    """``address, arrival, min_hops, key`` of every address reached from ``starts`` (columns
    ``address, arrival, min_hops``: where the trace starts, from when, at which hop) within the
    bounds; ``key`` is the address's hash, as in the transfers' ``src_key`` and ``dst_key``. The
    search runs on the engine; only the reached addresses come back. ``progress`` hears of every
    hop."""
    window = transfers
    if bounds.since is not None:
        window = window.filter(window.seconds >= bounds.since)
    if bounds.until is not None:
        window = window.filter(window.seconds <= bounds.until)
    if bounds.min_value > 0:
        window = window.filter(window.value >= bounds.min_value)
    stop = set(absorbing) - set(starts[starts.min_hops == 0].address)
    stops = keyed(engine, stop)
    # The search joins 64-bit hashes of the addresses, not the text (several times faster per
    # hop on millions of rows); the reached hashes are named again at the end.
    moving = window.filter(~window.src_key.isin(stops.key))
    moving = engine.keep(
        moving.select(src=moving.src_key, dst=moving.dst_key, seconds=moving.seconds)
    )
    begin = engine.table(starts[["address", "arrival", "min_hops"]])
    begin = begin.mutate(key=begin.address.hash())
    found = [engine.keep(begin.select("arrival", "min_hops", address=begin.key))]
    best = found[0].select("address", "arrival")
    frontier = found[0].filter(found[0].min_hops == 0).select("address", "arrival")
    for hop in range(1, bounds.hops + 1):
        joining = found[0].filter(found[0].min_hops == hop - 1).select("address", "arrival")
        frontier = engine.keep(frontier.union(joining))
        step = _step(moving, frontier)
        known = best.rename(before="arrival")
        joined = step.left_join(known, step.address == known.address)
        improved = joined.filter(joined.before.isnull() | (joined.arrival < joined.before))
        improved = engine.keep(improved.select(address=step.address, arrival=step.arrival))
        progress("following hops", hop, bounds.hops)
        if not _count(engine, improved) and not _count(engine, found[0], found[0].min_hops >= hop):
            break
        found.append(improved.mutate(min_hops=ibis.literal(hop, "int64")))
        best = engine.keep(
            best.union(improved).group_by("address").aggregate(arrival=ibis._.arrival.min())
        )
        frontier = improved
    progress("following hops", bounds.hops, bounds.hops)
    every = ibis.union(*found)
    reached = engine.keep(
        every.group_by("address").aggregate(
            arrival=every.arrival.min(), min_hops=every.min_hops.min()
        )
    )
    # One name per key (rows that share a key share the address), found by grouping numbers.
    named = window.filter(window.dst_key.isin(reached.address))
    named = named.group_by(key=named.dst_key).aggregate(name=named.dst.arbitrary())
    names = named.union(begin.select(key=begin.key, name=begin.address)).distinct()
    out = reached.join(names, reached.address == names.key).select(
        address=names.name, arrival=reached.arrival, min_hops=reached.min_hops, key=names.key
    )
    return _fetched(engine, out).astype({"arrival": "int64", "min_hops": "int64"})


def _count(engine: Engine, table: ir.Table, where: ir.BooleanValue | None = None) -> int:
    """How many rows ``table`` has (where ``where`` holds), counted on the engine."""
    rows = table if where is None else table.filter(where)
    return int(engine.to_pandas(rows.count().name("n").as_table()).n.iloc[0])


def _step(moving: ir.Table, frontier: ir.Table) -> ir.Table:
    """One hop: the earliest arrival at each receiver of a transfer out of the frontier."""
    joined = moving.join(frontier, moving.src == frontier.address)
    onward = joined.filter(joined.seconds >= joined.arrival)
    return onward.group_by(address=onward.dst).aggregate(arrival=onward.seconds.min())


def keyed(engine: Engine, addresses: Iterable[str]) -> ir.Table:
    """A small table of addresses and their keys (hashed on the engine, as the transfers'
    ``src_key`` and ``dst_key`` are)."""
    table = engine.table(
        pa.table({"address": list(set(addresses))}, schema=pa.schema([("address", pa.string())]))
    )
    return table.mutate(key=table.address.hash())


def keys_of(engine: Engine, addresses: Iterable[str]) -> np.ndarray:
    """The keys of ``addresses`` (see :func:`keyed`)."""
    return engine.to_pandas(keyed(engine, addresses).select("key")).key.to_numpy(dtype=np.int64)


PASS_COLUMNS = (
    "row_id",
    "seconds",
    "block",
    "log_index",
    "value",
    "asset",
    "src_key",
    "dst_key",
    "src_hops",
    "src_begin",
    "dst_stop",
)
"""What :func:`touching` brings back per transfer: numbers, and the asset as a category. The
text of a transfer (hash, sender, receiver) is fetched only for the rows a result names
(:func:`described`): a trace walks millions of transfers and reports thousands."""


def touching(
    engine: Engine,
    transfers: ir.Table,
    reached: pd.DataFrame,
    walked: np.ndarray,
    *,
    stops: Iterable[str],
    begins: dict[str, int],
    bounds: Bounds,
) -> pd.DataFrame:
    """Every transfer from or to a ``walked`` address (given by key) within the time window, in
    the order the taint pass walks them: what the pass needs (outflows carry funds on, inflows
    from elsewhere dilute a balance). Columns :data:`PASS_COLUMNS`; the engine adds, per row:
    ``src_hops`` (the sender's hop from the sources, -1 when not reached), ``src_begin`` (for a
    source: the second its funds count from) and ``dst_stop`` (the receiver keeps what it gets:
    an absorbing service or a source).

    Order: time, block, position in the block; transfers the data cannot order (same second, no
    log index) go in hop order, so funds that arrive in the same block as they leave are there
    before they leave; then the row's hash."""
    keys = engine.table(pa.table({"key": pa.array(walked, pa.int64())}))
    stop = keyed(engine, stops)
    hops = engine.table(reached[["key", "min_hops"]])
    start = engine.table(
        pa.table(
            {"begin_at": list(begins), "begin": list(begins.values())},
            schema=pa.schema([("begin_at", pa.string()), ("begin", pa.int64())]),
        )
    )
    start = start.mutate(begin_key=start.begin_at.hash())
    rows = transfers.filter(transfers.src_key.isin(keys.key) | transfers.dst_key.isin(keys.key))
    if bounds.since is not None:
        rows = rows.filter(rows.seconds >= bounds.since)
    if bounds.until is not None:
        rows = rows.filter(rows.seconds <= bounds.until)
    joined = rows.left_join(hops, rows.src_key == hops.key).left_join(
        start, rows.src_key == start.begin_key
    )
    found = joined.select(
        *PASS_COLUMNS[:8],
        src_hops=joined.min_hops.fill_null(-1),
        src_begin=joined.begin,
        dst_stop=joined.dst_key.isin(stop.key),
    )
    unordered = (found.src_hops < 0).ifelse(ibis.literal(2**62, "int64"), found.src_hops)
    ordered = found.order_by(["seconds", "block", "log_index", unordered, "row_id"])
    return _fetched(engine, ordered, categories=["asset"])


def described(engine: Engine, transfers: ir.Table, row_ids: np.ndarray) -> pd.DataFrame:
    """``tx_hash, src, dst`` of the transfers with these ``row_ids``, in that order. Rows that
    share a row id share these three (the id is their hash with the value)."""
    wanted = engine.table(pa.table({"wanted": pa.array(np.unique(row_ids), pa.int64())}))
    rows = transfers.filter(transfers.row_id.isin(wanted.wanted))
    found = _fetched(engine, rows.select("row_id", "tx_hash", "src", "dst"))
    found = found.drop_duplicates("row_id").set_index("row_id")
    return found.loc[row_ids].reset_index(drop=True)


def _fetched(engine: Engine, table: ir.Table, categories: list[str] | None = None) -> pd.DataFrame:
    """A large result brought back through Arrow: the same frame as :meth:`Engine.to_pandas`,
    without Ibis's conversion walking every text value in Python (seconds per million rows);
    ``categories``: text columns of few values, brought back as categories."""
    try:
        return engine.con.to_pyarrow(table).to_pandas(categories=categories)
    except Exception as exc:  # the engine's own error types differ; name the engine
        raise EngineError(f"{engine.name} failed: {first_line(exc)}") from None
