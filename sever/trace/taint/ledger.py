"""The transfers a taint pass walks, as arrays, with every balance worked out beforehand.

The pass itself (:mod:`sever.trace.taint.propagate`) is a loop in time order that only does work
where tainted funds are; everything that does not depend on taint is computed here at once, in
numpy and pandas, over all the transfers that touch a reached address:

- a *node* is one asset at one address (an address's ETH and its USDT are separate holdings);
  at a mixer, each fixed denomination it both takes and pays at least :data:`POOL_USES` times
  is a node of its own, as each pool of Tornado Cash is a contract of its own: a 1 ETH
  withdrawal is paid from the 1 ETH pool, never from 10 ETH deposits;
- ``balance_before[i]``: what the sender held of the asset just before transfer ``i``, counting
  every transfer into and out of it in the data (tainted or not). A sender that pays out more than
  the data shows it received is taken to spend money from before the data (clean), and its
  balance does not go below zero;
- ``consumed_before[i]``: how far into the sender's stream of receipts its payments had reached
  just before ``i`` (first in, first out), and ``received_before[i]``: where in the receiver's
  stream of receipts transfer ``i`` lands. FIFO reads these.

Assumption every method shares: the data holds every transfer of a reached address within the
window; a balance from before the window is unknown and taken to be clean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

POOL_USES = 3
"""A value a mixer takes in and pays out at least this many times each is one of its pools."""


@dataclass
class Ledger:
    """Arrays over the transfers of one pass, in time order (index ``i`` is one transfer)."""

    frame: pd.DataFrame
    """The transfers themselves, as numbers (:data:`sever.trace.reach.PASS_COLUMNS`: ``row_id,
    seconds, value, asset, src_key, dst_key, …``; the keys are the addresses hashed to integers,
    grouped faster than text)."""
    src_node: np.ndarray
    dst_node: np.ndarray
    nodes: int
    value: np.ndarray
    balance_before: np.ndarray
    consumed_before: np.ndarray
    received_before: np.ndarray


def build_ledger(
    frame: pd.DataFrame,
    unpooled_in: np.ndarray,
    unpooled_out: np.ndarray,
    mixers: np.ndarray | None = None,
) -> Ledger:
    """Balances for ``frame`` (in pass order). ``unpooled_in[i]``: transfer ``i`` does not enter
    its receiver's balance (a leg matched through a service); ``unpooled_out[i]``: it does not
    leave its sender's balance (the service's matched payout). ``mixers``: the keys of the
    addresses whose fixed denominations are held apart."""
    n = len(frame)
    codes, nodes = _nodes(frame, _pools(frame, mixers))
    src_node, dst_node = codes[:n], codes[n:]
    value = frame.value.to_numpy(dtype=float)
    # Two events per transfer: the receiver's credit (even positions) and the sender's debit (odd).
    node = np.empty(2 * n, dtype=np.int64)
    node[0::2], node[1::2] = dst_node, src_node
    delta = np.empty(2 * n)
    delta[0::2] = np.where(unpooled_in, 0.0, value)
    delta[1::2] = np.where(unpooled_out, 0.0, -value)
    order = np.argsort(node, kind="stable")
    node = node[order]
    delta = delta[order]
    # Running sums per node in event order (pandas sums with compensation, so long streams of
    # small amounts do not drift). Few full-length arrays are made: each new one costs page
    # faults, and a lot more where the kernel compacts memory for huge pages.
    sums = pd.DataFrame({"delta": delta, "credit": np.clip(delta, 0.0, None)})
    sums = sums.groupby(node, sort=False).cumsum()
    running = sums["delta"].to_numpy()
    lowest = pd.Series(running).groupby(node, sort=False).cummin().to_numpy()
    balance = running - np.minimum(lowest, 0.0)
    credits = sums["credit"].to_numpy()
    first = np.empty(2 * n, dtype=bool)
    first[:1] = True
    np.not_equal(node[1:], node[:-1], out=first[1:])
    at = np.empty(2 * n, dtype=np.int64)
    at[order] = np.arange(2 * n)
    debit, credit = at[1::2], at[0::2]
    balance_before = _before(balance, debit, first)
    consumed_before = _before(credits - balance, debit, first)
    return Ledger(
        frame=frame,
        src_node=src_node,
        dst_node=dst_node,
        nodes=nodes,
        value=value,
        balance_before=balance_before,
        consumed_before=consumed_before,
        received_before=_before(credits, credit, first),
    )


def _before(running: np.ndarray, at: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The running amount just before each event at positions ``at`` of the node-ordered
    events (0 for a node's first event)."""
    return np.where(first[at], 0.0, running[at - 1])


def _pools(frame: pd.DataFrame, mixers: np.ndarray | None) -> np.ndarray:
    """Per end of each transfer (the senders', then the receivers'): 1 + the code of the mixer
    pool it pays from or into, 0 for none (see :data:`POOL_USES`)."""
    pool = np.zeros(2 * len(frame), dtype=np.int64)
    if mixers is None or not len(mixers):
        return pool
    out_of = np.isin(frame.src_key.to_numpy(), mixers)
    into = np.isin(frame.dst_key.to_numpy(), mixers)
    if not (out_of.any() and into.any()):
        return pool
    touch = np.flatnonzero(out_of | into)
    rows = frame.iloc[touch]
    key = (rows.asset.astype(str) + "|" + rows.value.astype(str)).to_numpy(dtype=object)
    paid = pd.Series(key[out_of[touch]]).value_counts()
    taken = pd.Series(key[into[touch]]).value_counts()
    fixed = paid.index[paid >= POOL_USES].intersection(taken.index[taken >= POOL_USES])
    codes = np.zeros(len(frame), dtype=np.int64)
    codes[touch] = pd.Index(fixed).get_indexer(key) + 1
    pool[: len(frame)] = np.where(out_of, codes, 0)
    pool[len(frame) :] = np.where(into, codes, 0)
    return pool


def _nodes(frame: pd.DataFrame, pool: np.ndarray) -> tuple[np.ndarray, int]:
    """A node code per end of each transfer (the senders', then the receivers') and how many
    nodes there are: one per address and asset (and mixer pool). With one asset and no pools,
    the addresses are the nodes."""
    addresses, uniques = pd.factorize(
        np.concatenate([frame.src_key.to_numpy(), frame.dst_key.to_numpy()])
    )
    assets, kinds = pd.factorize(frame.asset)
    if len(kinds) <= 1 and not pool.any():
        return addresses, len(uniques)
    holding = addresses.astype(np.int64) * len(kinds) + np.tile(assets, 2)
    codes, nodes = pd.factorize(holding * (int(pool.max()) + 1) + pool)
    return codes, len(nodes)
