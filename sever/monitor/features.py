"""Features for the learned scorer: what each account and each payment looks like, in numbers.

Account features describe volume, counterparties, speed, channels and the kinds of counterparties
(money-service businesses, exchanges); graph features add degrees, fan patterns, cycle membership
and how many hops separate the account from a sanctioned or DPRK-linked party. Transaction features
describe the payment itself and both of its accounts. Every feature is an Ibis expression, so the
same features come out of DuckDB and Spark; rule hits are added as features only when asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from sever.alerts import Alert
from sever.monitor.flows import DAY, legs
from sever.monitor.rule import Inputs
from sever.tables.engine import Engine

CASH_OUT_TYPES = ("msb", "exchange", "otc")
SEED_TYPES = ("designated",)
SEED_COUNTRIES = ("KP",)
MAX_HOPS = 3
SIDE_FEATURES = (
    "n_in",
    "n_out",
    "senders",
    "receivers",
    "through",
    "fan_in_ratio",
    "fan_out_ratio",
    "per_day",
    "foreign_share",
    "cash_out_share",
    "employer_share",
    "employers",
    "age_days",
    "formed_days",
    "seed_hops",
    "holder_type",
)
"""The account features each payment carries for its sender and its receiver."""


def account_features(engine: Engine, inputs: Inputs) -> pd.DataFrame:
    """One row per account: volumes, counterparties, timing, channels and graph position."""
    side = legs(inputs.tx).join(
        inputs.tx.select("tx_id", "payment_format", "src_country", "dst_country"), "tx_id"
    )
    into = side.direction == "in"
    out = ~into
    foreign = side.src_country != side.dst_country
    grouped = side.group_by("account").aggregate(
        n_in=into.ifelse(1, 0).sum(),
        n_out=out.ifelse(1, 0).sum(),
        usd_in=side.amount.sum(where=into).fill_null(0),
        usd_out=side.amount.sum(where=out).fill_null(0),
        max_in=side.amount.max(where=into).fill_null(0),
        max_out=side.amount.max(where=out).fill_null(0),
        senders=side.counterparty.nunique(where=into),
        receivers=side.counterparty.nunique(where=out),
        active_days=((side.t.max() - side.t.min()) / DAY),
        first_t=side.t.min(),
        cash_share=(side.payment_format == "cash").ifelse(1.0, 0.0).mean(),
        wire_share=side.payment_format.isin(("wire", "swift")).ifelse(1.0, 0.0).mean(),
        foreign_share=foreign.ifelse(1.0, 0.0).mean(),
        self_share=(side.counterparty == side.account).ifelse(1.0, 0.0).mean(),
    )
    features = grouped.mutate(
        through=(grouped.usd_out / (grouped.usd_in + 1.0)),
        fan_in_ratio=grouped.senders / (grouped.n_in + 1.0),
        fan_out_ratio=grouped.receivers / (grouped.n_out + 1.0),
        per_day=(grouped.n_in + grouped.n_out) / (grouped.active_days + 1.0),
    )
    if inputs.accounts is not None:
        features = _with_counterparty_kinds(features, side, inputs.accounts)
    frame = engine.to_pandas(features).rename(columns={"account": "account_id"})
    frame = frame.merge(_hops_from_seeds(engine, inputs), on="account_id", how="left")
    frame["seed_hops"] = frame["seed_hops"].fillna(MAX_HOPS + 1)
    return frame.sort_values("account_id").reset_index(drop=True)


def _with_counterparty_kinds(features: ir.Table, side: ir.Table, accounts: ir.Table) -> ir.Table:
    """Share of money sent to cash-out services; the account's own type, country and age."""
    kinds = accounts.select(k_account=accounts.account_id, k_type=accounts.holder_type)
    marked = side.left_join(kinds, side.counterparty == kinds.k_account)
    to_cash_out = (marked.direction == "out") & marked.k_type.isin(CASH_OUT_TYPES)
    from_employer = (marked.direction == "in") & (marked.k_type == "employer")
    shares = marked.group_by("account").aggregate(
        cash_out_usd=marked.amount.sum(where=to_cash_out).fill_null(0),
        employer_usd=marked.amount.sum(where=from_employer).fill_null(0),
        employers=marked.counterparty.nunique(where=from_employer),
    )
    joined = features.join(shares, "account")
    own = accounts.select(
        account=accounts.account_id,
        holder_type=accounts.holder_type,
        account_type=accounts.account_type,
        account_country=accounts.account_country,
        opened_t=accounts.opened_t,
        formed_t=accounts.formed_t,
    )
    joined = joined.left_join(own, "account")
    return joined.mutate(
        cash_out_share=joined.cash_out_usd / (joined.usd_out + 1.0),
        employer_share=joined.employer_usd / (joined.usd_in + 1.0),
        age_days=((joined.first_t - joined.opened_t) / DAY),
        formed_days=((joined.first_t - joined.formed_t) / DAY),
    ).drop("opened_t", "formed_t", "account_right")


def _hops_from_seeds(engine: Engine, inputs: Inputs) -> pd.DataFrame:
    """Hops (1 to 3) from the nearest sanctioned or DPRK-linked account over payments."""
    tx = inputs.tx
    edges = tx.select(a=tx.src_account, b=tx.dst_account).union(
        tx.select(a=tx.dst_account, b=tx.src_account)
    )
    edges = edges.filter(edges.a != edges.b).distinct()
    seeds = tx.filter(tx.src_country.isin(SEED_COUNTRIES)).select(account=tx.src_account)
    seeds = seeds.union(
        tx.filter(tx.dst_country.isin(SEED_COUNTRIES)).select(account=tx.dst_account)
    )
    if inputs.accounts is not None:
        typed = inputs.accounts.filter(inputs.accounts.holder_type.isin(SEED_TYPES))
        seeds = seeds.union(typed.select(account=typed.account_id))
    if inputs.hits is not None:
        seeds = seeds.union(inputs.hits.select(account=inputs.hits.account_id))
    reached = engine.to_pandas(seeds.distinct())
    if reached.empty:
        return pd.DataFrame({"account_id": pd.Series([], dtype=str), "seed_hops": []})
    frames = [reached.assign(seed_hops=0)]
    seen = set(reached.account)
    frontier = reached
    for hop in range(1, MAX_HOPS + 1):
        current = engine.table(frontier[["account"]])
        step = edges.join(current, edges.a == current.account).select(account=edges.b).distinct()
        found = engine.to_pandas(step)
        found = found[~found.account.isin(seen)]
        if found.empty:
            break
        seen.update(found.account)
        frames.append(found.assign(seed_hops=hop))
        frontier = found
    hops = pd.concat(frames, ignore_index=True)
    return hops.rename(columns={"account": "account_id"})


def transaction_features(
    engine: Engine,
    inputs: Inputs,
    accounts: pd.DataFrame,
    *,
    raw_only: bool = False,
    keep: ir.Table | None = None,
    share: float = 1.0,
) -> pd.DataFrame:
    """One row per payment: the payment itself, then (unless ``raw_only``) both accounts'.

    With ``share`` below 1, only that share of payments comes back (chosen by a hash of the id),
    plus every payment whose id is in ``keep`` (a one-column table of ``tx_id``): how training
    keeps all labelled payments of a large world and a sample of the rest.
    """
    tx = inputs.tx
    if share < 1.0:
        sampled = (tx.tx_id.hash().abs() % 10_000) < int(share * 10_000)
        if keep is not None:
            kept = keep.select(kept=keep.tx_id)
            marked = tx.left_join(kept, tx.tx_id == kept.kept)
            tx = marked.filter(sampled | marked.kept.notnull()).drop("kept")
        else:
            tx = tx.filter(sampled)
    stamp = tx.timestamp
    base = tx.select(
        "tx_id",
        "t",
        "src_account",
        "dst_account",
        log_amount=(tx.amount_usd + 1.0).log10(),
        round_amount=((tx.amount_usd % 100) == 0).ifelse(1, 0),
        hour=stamp.hour(),
        weekday=stamp.day_of_week.index(),
        cross_border=(tx.src_country != tx.dst_country).ifelse(1, 0),
        self_transfer=(tx.src_account == tx.dst_account).ifelse(1, 0),
        payment_format=tx.payment_format,
        purpose_kind=tx.purpose.re_extract(r"^([a-z &\-]+)", 1),
        currency=tx.currency,
    )
    # In tx_id order: a model trained on rows in the engine's own order would differ run to run.
    frame = _compact(engine.to_pandas(base).sort_values("tx_id", ignore_index=True))
    if raw_only:
        return frame
    carried = [c for c in SIDE_FEATURES if c in accounts.columns]
    for side in ("src", "dst"):
        prefixed = accounts[["account_id", *carried]].add_prefix(f"{side}_")
        frame = frame.merge(
            prefixed, left_on=f"{side}_account", right_on=f"{side}_account_id", how="left"
        ).drop(columns=[f"{side}_account_id"])
    return _compact(frame)


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Decimals as 32-bit floats: large worlds fit in memory, and models lose nothing."""
    for column in frame.columns:
        if frame[column].dtype == np.float64:
            frame[column] = frame[column].astype(np.float32)
    return frame


def rule_features(
    alerts: Iterable[Alert], rule_ids: Sequence[str], tx: pd.DataFrame, accounts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rule hits as features: per payment, which rules named it; per account, how many alerts."""
    tx_hits = {rule: set() for rule in rule_ids}
    account_hits = {rule: {} for rule in rule_ids}
    for alert in alerts:
        tx_hits[alert.rule_id].update(alert.tx_ids)
        counts = account_hits[alert.rule_id]
        for account in alert.accounts:
            counts[account] = counts.get(account, 0) + 1
    tx_cols = {f"rule_{r}": tx.tx_id.isin(tx_hits[r]).astype(np.int8) for r in rule_ids}
    acc_cols = {
        f"rule_{r}": accounts.account_id.map(account_hits[r]).fillna(0).astype(np.int16)
        for r in rule_ids
    }
    return pd.DataFrame(tx_cols, index=tx.index), pd.DataFrame(acc_cols, index=accounts.index)


def to_matrix(frame: pd.DataFrame, drop: Sequence[str]) -> pd.DataFrame:
    """Model input: identifiers dropped, text columns as categories (unseen values become NaN)."""
    matrix = frame.drop(columns=[c for c in drop if c in frame.columns])
    for column in matrix.columns:
        if matrix[column].dtype == object or str(matrix[column].dtype) in ("string", "str"):
            matrix[column] = matrix[column].astype("category")
    return matrix
