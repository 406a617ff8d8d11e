"""OFAC's 50 % rule over ownership stakes: which entities are blocked by operation of law.

OFAC's guidance (revised 13 August 2014): an entity owned 50 % or more, directly or indirectly,
in the aggregate, by one or more blocked persons is itself blocked, whether or not it is listed.
Shares are aggregated over every blocked owner. An entity blocked this way is itself a blocked
person, so what it owns counts in turn: the rule is applied until nothing changes (a fixed
point). A share held through an entity that is *not* blocked does not count (a listed person who
owns 40 % of C, which owns all of D, blocks neither C nor D).

Everything here is a pure function of the stakes and of the set of blocked (listed) ids, so the
``blocked`` command and the network graph call the same code. Imperfect registries are handled
and reported, never a crash: a cycle of ownership, a stake whose share is not stated, an asset
whose stated shares add up to more than 100 %, and an entity that owns itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

THRESHOLD = 0.5
"""50 %: OFAC's rule, not a tuning knob."""

_EPSILON = 1e-9
"""Shares are decimals: 0.3 + 0.2 must reach 0.5."""


@dataclass(frozen=True)
class Stake:
    """One owner's share (0–1) of one asset, as a registry states it."""

    owner: str
    asset: str
    share: float | None
    """None when the registry does not state the share."""
    start: date | None = None
    end: date | None = None
    source: str = ""
    """Where it was read (a file and row, or a relation id)."""


@dataclass(frozen=True)
class Term:
    """One blocked owner's share of an asset, as it enters the sum."""

    owner: str
    label: str
    share: float


@dataclass(frozen=True)
class Verdict:
    """An entity some blocked person owns a share of, and whether that blocks it."""

    entity: str
    label: str
    share: float
    """The aggregate share (0–1) held by blocked owners."""
    blocked: bool
    terms: tuple[Term, ...]
    unstated: tuple[str, ...] = ()
    """Blocked owners whose share of this entity the registry does not state."""
    round: int = 0
    """The pass of the fixed point in which it became blocked (1: owned by listed persons)."""

    @property
    def status(self) -> str:
        """``blocked``, ``review`` (under 50 % but a blocked owner's share is unstated) or
        ``not blocked``."""
        if self.blocked:
            return "blocked"
        return "review" if self.unstated else "not blocked"

    @property
    def arithmetic(self) -> str:
        """The sum in words: ``KOMID 30 % + Korea United Development Bank 25 % = 55 % ≥ 50 %``."""
        parts = " + ".join(f"{term.label} {percent(term.share)}" for term in self.terms)
        compare = "≥" if self.blocked else "<"
        sentence = f"{parts or '0 %'} = {percent(self.share)} {compare} {percent(THRESHOLD)}"
        if self.unstated:
            sentence += f"; share not stated for {', '.join(self.unstated)}"
        return sentence

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "label": self.label,
            "share": round(self.share, 6),
            "status": self.status,
            "blocked": self.blocked,
            "round": self.round,
            "arithmetic": self.arithmetic,
            "terms": [
                {"owner": t.owner, "label": t.label, "share": round(t.share, 6)} for t in self.terms
            ],
            "unstated": list(self.unstated),
        }


@dataclass(frozen=True)
class Problem:
    """Something in the registry the analyst should see: its kind, the ids, and a sentence."""

    kind: str
    """``cycle``, ``missing_share``, ``over_100``, ``self_ownership``, ``share_over_1`` or
    ``ended``."""
    ids: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ids": list(self.ids), "message": self.message}


@dataclass
class Outcome:
    """What the 50 % rule found: a verdict per entity with blocked owners, and the problems."""

    verdicts: list[Verdict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def blocked(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.blocked]

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdicts": [v.to_dict() for v in self.verdicts],
            "problems": [p.to_dict() for p in self.problems],
        }


def percent(share: float) -> str:
    """0.55 → ``55 %``; 0.3333 → ``33.33 %``."""
    value = round(share * 100, 2)
    return f"{value:g} %"


def apply_50_percent_rule(
    stakes: Iterable[Stake],
    listed: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
    *,
    as_of: date | None = None,
) -> Outcome:
    """The entities blocked by OFAC's 50 % rule.

    ``listed`` maps each blocked (listed) id to the label to show for it; ``labels`` gives labels
    for the other ids. A stake that ended before ``as_of`` (default: today) is left out and
    reported; so is one not started yet. A verdict is returned for every entity of which a
    blocked person owns any share, blocked or not, with its arithmetic.
    """
    labels = labels or {}
    today = as_of or date.today()
    outcome = Outcome()
    holdings = _current_holdings(stakes, today, outcome.problems)
    _report_registry_problems(holdings, outcome.problems, labels, listed)

    def label(entity: str) -> str:
        return listed.get(entity) or labels.get(entity) or entity

    # Each pass blocks the entities the owners blocked so far hold 50 % or more of; it stops
    # when a pass blocks nothing new (at most one pass per asset, so cycles end too).
    blocked: dict[str, int] = {entity: 0 for entity in listed}
    for pass_number in range(1, len(holdings) + 2):
        newly = {
            asset: pass_number
            for asset, owners in holdings.items()
            if asset not in blocked
            and (found := _verdict(asset, label(asset), owners, blocked, label, pass_number))
            and found.blocked
        }
        if not newly:
            break
        blocked.update(newly)
    final = [
        found
        for asset, owners in holdings.items()
        if asset not in listed
        and (found := _verdict(asset, label(asset), owners, blocked, label, blocked.get(asset, 0)))
    ]
    outcome.verdicts = sorted(final, key=lambda v: (not v.blocked, v.round, -v.share, v.entity))
    return outcome


def _verdict(
    asset: str,
    asset_label: str,
    owners: Mapping[str, list[Stake]],
    blocked: Mapping[str, int],
    label: Any,
    pass_number: int,
) -> Verdict | None:
    """The sum of the blocked owners' shares of one asset, or None when no owner is blocked."""
    terms: list[Term] = []
    unstated: list[str] = []
    for owner in sorted(owners):
        if owner not in blocked or owner == asset:
            continue
        shares = [s.share for s in owners[owner] if s.share is not None]
        if not shares:
            unstated.append(label(owner))
            continue
        terms.append(Term(owner, label(owner), min(sum(shares), 1.0)))
    if not terms and not unstated:
        return None
    total = sum(term.share for term in terms)
    terms.sort(key=lambda t: (-t.share, t.label))
    is_blocked = total + _EPSILON >= THRESHOLD
    return Verdict(
        entity=asset,
        label=asset_label,
        share=total,
        blocked=is_blocked,
        terms=tuple(terms),
        unstated=tuple(unstated),
        round=pass_number if is_blocked else 0,
    )


def _current_holdings(
    stakes: Iterable[Stake], today: date, problems: list[Problem]
) -> dict[str, dict[str, list[Stake]]]:
    """asset → owner → stakes in force today; self-ownership and stakes out of force reported."""
    holdings: dict[str, dict[str, list[Stake]]] = defaultdict(lambda: defaultdict(list))
    for stake in stakes:
        where = f" ({stake.source})" if stake.source else ""
        if stake.owner == stake.asset:
            problems.append(
                Problem(
                    "self_ownership",
                    (stake.asset,),
                    f"{stake.asset} is stated to own {_share_text(stake)} of itself{where}; "
                    "a company's own shares do not count towards any owner",
                )
            )
            continue
        if (stake.end is not None and stake.end < today) or (
            stake.start is not None and stake.start > today
        ):
            when = (
                f"ended {stake.end}" if stake.end and stake.end < today else f"starts {stake.start}"
            )
            problems.append(
                Problem(
                    "ended",
                    (stake.owner, stake.asset),
                    f"{stake.owner}'s stake in {stake.asset} {when}{where}; not counted",
                )
            )
            continue
        if stake.share is not None and stake.share > 1 + _EPSILON:
            problems.append(
                Problem(
                    "share_over_1",
                    (stake.owner, stake.asset),
                    f"{stake.owner} is stated to own {percent(stake.share)} of {stake.asset}"
                    f"{where}; counted as 100 %",
                )
            )
        holdings[stake.asset][stake.owner].append(stake)
    return holdings


def _share_text(stake: Stake) -> str:
    return percent(stake.share) if stake.share is not None else "an unstated share"


def _report_registry_problems(
    holdings: Mapping[str, Mapping[str, list[Stake]]],
    problems: list[Problem],
    labels: Mapping[str, str],
    listed: Mapping[str, str],
) -> None:
    """Missing shares, stated shares over 100 % and ownership cycles, each as a Problem."""

    def name(entity: str) -> str:
        return listed.get(entity) or labels.get(entity) or entity

    graph = nx.DiGraph()
    for asset, owners in sorted(holdings.items()):
        total = 0.0
        for owner, stakes in sorted(owners.items()):
            graph.add_edge(owner, asset)
            for stake in stakes:
                if stake.share is None:
                    problems.append(
                        Problem(
                            "missing_share",
                            (owner, asset),
                            f"the share {name(owner)} owns of {name(asset)} is not stated; "
                            "counted as 0 % and the verdict marked for review where it matters",
                        )
                    )
                else:
                    total += min(stake.share, 1.0)
        if total > 1 + _EPSILON:
            problems.append(
                Problem(
                    "over_100",
                    (asset,),
                    f"the stated shares of {name(asset)} add up to {percent(total)}, over 100 %; "
                    "each blocked owner's share is counted as stated",
                )
            )
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        members = sorted(component)
        cycle = nx.find_cycle(graph.subgraph(members), source=members[0])
        path = " → ".join([name(edge[0]) for edge in cycle] + [name(cycle[0][0])])
        problems.append(
            Problem(
                "cycle",
                tuple(members),
                f"ownership cycle: {path}; each share is counted once, and the rule stops when "
                "no more entities become blocked",
            )
        )
