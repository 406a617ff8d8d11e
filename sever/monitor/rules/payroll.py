"""IT-worker payroll: salaries forwarded on at once, and salaries of many employers pooled.

Source: State/Treasury/FBI DPRK IT-worker advisory (May 2022) and FBI PSAs (May 2024, Jul 2025):
TYPOLOGIES.md A1 (several employees' payroll into one account) and A2 (payroll credit followed by
80 % or more out within 72 hours to money-service businesses, payment platforms, crypto on-ramps
or PRC/Hong Kong-linked accounts).

Neither advisory gives a share or a count: how much of a salary leaving at once is unusual, and how
many employers paying one account are, are read off the data being screened by calibration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from sever.monitor.flows import DAY, HOUR, hopping, then, without
from sever.monitor.rule import Condition, Inputs, Param, Relative, Rule

SALARY_PURPOSES = Param(
    "salary_purposes", ("salary", "payroll", "wages"), "payment purposes that mark a salary"
)
EMPLOYER_TYPES = Param(
    "employer_types", ("employer",), "holder types whose payments to people count as salary"
)


def salaries(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Salary credits: by purpose, or, where no purpose is given, paid by an employer."""
    tx = inputs.tx
    by_purpose = tx.purpose.isin(params["salary_purposes"])
    if inputs.accounts is None:
        return tx.filter(by_purpose)
    employers = inputs.accounts.filter(
        inputs.accounts.holder_type.isin(params["employer_types"])
    ).select(employer=inputs.accounts.account_id)
    marked = tx.left_join(employers, tx.src_account == employers.employer)
    # An employer's payment counts as salary only when the file gives no purpose.
    marked = marked.filter(by_purpose | (marked.purpose.isnull() & marked.employer.notnull()))
    return marked.drop("employer")


def _risky_destinations(inputs: Inputs, params: Mapping[str, Any], pairs: ir.Table) -> ir.Table:
    """Forwarding legs that go abroad, to a watched country, or to a watched holder type."""
    abroad = pairs.b_dst_country != pairs.b_src_country
    watched_country = pairs.b_dst_country.isin(params["watch_countries"])
    if inputs.accounts is None:
        return pairs.filter(abroad | watched_country)
    kinds = inputs.accounts.filter(inputs.accounts.holder_type.isin(params["watch_types"]))
    kinds = kinds.select(watched_account=kinds.account_id)
    marked = pairs.left_join(kinds, pairs.b_dst_account == kinds.watched_account)
    return marked.filter(abroad | watched_country | marked.watched_account.notnull()).drop(
        "watched_account"
    )


def _forwarding(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Per account and period: salary received and the share forwarded on within hours."""
    pay = without(salaries(inputs, params), "dst_account", inputs.busy)
    pairs = then(
        pay,
        inputs.tx,
        first_key="dst_account",
        second_key="src_account",
        within_s=int(params["within_hours"] * HOUR),
    )
    pairs = _risky_destinations(inputs, params, pairs.filter(pairs.a_tx_id != pairs.b_tx_id))
    per_credit = pairs.group_by("a_tx_id").aggregate(
        forwarded=pairs.b_amount_usd.sum(),
        out_ids=pairs.b_tx_id.collect(),
        receivers=pairs.b_dst_account.collect(),
    )
    credited = pay.left_join(per_credit, pay.tx_id == per_credit.a_tx_id)
    credited = credited.mutate(
        forwarded=ibis.least(credited.forwarded.fill_null(0), credited.amount_usd),
        out_ids=credited.out_ids.fill_null(ibis.literal([], type="array<string>")),
        receivers=credited.receivers.fill_null(ibis.literal([], type="array<string>")),
    )
    windows = hopping(credited, int(params["period_days"] * DAY))
    grouped = windows.group_by("dst_account", "phase", "window").aggregate(
        salary_credits=windows.tx_id.count(),
        employers=windows.src_account.nunique(),
        salary=windows.amount_usd.sum().round(2),
        forwarded=windows.forwarded.sum().round(2),
        credit_ids=windows.tx_id.collect(),
        out_ids=windows.out_ids.collect(),
        receivers=windows.receivers.collect(),
    )
    return grouped.mutate(
        focus=grouped.dst_account,
        forwarded_share=(grouped.forwarded / grouped.salary.nullif(0)).round(4).fill_null(0),
        accounts=grouped.receivers.flatten(),
        tx_ids=grouped.credit_ids.concat(grouped.out_ids.flatten()),
    )


PAYROLL_FORWARDING = Rule(
    id="payroll_forwarding",
    typology="it_worker_payroll",
    description=(
        "Most of the salary paid into an account leaves within days to money-service businesses, "
        "exchanges, OTC desks, front companies or accounts abroad: the pattern of DPRK IT workers "
        "remitting their pay."
    ),
    severity="high",
    params=(
        Param(
            "within_hours",
            120,
            "how soon after payday the money must leave (five days: a working week)",
            "h",
        ),
        Param(
            "min_share",
            0.8,
            "share of salary forwarded within that time (calibrated: the 99th percentile of "
            "accounts receiving salary, at least half; else TYPOLOGIES.md A2's 80 %)",
            relative=Relative("forwarded_share", 0.99, floor=0.5, over="accounts receiving salary"),
        ),
        Param("min_credits", 2, "salary credits within the period"),
        Param("period_days", 120, "period over which salary is summed", "days"),
        Param(
            "watch_types",
            ("msb", "exchange", "otc", "payment", "front_company"),
            "receiving holder types that count as cash-out channels",
        ),
        Param("watch_countries", ("CN", "HK", "RU", "KP"), "receiving countries watched"),
        SALARY_PURPOSES,
        EMPLOYER_TYPES,
    ),
    conditions=(
        Condition("salary_credits", ">=", "min_credits", "salary credits in the period"),
        Condition(
            "forwarded_share", ">=", "min_share", "share of salary sent on within {within_hours} h"
        ),
    ),
    build=_forwarding,
    lookback=lambda p: float(p["period_days"]),
    metrics=("salary", "forwarded", "employers"),
    source="TYPOLOGIES.md A2; FBI PSA May 2024",
)


def _pooling(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Per account and period: how many different employers pay salary into it."""
    pay = salaries(inputs, params)
    windows = hopping(pay, int(params["period_days"] * DAY))
    grouped = windows.group_by("dst_account", "phase", "window").aggregate(
        employers=windows.src_account.nunique(),
        salary=windows.amount_usd.sum().round(2),
        tx_ids=windows.tx_id.collect(),
    )
    # The employers are the ones paying, not the ones implicated: only the pool is named.
    return grouped.mutate(focus=grouped.dst_account, accounts=ibis.array([grouped.dst_account]))


PAYROLL_POOLING = Rule(
    id="payroll_pooling",
    typology="it_worker_payroll",
    description=(
        "Salaries from several unrelated employers land in one account: one facilitator "
        "collecting the pay of several remote workers."
    ),
    severity="high",
    params=(
        Param(
            "min_employers",
            3,
            "distinct employers paying salary into the account (calibrated: more than the "
            "99.5th percentile of accounts receiving salary, at least 2)",
            relative=Relative("employers", 0.995, floor=2, over="accounts receiving salary"),
        ),
        Param("period_days", 62, "period over which employers are counted", "days"),
        SALARY_PURPOSES,
        EMPLOYER_TYPES,
    ),
    conditions=(Condition("employers", ">=", "min_employers", "distinct employers paying salary"),),
    build=_pooling,
    lookback=lambda p: float(p["period_days"]),
    metrics=("salary",),
    source="TYPOLOGIES.md A1",
)

RULES = (PAYROLL_FORWARDING, PAYROLL_POOLING)
