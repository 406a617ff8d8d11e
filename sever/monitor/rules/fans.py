"""Fan-in, fan-out, gather-scatter, scatter-gather and bipartite: many counterparties, little time.

Source: FATF and FinCEN layering typologies; TYPOLOGIES.md B4 (scatter-gather among related
companies) and D2 (a balance fanned out to many wallets within hours); the AMLworld patterns.

No guidance says how many counterparties make "many": those thresholds are relative, read off the
data being screened by calibration (more than the 99.5th percentile of the accounts the rule
measures). Amount floors are relative too (the median account's busiest window), so the rules
mean the same on a file in cents or in millions. The fixed defaults are used only where a file
has too few accounts to calibrate on; the amount default is the US suspicious activity report
threshold for banks, 5,000 USD (31 CFR 1020.320(a)(2)).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from sever.monitor.flows import DAY, hopping, legs, then, without
from sever.monitor.rule import Condition, Inputs, Param, Relative, Rule

WINDOW = Param(
    "window_days",
    28,
    "length of the hopping window; patterns within half of it are always seen",
    "days",
)
MIN_AMOUNT = Param(
    "min_amount",
    0.0,
    "transactions smaller than this are ignored (calibrated: the median payment in the file, "
    "so card purchases and small bills do not make a fan)",
    "USD",
    relative=Relative("amount_usd", 0.5, over="payments", per_payment=True),
)
SAR_USD = 5_000.0
"""31 CFR 1020.320(a)(2): a bank reports suspicious transactions of at least 5,000 USD."""


def _many(metric: str, over: str, default: int, quantile: float = 0.995) -> dict[str, Any]:
    """A count threshold read off the data: more than the percentile of the accounts measured."""
    return {
        "default": default,
        "relative": Relative(metric, quantile, floor=3, over=over),
    }


def _usual_total(metric: str, over: str) -> Relative:
    """An amount floor read off the data: the median account's busiest window."""
    return Relative(metric, 0.5, over=over)


EXEMPT = Param(
    "exempt_holder_types",
    ("employer", "bank", "exchange", "msb", "payment", "merchant", "utility", "government"),
    "holder types whose accounts fan out or in by trade (payroll, payments); left out when the "
    "accounts table says so",
)


def _window_days(params: Mapping[str, Any]) -> float:
    return float(params["window_days"])


def _exempt(table: ir.Table, key: str, inputs: Inputs, kinds: tuple[str, ...]) -> ir.Table:
    """Drop rows whose ``key`` account belongs to a holder type that fans by its trade."""
    if inputs.accounts is None or not kinds:
        return table
    exempt = inputs.accounts.filter(inputs.accounts.holder_type.isin(kinds))
    exempt = exempt.select(exempt_account=exempt.account_id).view()
    return table.anti_join(exempt, table[key] == exempt.exempt_account)


def _fan(direction: str) -> Any:
    """Per account and window: how many distinct counterparties on one side, and how much."""

    def build(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
        side = legs(inputs.tx)
        side = side.filter(side.direction == direction, side.amount >= params["min_amount"])
        side = _exempt(side, "account", inputs, params["exempt_holder_types"])
        side = _exempt(side, "counterparty", inputs, params["exempt_holder_types"])
        windows = hopping(side, int(params["window_days"] * DAY))
        grouped = windows.group_by("account", "phase", "window").aggregate(
            counterparties=windows.counterparty.nunique(),
            total=windows.amount.sum().round(2),
            transactions=windows.tx_id.count(),
            accounts=windows.counterparty.collect(),
            tx_ids=windows.tx_id.collect(),
        )
        return grouped.mutate(
            focus=grouped.account,
            one_off=(grouped.counterparties / grouped.transactions).round(4),
        )

    return build


FAN_OUT = Rule(
    id="fan_out",
    typology="fan_out",
    description=(
        "One account sends money to many different accounts within a few weeks: a balance being "
        "split across mules or wallets."
    ),
    severity="medium",
    params=(
        WINDOW,
        Param(
            "min_counterparties",
            help="distinct receivers that make a fan-out (calibrated: more than the 99.5th "
            "percentile of accounts sending money; 10 where too few accounts to calibrate)",
            **_many("counterparties", "accounts sending money", 10),
        ),
        Param(
            "min_total",
            SAR_USD,
            "total sent within the window (calibrated: the median account's busiest window; "
            "else the SAR threshold, 31 CFR 1020.320)",
            "USD",
            relative=_usual_total("total", "accounts sending money"),
        ),
        Param("min_one_off", 0.8, "distinct counterparties per payment (1: each paid once)"),
        MIN_AMOUNT,
        EXEMPT,
    ),
    conditions=(
        Condition("counterparties", ">=", "min_counterparties", "distinct receivers in the window"),
        Condition("total", ">=", "min_total", "USD sent in the window"),
        Condition("one_off", ">=", "min_one_off", "distinct counterparties per payment"),
    ),
    build=_fan("out"),
    lookback=_window_days,
    metrics=("transactions",),
    source="TYPOLOGIES.md D2; FATF layering typologies",
)

FAN_IN = Rule(
    id="fan_in",
    typology="fan_in",
    description=(
        "One account receives money from many different accounts within a few weeks: funds "
        "being gathered from mules or victims."
    ),
    severity="medium",
    params=(
        WINDOW,
        Param(
            "min_counterparties",
            help="distinct senders that make a fan-in (calibrated: more than the 99.5th "
            "percentile of accounts receiving money; 10 where too few accounts to calibrate)",
            **_many("counterparties", "accounts receiving money", 10),
        ),
        Param(
            "min_total",
            SAR_USD,
            "total received within the window (calibrated: the median account's busiest window; "
            "else the SAR threshold, 31 CFR 1020.320)",
            "USD",
            relative=_usual_total("total", "accounts receiving money"),
        ),
        Param("min_one_off", 0.8, "distinct counterparties per payment (1: each paid once)"),
        MIN_AMOUNT,
        EXEMPT,
    ),
    conditions=(
        Condition("counterparties", ">=", "min_counterparties", "distinct senders in the window"),
        Condition("total", ">=", "min_total", "USD received in the window"),
        Condition("one_off", ">=", "min_one_off", "distinct counterparties per payment"),
    ),
    build=_fan("in"),
    lookback=_window_days,
    metrics=("transactions",),
    source="FATF layering typologies; AMLworld fan-in",
)


def _gather_scatter(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Per account and window: distinct senders, distinct receivers, and how much passed on."""
    side = legs(inputs.tx)
    side = side.filter(side.amount >= params["min_amount"])
    side = _exempt(side, "account", inputs, params["exempt_holder_types"])
    windows = hopping(side, int(params["window_days"] * DAY))
    into = windows.direction == "in"
    grouped = windows.group_by("account", "phase", "window").aggregate(
        senders=windows.counterparty.nunique(where=into),
        receivers=windows.counterparty.nunique(where=~into),
        received=windows.amount.sum(where=into).round(2),
        sent=windows.amount.sum(where=~into).round(2),
        accounts=windows.counterparty.collect(),
        tx_ids=windows.tx_id.collect(),
    )
    share = (grouped.sent / grouped.received.nullif(0)).round(4)
    return grouped.mutate(focus=grouped.account, passed_on=share.fill_null(0))


GATHER_SCATTER = Rule(
    id="gather_scatter",
    typology="gather_scatter",
    description=(
        "One account gathers money from many senders and scatters most of it to many receivers "
        "within a few weeks: a collection hub."
    ),
    severity="high",
    params=(
        WINDOW,
        Param(
            "min_senders",
            help="distinct senders into the hub (calibrated: more than the 99th percentile of "
            "accounts that receive and send)",
            **_many("senders", "accounts that receive and send", 5, 0.99),
        ),
        Param(
            "min_receivers",
            help="distinct receivers out of the hub (calibrated: more than the 99th percentile "
            "of accounts that receive and send)",
            **_many("receivers", "accounts that receive and send", 5, 0.99),
        ),
        Param("min_passed_on", 0.7, "share of what came in that went out again"),
        Param("max_passed_on", 1.05, "and at most this share (a hub spends no money of its own)"),
        Param(
            "min_received",
            SAR_USD,
            "total gathered within the window (calibrated: the median account's busiest window; "
            "else the SAR threshold, 31 CFR 1020.320)",
            "USD",
            relative=_usual_total("received", "accounts that receive and send"),
        ),
        MIN_AMOUNT,
        EXEMPT,
    ),
    conditions=(
        Condition("senders", ">=", "min_senders", "distinct senders in the window"),
        Condition("receivers", ">=", "min_receivers", "distinct receivers in the window"),
        Condition("passed_on", ">=", "min_passed_on", "share of inflow sent on"),
        Condition("passed_on", "<=", "max_passed_on", "share of inflow sent on"),
        Condition("received", ">=", "min_received", "USD gathered in the window"),
    ),
    build=_gather_scatter,
    lookback=_window_days,
    metrics=("sent",),
    source="AMLworld gather-scatter; TYPOLOGIES.md B4",
)


def _scatter_gather(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Money from one source reaching one destination through many intermediaries."""
    tx = inputs.tx.filter(inputs.tx.amount_usd >= params["min_amount"])
    window = int(params["window_days"] * DAY)
    into_quiet = without(tx, "dst_account", inputs.busy)
    pairs = then(into_quiet, tx, first_key="dst_account", second_key="src_account", within_s=window)
    pairs = pairs.filter(pairs.a_src_account != pairs.b_dst_account, pairs.a_tx_id != pairs.b_tx_id)
    for end in ("a_src_account", "a_dst_account", "b_dst_account"):
        pairs = _exempt(pairs, end, inputs, params["exempt_holder_types"])
    windows = hopping(pairs.mutate(t=pairs.a_t), window)
    grouped = windows.group_by("a_src_account", "b_dst_account", "phase", "window").aggregate(
        intermediaries=windows.a_dst_account.nunique(),
        scattered=windows.a_amount_usd.sum().round(2),
        accounts=windows.a_dst_account.collect(),
        first_legs=windows.a_tx_id.collect(),
        second_legs=windows.b_tx_id.collect(),
    )
    return grouped.mutate(
        focus=grouped.a_src_account,
        accounts=grouped.accounts.concat(ibis.array([grouped.b_dst_account])),
        tx_ids=grouped.first_legs.concat(grouped.second_legs),
    )


SCATTER_GATHER = Rule(
    id="scatter_gather",
    typology="scatter_gather",
    description=(
        "Money leaves one account through several intermediaries and is gathered again in one "
        "destination within a few weeks: layering through mules or related companies."
    ),
    severity="high",
    params=(
        WINDOW,
        Param(
            "min_intermediaries",
            help="distinct accounts the money passed through (calibrated: more than the 99.5th "
            "percentile of accounts whose money comes back together)",
            **_many("intermediaries", "accounts whose money comes back together", 4),
        ),
        MIN_AMOUNT,
        EXEMPT,
    ),
    conditions=(
        Condition(
            "intermediaries", ">=", "min_intermediaries", "intermediaries between the two ends"
        ),
    ),
    build=_scatter_gather,
    lookback=_window_days,
    metrics=("scattered",),
    source="TYPOLOGIES.md B4; AMLworld scatter-gather",
)


def _edges(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Payments between accounts that do not fan by trade, placed in hopping windows."""
    tx = inputs.tx.filter(inputs.tx.amount_usd >= params["min_amount"])
    for end in ("src_account", "dst_account"):
        tx = _exempt(tx, end, inputs, params["exempt_holder_types"])
        tx = without(tx, end, inputs.busy)
    windows = hopping(tx, int(params["window_days"] * DAY))
    return windows.select("src_account", "dst_account", "phase", "window", "tx_id")


def _co_paid(edges: ir.Table, shared: str, paired: str) -> ir.Table:
    """Pairs of ``paired`` accounts that deal with the same ``shared`` accounts in one window.

    With ``shared="src_account"`` the pairs are receivers paid by common senders; with
    ``shared="dst_account"`` they are senders paying common receivers.
    """
    left = edges.rename(lambda name: f"l_{name}")
    right = edges.rename(lambda name: f"r_{name}")
    joined = left.join(
        right,
        [
            left[f"l_{shared}"] == right[f"r_{shared}"],
            left.l_phase == right.r_phase,
            left.l_window == right.r_window,
            left[f"l_{paired}"] < right[f"r_{paired}"],
        ],
    )
    grouped = joined.group_by(
        first=joined[f"l_{paired}"],
        second=joined[f"r_{paired}"],
        phase=joined.l_phase,
        window=joined.l_window,
    ).aggregate(
        shared=joined[f"l_{shared}"].nunique(),
        others=joined[f"l_{shared}"].collect(),
        left_legs=joined.l_tx_id.collect(),
        right_legs=joined.r_tx_id.collect(),
    )
    return grouped.mutate(
        accounts=grouped.others.concat(ibis.array([grouped.first, grouped.second])),
        tx_ids=grouped.left_legs.concat(grouped.right_legs),
    )


def _bipartite(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Pairs of receivers that share several of the same senders within one window."""
    pairs = _co_paid(_edges(inputs, params), "src_account", "dst_account")
    return pairs.mutate(focus=pairs.first, shared_senders=pairs.shared)


BIPARTITE = Rule(
    id="bipartite",
    typology="bipartite",
    description=(
        "A group of senders all pay the same group of receivers within a few weeks: two sets of "
        "accounts wired to each other many-to-many."
    ),
    severity="medium",
    params=(
        WINDOW,
        Param(
            "min_shared_senders",
            help="senders that two receivers have in common (calibrated: more than the 99.5th "
            "percentile of receivers sharing senders)",
            **_many("shared_senders", "receivers sharing senders", 3),
        ),
        MIN_AMOUNT,
        EXEMPT,
    ),
    conditions=(
        Condition("shared_senders", ">=", "min_shared_senders", "senders shared by two receivers"),
    ),
    build=_bipartite,
    lookback=_window_days,
    source="AMLworld bipartite and stack patterns",
)


def _stack(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Pairs of accounts in a middle layer: paid by the same senders, paying the same receivers."""
    edges = _edges(inputs, params)
    paid = _co_paid(edges, "src_account", "dst_account")
    paying = _co_paid(edges, "dst_account", "src_account")
    paying = paying.rename(lambda name: f"o_{name}")
    both = paid.join(
        paying,
        [
            paid.first == paying.o_first,
            paid.second == paying.o_second,
            paid.phase == paying.o_phase,
            paid.window == paying.o_window,
        ],
    )
    return both.select(
        focus=both.first,
        accounts=both.accounts.concat(both.o_accounts),
        tx_ids=both.tx_ids.concat(both.o_tx_ids),
        shared_senders=both.shared,
        shared_receivers=both.o_shared,
    )


STACK = Rule(
    id="stack",
    typology="stack",
    description=(
        "Layers of accounts: two accounts are paid by the same senders and pay the same "
        "receivers within a few weeks, as a middle layer of a layered laundering stack does."
    ),
    severity="high",
    params=(
        WINDOW,
        Param(
            "min_shared_senders",
            help="senders the two accounts have in common (calibrated: more than the 99.5th "
            "percentile of accounts in a middle layer)",
            **_many("shared_senders", "accounts in a middle layer", 3),
        ),
        Param(
            "min_shared_receivers",
            help="receivers the two accounts have in common (calibrated: more than the 99.5th "
            "percentile of accounts in a middle layer)",
            **_many("shared_receivers", "accounts in a middle layer", 3),
        ),
        MIN_AMOUNT,
        EXEMPT,
    ),
    conditions=(
        Condition("shared_senders", ">=", "min_shared_senders", "senders shared by the pair"),
        Condition("shared_receivers", ">=", "min_shared_receivers", "receivers shared by the pair"),
    ),
    build=_stack,
    lookback=_window_days,
    source="AMLworld stack pattern",
)

RULES = (FAN_OUT, FAN_IN, GATHER_SCATTER, SCATTER_GATHER, BIPARTITE, STACK)
