"""Features for the learned scorer: what each account and each payment looks like, in numbers.

Account features describe counterparties, channels and the kinds of counterparties (money-service
businesses, exchanges), how many hops separate the account from a sanctioned or DPRK-linked party,
the structure features of :mod:`sever.monitor.structure` (cycles, money in then out,
flow-through, ego network, ranks among peers) and what the holder's own record says
(:mod:`sever.monitor.holders`: identifiers shared with other customers, directors and owners).
Raw amounts (``usd_in``, ``max_out``…) stay in the table for the analyst's reasons, but the model
reads only their peer ranks, so a model trained in one currency or one year transfers to another.
How long an account has existed or been active is not a feature. Transaction features describe
the payment itself and both of its accounts. Every feature is an Ibis expression, so the same
features come out of DuckDB and Spark (the holder's record, a small table, is read into pandas);
rule hits are added only when asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from sever.alerts import Alert
from sever.monitor.flows import DAY, legs
from sever.monitor.holders import SEED_COUNTRIES, holder_features
from sever.monitor.rule import Inputs
from sever.monitor.structure import STRUCTURE_FEATURES, peer_percentiles, structure_features
from sever.tables.engine import Engine

CASH_OUT_TYPES = ("msb", "exchange", "otc")
MAX_HOPS = 3
SIDE_FEATURES = (
    "n_in",
    "n_out",
    "senders",
    "receivers",
    "through",
    "fan_in_ratio",
    "fan_out_ratio",
    "foreign_share",
    "cash_out_share",
    "employer_share",
    "employers",
    "formed_days",
    "seed_hops",
    "holder_type",
    *STRUCTURE_FEATURES,
)
"""The account features each payment carries for its sender and its receiver."""
SCALE_BOUND = ("usd_in", "usd_out", "max_in", "max_out")
"""Amounts in USD: shown in reasons, never read by a model (it reads their peer ranks instead)."""
ALERT_NEIGHBOURHOOD = ("alerted_counterparties", "alerted_flow_share", "alerted_payment_share")
"""Account features that spread alerts to the accounts around their subjects (see
:func:`alert_neighbourhood`)."""
RULE_SUMMARY = ("rules_as_subject", "rule_margin", "named_in_alerts", "rules_naming")
"""Account features drawn from every rule's alerts at once (beside one ``rule_X`` per rule)."""
SPREAD_PREFIX = "near"
"""Features that spread a model's scores to counterparties (see :func:`spread_scores`) are
named ``near1_score_max``…: ``near``, the stage whose scores they spread, then what they say."""
HIGH_SHARE = 0.01
"""A counterparty scores high when it ranks in the top hundredth of the file's accounts."""


def account_features(engine: Engine, inputs: Inputs) -> pd.DataFrame:
    """One row per account: counterparties, channels, graph position and structure."""
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
        first_t=side.t.min(),
        cash_share=(side.payment_format == "cash").ifelse(1.0, 0.0).mean(),
        wire_share=side.payment_format.isin(("wire", "swift")).ifelse(1.0, 0.0).mean(),
        foreign_share=foreign.ifelse(1.0, 0.0).mean(),
        self_share=(side.counterparty == side.account).ifelse(1.0, 0.0).mean(),
    )
    features = grouped.mutate(
        through=ibis.ifelse(grouped.usd_in > 0, grouped.usd_out / grouped.usd_in, None),
        fan_in_ratio=grouped.senders / (grouped.n_in + 1.0),
        fan_out_ratio=grouped.receivers / (grouped.n_out + 1.0),
    )
    if inputs.accounts is not None:
        features = _with_counterparty_kinds(features, side, inputs.accounts)
    frame = engine.to_pandas(features).rename(columns={"account": "account_id"})
    frame = frame.merge(_hops_from_seeds(engine, inputs), on="account_id", how="left")
    frame["seed_hops"] = frame["seed_hops"].fillna(MAX_HOPS + 1)
    frame = frame.merge(structure_features(engine, inputs.tx), on="account_id", how="left")
    frame = frame.merge(peer_percentiles(frame), on="account_id", how="left")
    if inputs.parties is not None and inputs.accounts is not None:
        frame = frame.merge(holder_features(engine, inputs), on="account_id", how="left")
    return frame.drop(columns=["first_t"]).sort_values("account_id").reset_index(drop=True)


def _with_counterparty_kinds(features: ir.Table, side: ir.Table, accounts: ir.Table) -> ir.Table:
    """Share of money sent to cash-out services; the account's own type and country; the age of
    its holder's company when the money first moved (a newly formed company is a red flag)."""
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
        formed_t=accounts.formed_t,
    )
    joined = joined.left_join(own, "account")
    return joined.mutate(
        cash_out_share=joined.cash_out_usd / (joined.usd_out + 1.0),
        employer_share=joined.employer_usd / (joined.usd_in + 1.0),
        formed_days=((joined.first_t - joined.formed_t) / DAY),
    ).drop("formed_t", "account_right", "cash_out_usd", "employer_usd")


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
    """Rule hits as features.

    Per payment: which rules named it. Per account: how many alerts of each rule are about it
    (it is their subject, the ``focus`` the rule measured), how many distinct rules had it as
    subject, how far past the line its strongest alert went (:func:`alert_margin`), and how
    often it was only named as a counterparty in someone else's alert. A counterparty is
    evidence, not a subject: a bank files on the subject and lists the counterparties.
    """
    tx_hits: dict[str, set[str]] = {rule: set() for rule in rule_ids}
    subject: dict[str, dict[str, int]] = {rule: {} for rule in rule_ids}
    named: dict[str, int] = {}
    named_rules: dict[str, set[str]] = {}
    margin: dict[str, float] = {}
    for alert in alerts:
        tx_hits[alert.rule_id].update(alert.tx_ids)
        focus = alert_subject(alert)
        counts = subject[alert.rule_id]
        counts[focus] = counts.get(focus, 0) + 1
        margin[focus] = max(margin.get(focus, 0.0), alert_margin(alert))
        for account in alert.accounts:
            if account != focus:
                named[account] = named.get(account, 0) + 1
                named_rules.setdefault(account, set()).add(alert.rule_id)
    tx_cols = {f"rule_{r}": tx.tx_id.isin(tx_hits[r]).astype(np.int8) for r in rule_ids}
    ids = accounts.account_id
    acc_cols = {f"rule_{r}": ids.map(subject[r]).fillna(0).astype(np.int16) for r in rule_ids}
    hit = pd.DataFrame(acc_cols, index=accounts.index)
    summary = (
        (hit > 0).sum(axis=1).astype(np.int16),
        ids.map(margin).fillna(0.0).astype(np.float32),
        ids.map(named).fillna(0).astype(np.int32),
        ids.map({a: len(r) for a, r in named_rules.items()}).fillna(0).astype(np.int16),
    )
    acc_cols.update(zip(RULE_SUMMARY, summary, strict=True))
    return pd.DataFrame(tx_cols, index=tx.index), pd.DataFrame(acc_cols, index=accounts.index)


def alert_neighbourhood(
    engine: Engine, tx: ir.Table, alerts: Iterable[Alert], accounts: pd.DataFrame
) -> pd.DataFrame:
    """Alerts spread to the accounts around their subjects, one row per account of ``accounts``.

    A mule or the source of a scheme is seldom what a rule measures; it is the account that pays
    the collector or is paid by the distributor. Per account: how many distinct counterparties
    are alert subjects, the share of its money exchanged with them, and the share of its money
    in payments some alert names as evidence. Shares, not sums, so they mean the same at any
    scale.
    """
    alerts = list(alerts)
    subjects = sorted({alert_subject(alert) for alert in alerts})
    named = sorted({tx_id for alert in alerts for tx_id in alert.tx_ids})
    side = legs(tx)
    side = side.filter(side.account != side.counterparty)
    subject_table = engine.table(pd.DataFrame({"subject": subjects}, dtype=str))
    named_table = engine.table(pd.DataFrame({"named": named}, dtype=str))
    marked = side.left_join(subject_table, side.counterparty == subject_table.subject)
    marked = marked.left_join(named_table, marked.tx_id == named_table.named)
    to_subject = marked.subject.notnull()
    total = marked.amount.sum()
    grouped = marked.group_by("account").aggregate(
        alerted_counterparties=marked.counterparty.nunique(where=to_subject),
        alerted_usd=marked.amount.sum(where=to_subject).fill_null(0),
        named_usd=marked.amount.sum(where=marked.named.notnull()).fill_null(0),
        total=total,
    )
    shares = grouped.select(
        account_id=grouped.account,
        alerted_counterparties=grouped.alerted_counterparties,
        alerted_flow_share=grouped.alerted_usd / ibis.greatest(grouped.total, 0.01),
        alerted_payment_share=grouped.named_usd / ibis.greatest(grouped.total, 0.01),
    )
    found = engine.to_pandas(shares)
    frame = accounts[["account_id"]].merge(found, on="account_id", how="left")
    frame = frame.fillna(0).set_index(accounts.index)
    return _compact(frame.drop(columns=["account_id"]))


def spread_scores(
    engine: Engine, tx: ir.Table, accounts: pd.DataFrame, scores: np.ndarray, stage: int = 1
) -> pd.DataFrame:
    """A model's scores spread to each account's counterparties (one row per account).

    ``scores`` are the scores of ``accounts`` by the model of ``stage``, in their order (scores
    it did not fit, for accounts it learned from). Per account: the highest score among its
    counterparties,
    the money-weighted mean of their scores, how many of them rank in the file's top
    :data:`HIGH_SHARE`, and the share of its money exchanged with those. Scores are read as
    ranks within the file, so a first model a little more or less confident elsewhere spreads
    the same.
    """
    ranks = pd.Series(scores).rank(pct=True).to_numpy()
    table = engine.table(
        pd.DataFrame({"scored": accounts["account_id"].astype(str).to_numpy(), "rank": ranks})
    )
    side = legs(tx)
    side = side.filter(side.account != side.counterparty)
    joined = side.join(table, side.counterparty == table.scored)
    high = joined["rank"] > 1.0 - HIGH_SHARE
    grouped = joined.group_by("account").aggregate(
        near_score_max=joined["rank"].max(),
        weighted=(joined.amount * joined["rank"]).sum(),
        near_high=joined.counterparty.nunique(where=high),
        high_usd=joined.amount.sum(where=high).fill_null(0),
        total=joined.amount.sum(),
    )
    spread = grouped.select(
        account_id=grouped.account,
        near_score_max=grouped.near_score_max,
        near_score_flow=grouped.weighted / ibis.greatest(grouped.total, 0.01),
        near_high=grouped.near_high,
        near_high_share=grouped.high_usd / ibis.greatest(grouped.total, 0.01),
    )
    found = engine.to_pandas(spread)
    frame = accounts[["account_id"]].merge(found, on="account_id", how="left")
    frame = frame.fillna(0).set_index(accounts.index).drop(columns=["account_id"])
    named = {c: f"{SPREAD_PREFIX}{stage}_{c.removeprefix('near_')}" for c in frame.columns}
    return _compact(frame.rename(columns=named))


def alert_subject(alert: Alert) -> str:
    """The account an alert is about: the rule's ``focus`` (its first subject)."""
    return alert.all_subjects[0].id if alert.all_subjects else ""


def alert_margin(alert: Alert) -> float:
    """How far past the line an alert went: the smallest ratio of observed value to threshold
    over its conditions (1 = just at the line, 2 = twice the threshold), on a log scale so that
    a rule with a threshold of 3 and one of 10,000 weigh alike. 0 when nothing can be compared."""
    ratios = []
    for reason in alert.reasons:
        observed, threshold = reason.observed, reason.threshold
        if not isinstance(observed, (int, float)) or not isinstance(threshold, (int, float)):
            continue
        if reason.op in (">=", ">") and threshold > 0 and observed > 0:
            ratios.append(observed / threshold)
        elif reason.op in ("<=", "<") and observed > 0 and threshold > 0:
            ratios.append(threshold / observed)
    return float(np.log2(min(ratios)) + 1.0) if ratios else 0.0


def to_matrix(frame: pd.DataFrame, drop: Sequence[str]) -> pd.DataFrame:
    """Model input: identifiers dropped, text columns as categories (unseen values become NaN)."""
    matrix = frame.drop(columns=[c for c in drop if c in frame.columns])
    for column in matrix.columns:
        if matrix[column].dtype == object or str(matrix[column].dtype) in ("string", "str"):
            matrix[column] = matrix[column].astype("category")
    return matrix


FEATURE_WORDS = {
    "holder_type": "kind of holder",
    "account_type": "kind of account",
    "account_country": "country of the account",
    "usd_in": "money received (USD)",
    "usd_out": "money sent (USD)",
    "max_in": "largest payment received (USD)",
    "max_out": "largest payment sent (USD)",
    "n_in": "payments received",
    "n_out": "payments sent",
    "senders": "distinct senders",
    "receivers": "distinct receivers",
    "through": "money sent per dollar received",
    "fan_in_ratio": "distinct senders per payment received",
    "fan_out_ratio": "distinct receivers per payment sent",
    "cash_share": "share of payments in cash",
    "wire_share": "share of payments by wire",
    "foreign_share": "share of payments across a border",
    "self_share": "share of payments to the account itself",
    "cash_out_share": "share of money sent to MSBs, exchanges or OTC desks",
    "employer_share": "share of money received from employers",
    "employers": "distinct employers paying in",
    "formed_days": "days between the holder company's formation and its first payment",
    "seed_hops": "hops from a sanctioned or DPRK-linked account",
    "cycles": "time-ordered payment cycles through the account",
    "quick_out_share": "share of money sent soon after money came in (for this account)",
    "in_out_gap": "time from money in to money out, in the account's typical gaps",
    "flow_through": "share of money received that left within the same fortnight-scale window",
    "counterparties": "distinct counterparties",
    "reciprocity": "share of counterparties paid both ways",
    "counterparty_degree": "how connected its counterparties are (log of their counterparties)",
    "first_contact_share": "share of money sent on first contact with the receiver",
    "shared_address": "other customers giving the holder's address",
    "shared_phone": "other customers giving the holder's phone",
    "shared_email": "other customers giving the holder's e-mail",
    "shared_ip": "other customers seen from the holder's IP address",
    "shared_device_id": "other customers using the holder's device",
    "director_boards": "most boards one of the holder's directors sits on",
    "owner_holdings": "most companies one of the holder's owners holds",
    "seed_linked": "a director or owner of the holder is in North Korea",
    "screened": "best score of a screening hit on the holder",
    "rules_as_subject": "distinct rules that alerted on this account",
    "rule_margin": "how far past the line its strongest alert went (1: at the line, 2: twice it)",
    "named_in_alerts": "alerts about other accounts that name it as a counterparty",
    "rules_naming": "distinct rules whose alerts about other accounts name it",
    "alerted_counterparties": "distinct counterparties that alerts are about",
    "alerted_flow_share": "share of its money exchanged with accounts alerts are about",
    "alerted_payment_share": "share of its money in payments alerts name",
    "score_max": "highest rank among its counterparties (1: the top)",
    "score_flow": "rank of its counterparties, weighted by money exchanged",
    "high": "counterparties in the top hundredth",
    "high_share": "share of its money exchanged with the top hundredth",
}
"""Each feature in the analyst's words; ``pct_X`` is X's percentile among peers."""


def describe_feature(name: str) -> str:
    """A feature's name in words, for reasons (``src_``/``dst_`` name a payment's two sides)."""
    for prefix, side in (("src_", "sender's "), ("dst_", "receiver's ")):
        if name.startswith(prefix):
            return side + describe_feature(name.removeprefix(prefix))
    stage, _, rest = name.removeprefix(SPREAD_PREFIX).partition("_")
    if name.startswith(SPREAD_PREFIX) and stage.isdigit():
        return f"{FEATURE_WORDS.get(rest, rest)}, by the stage-{stage} model's scores"
    if name.startswith("pct_"):
        base = name.removeprefix("pct_")
        words = FEATURE_WORDS.get(base, base.replace("_", " "))
        return f"rank among peers (same holder type and country) for {words}"
    if name.startswith("rule_") and name != "rule_margin":
        return f"alerts from rule {name.removeprefix('rule_')} about this account"
    return FEATURE_WORDS.get(name, name.replace("_", " "))
