"""Structure features: how money moves through an account, in numbers that do not depend on scale.

Multiplying every amount by 100, or stretching the time axis four times, leaves these features
(nearly) unchanged: they are ratios of money to money, ranks among peers, counts of
counterparties, or times measured against the data's own span and the account's own rhythm. None
of them measures how long an account has existed or been active.

- **cycles**: time-ordered cycles of 2 to 4 hops (each payment after the one before, the whole
  cycle within a window that is a fixed share of the period screened) that pass through the account;
- **temporal motifs**: money paid out soon after money came in, "soon" meaning a share of the
  account's own typical gap between payments;
- **flow-through**: the share of the money received that leaves again within the same window;
- **ego network**: distinct counterparties, how connected they are, how many relationships go both
  ways, and the share of money sent to a counterparty on first contact;
- **peer percentiles** (:func:`peer_percentiles`): the account's rank within accounts of the same
  holder type and country, for counts and amounts.

Every feature is an Ibis expression, so DuckDB and Spark compute the same numbers.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from sever.monitor.flows import legs
from sever.tables.engine import Engine

CYCLE_WINDOW_SHARE = 1 / 24
"""A cycle must close within this share of the screened period (about two weeks of a year)."""
FLOW_WINDOW_SHARE = 1 / 26
"""Flow-through is measured in windows of this share of the period (about two weeks of a year)."""
QUICK_GAP_SHARE = 0.25
"""A payment out is "quick" when it follows the last payment in by less than this share of the
account's own median gap between payments."""
HUB_QUANTILE = 0.995
"""Accounts with more distinct counterparties than this quantile of the data (exchanges, payroll
hubs, utilities) are left out of the cycle search: every path through them would be a cycle."""
STRUCTURE_FEATURES = (
    "cycles",
    "quick_out_share",
    "in_out_gap",
    "flow_through",
    "counterparties",
    "reciprocity",
    "counterparty_degree",
    "first_contact_share",
)
"""The per-account structure features :func:`structure_features` returns, besides ``account_id``."""
PEER_METRICS = ("n_in", "n_out", "senders", "receivers", "usd_in", "usd_out", "max_in", "max_out")
"""Counts and amounts ranked within peer groups (``pct_<metric>``)."""


def period(engine: Engine, tx: ir.Table) -> tuple[int, int]:
    """The first payment's time and the seconds from it to the last one (at least one)."""
    row = engine.to_pandas(tx.aggregate(low=tx.t.min(), high=tx.t.max()))
    if row.empty or pd.isna(row.low[0]):
        return 0, 1
    return int(row.low[0]), max(int(row.high[0] - row.low[0]), 1)


def structure_features(engine: Engine, tx: ir.Table) -> pd.DataFrame:
    """One row per account with the structure features named in :data:`STRUCTURE_FEATURES`."""
    start, span = period(engine, tx)
    side = engine.keep(legs(tx))
    parts = [
        engine.to_pandas(_ego(side)),
        engine.to_pandas(_motifs(side)),
        engine.to_pandas(_flow_through(side, start, max(int(span * FLOW_WINDOW_SHARE), 1))),
        _cycles(engine, tx, side, max(int(span * CYCLE_WINDOW_SHARE), 1)),
    ]
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.merge(part, on="account", how="left")
    frame["cycles"] = frame["cycles"].fillna(0).astype("int64")
    frame = frame.rename(columns={"account": "account_id"})
    return frame[["account_id", *STRUCTURE_FEATURES]]


def _ego(side: ir.Table) -> ir.Table:
    """Distinct counterparties, their degree, reciprocity and money sent on first contact."""
    pairs = side.group_by(["account", "counterparty"]).aggregate(
        has_in=(side.direction == "in").any(),
        has_out=(side.direction == "out").any(),
        first_t=side.t.min(),
    )
    degree = pairs.group_by("account").aggregate(degree=pairs.counterparty.count())
    other = degree.select(cp=degree.account, cp_degree=degree.degree)
    joined = pairs.join(other, pairs.counterparty == other.cp)
    ego = joined.group_by("account").aggregate(
        counterparties=joined.counterparty.count(),
        reciprocity=(joined.has_in & joined.has_out).ifelse(1.0, 0.0).mean(),
        counterparty_degree=(joined.cp_degree.cast(dt.float64) + 1.0).ln().mean(),
    )
    # The first payment to each counterparty (by time, then id): money sent on first contact.
    out = side.filter(side.direction == "out")
    ranked = out.mutate(
        nth=ibis.row_number().over(group_by=["account", "counterparty"], order_by=["t", "tx_id"])
    )
    first = ranked.group_by("account").aggregate(
        first_usd=ranked.amount.sum(where=ranked.nth == 0).fill_null(0),
        all_usd=ranked.amount.sum(),
    )
    share = first.mutate(
        first_contact_share=ibis.ifelse(
            first.all_usd > 0, first.first_usd / first.all_usd, ibis.null(dt.float64)
        )
    ).select("account", "first_contact_share")
    return ego.left_join(share, "account").drop("account_right")


def _motifs(side: ir.Table) -> ir.Table:
    """Money in, then out: how soon after the last payment in, against the account's own rhythm."""
    order = ibis.window(group_by="account", order_by=["t", "tx_id"], preceding=None, following=0)
    previous = ibis.window(group_by="account", order_by=["t", "tx_id"])
    marked = side.mutate(
        last_in=ibis.ifelse(side.direction == "in", side.t, ibis.null(dt.int64)).max().over(order),
        gap=side.t - side.t.lag().over(previous),
    )
    typical = marked.group_by("account").aggregate(median_gap=marked.gap.median())
    outs = marked.filter((marked.direction == "out") & marked.last_in.notnull())
    outs = outs.join(typical, "account")
    ratio = (outs.t - outs.last_in).cast(dt.float64) / (outs.median_gap.cast(dt.float64) + 1.0)
    scored = outs.mutate(ratio=ratio)
    quick = scored.group_by("account").aggregate(
        quick_usd=scored.amount.sum(where=scored.ratio < QUICK_GAP_SHARE).fill_null(0),
        out_usd=scored.amount.sum(),
        in_out_gap=scored.ratio.median(),
    )
    totals = (
        side.filter(side.direction == "out")
        .group_by("account")
        .aggregate(total_out=side.amount.sum())
    )
    joined = quick.join(totals, "account")
    return joined.select(
        "account",
        "in_out_gap",
        quick_out_share=ibis.ifelse(
            joined.total_out > 0, joined.quick_usd / joined.total_out, ibis.null(dt.float64)
        ),
    )


def _flow_through(side: ir.Table, start: int, window_s: int) -> ir.Table:
    """Share of the money received that left again within the same window (windows counted
    from the period's first payment, so they stretch with the time axis)."""
    windowed = side.mutate(window=((side.t - start) // window_s).cast(dt.int64))
    into = windowed.direction == "in"
    per_window = windowed.group_by(["account", "window"]).aggregate(
        usd_in=windowed.amount.sum(where=into).fill_null(0),
        usd_out=windowed.amount.sum(where=~into).fill_null(0),
    )
    kept = ibis.least(per_window.usd_in, per_window.usd_out)
    flows = per_window.group_by("account").aggregate(
        passed=kept.sum(), received=per_window.usd_in.sum()
    )
    return flows.select(
        "account",
        flow_through=ibis.ifelse(
            flows.received > 0, flows.passed / flows.received, ibis.null(dt.float64)
        ),
    )


def _cycles(engine: Engine, tx: ir.Table, side: ir.Table, window_s: int) -> pd.DataFrame:
    """How many time-ordered cycles of 2 to 4 hops, each closing within the window, pass through
    each account. Hubs are left out; each cycle is counted once per account on it."""
    degree = side.group_by("account").aggregate(n=side.counterparty.nunique())
    limit = engine.to_pandas(degree.aggregate(q=degree.n.quantile(HUB_QUANTILE)))["q"][0]
    quiet = degree.filter(degree.n <= float(limit if pd.notna(limit) else 0))
    # Only accounts that both send and receive can lie on a cycle.
    sends = tx.select(a=tx.src_account).distinct()
    receives = tx.select(a=tx.dst_account).distinct()
    both = sends.join(receives, "a").join(quiet, sends.a == quiet.account).select("a")
    edges = tx.filter(tx.src_account != tx.dst_account).select(
        src=tx.src_account, dst=tx.dst_account, t=tx.t, id=tx.tx_id
    )
    left = both.view()
    right = both.view()
    edges = edges.semi_join(left, edges.src == left.a).semi_join(right, edges.dst == right.a)
    edges = engine.keep(edges)
    first = edges.rename(a="src", b="dst", t1="t", i1="id")
    second = edges.rename(b2="src", c="dst", t2="t", i2="id")
    paths = first.join(
        second,
        [first.b == second.b2, second.t2 > first.t1, second.t2 - first.t1 <= window_s],
    ).drop("b2")
    paths = engine.keep(paths.filter(paths.c != paths.a))
    closing = edges.rename(c3="src", a3="dst", t3="t")
    # Two hops: a → b → a.
    back = edges.rename(b3="src", a3="dst", t3="t")
    two = first.join(
        back,
        [
            first.b == back.b3,
            first.a == back.a3,
            back.t3 > first.t1,
            back.t3 - first.t1 <= window_s,
        ],
    )
    two = two.select(key=two.i1 + ":" + two.id, n1=two.a, n2=two.b, n3=two.a, n4=two.a)
    # Three hops: a → b → c → a.
    three = paths.join(
        closing,
        [
            paths.c == closing.c3,
            paths.a == closing.a3,
            closing.t3 > paths.t2,
            closing.t3 - paths.t1 <= window_s,
        ],
    )
    three = three.select(
        key=three.i1 + ":" + three.i2 + ":" + three.id, n1=three.a, n2=three.b, n3=three.c,
        n4=three.a,
    )  # fmt: skip
    # Four hops: a → b → c (one path), then c → d → a (another).
    other = paths.rename(c0="a", d="b", a4="c", s1="t1", s2="t2", j1="i1", j2="i2")
    four = paths.join(
        other,
        [
            paths.c == other.c0,
            paths.a == other.a4,
            other.s1 > paths.t2,
            other.s2 - paths.t1 <= window_s,
        ],
    )
    four = four.filter((four.d != four.a) & (four.d != four.b))
    four = four.select(
        key=four.i1 + ":" + four.i2 + ":" + four.j1 + ":" + four.j2, n1=four.a, n2=four.b,
        n3=four.c, n4=four.d,
    )  # fmt: skip
    found = two.union(three).union(four)
    members = (
        found.select(key=found.key, account=found.n1)
        .union(found.select(key=found.key, account=found.n2))
        .union(found.select(key=found.key, account=found.n3))
        .union(found.select(key=found.key, account=found.n4))
    )
    counted = members.group_by("account").aggregate(cycles=members.key.nunique())
    return engine.to_pandas(counted)


def peer_percentiles(accounts: pd.DataFrame) -> pd.DataFrame:
    """Each count and amount as the account's percentile rank (0–1] among its peers.

    Peers share the holder type and country when the accounts file gives them; otherwise every
    account is a peer. A rank does not change when every amount is multiplied by the same factor.
    """
    keys = [c for c in ("holder_type", "account_country") if c in accounts.columns]
    ranked = pd.DataFrame({"account_id": accounts["account_id"]})
    grouped = (
        accounts.groupby([accounts[k].fillna("") for k in keys], sort=False)
        if keys
        else accounts.groupby(lambda _: 0)
    )
    for metric in PEER_METRICS:
        if metric in accounts.columns:
            ranked[f"pct_{metric}"] = grouped[metric].rank(pct=True, method="average")
    return ranked
