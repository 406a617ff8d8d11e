"""``sever network blocked``: a registry's companies blocked by OFAC's 50 % rule.

The rule reads the ownership stakes and the parties' names from the network graph
(``sever network build``, :mod:`sever.network.graph`), so a registry is read one way only. The
owners are linked to list entities by the screening matcher (:mod:`sever.network.resolve`),
each distinct name once; the linked owners are the blocked persons the rule starts from
(:mod:`sever.network.ownership`). Each entity found blocked, or left for review because a blocked
owner's share is not stated, becomes a finding of typology ``ownership_50pct`` whose explanation
walks the chain back to the listed owners, in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from sever.alerts import Alert, Reason, Subject, alert_id
from sever.errors import SeverError
from sever.network.ownership import (
    THRESHOLD,
    Outcome,
    Stake,
    Verdict,
    apply_50_percent_rule,
    percent,
)
from sever.network.resolve import ListLink, Named, link_to_lists
from sever.screen import ScreeningIndex, ScreenOptions

RULE_ID = "ofac_50pct"
TYPOLOGY = "ownership_50pct"


@dataclass
class BlockedReport:
    """The rule's outcome on one registry, with the list links it started from."""

    source: Path | None
    """What was read: the registry file, or the graph."""
    links: dict[str, list[ListLink]]
    outcome: Outcome
    listed: dict[str, str] = field(default_factory=dict)
    parties: int = 0
    """Parties named by a stake, as owner or asset."""
    stakes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source) if self.source else None,
            "parties": self.parties,
            "stakes": self.stakes,
            "listed_owners": [link.to_dict() for links in self.links.values() for link in links],
            **self.outcome.to_dict(),
        }

    def chain(self, verdict: Verdict) -> tuple[list[str], list[str]]:
        """The path from the listed owners to this entity: the arithmetic of each entity on it
        (the blocked owners that are not listed first, each once), and the listed owners it
        starts from."""
        by_id = {v.entity: v for v in self.outcome.verdicts}
        lines: list[str] = []
        roots: list[str] = []
        seen: set[str] = set()

        def walk(current: Verdict) -> None:
            if current.entity in seen:
                return
            seen.add(current.entity)
            for term in current.terms:
                if term.owner in self.listed and term.owner not in roots:
                    roots.append(term.owner)
                elif term.owner not in self.listed and term.owner in by_id:
                    walk(by_id[term.owner])
            lines.append(f"{current.label}: {current.arithmetic}")

        walk(verdict)
        return lines, roots

    def alerts(self) -> list[Alert]:
        """A finding per entity blocked (or left for review), with its chain and list links."""
        return [self.alert(v) for v in self.outcome.verdicts if v.status in ("blocked", "review")]

    def alert(self, verdict: Verdict) -> Alert:
        owners = [term.owner for term in verdict.terms]
        steps, roots = self.chain(verdict)
        links = [link for root in roots for link in self.links.get(root, [])[:1]]
        matched = "; ".join(
            f"{link.party_name} is listed as {link.caption} on {link.dataset} "
            f"(score {link.score:.2f}: {link.explanation})"
            for link in links
        )
        said = (
            "is blocked by OFAC's 50 % rule"
            if verdict.blocked
            else "may be blocked by OFAC's 50 % rule (a blocked owner's share is not stated)"
        )
        explanation = f"{verdict.label} {said}. " + "; then ".join(steps) + "."
        if matched:
            explanation += f" {matched}"
        reasons = [
            Reason(
                "share owned by blocked persons", percent(verdict.share), percent(THRESHOLD), ">="
            ),
            *(Reason(f"{term.label} owns", percent(term.share)) for term in verdict.terms),
        ]
        subjects = [
            Subject("company", verdict.entity, verdict.label),
            *(Subject("party", term.owner, term.label) for term in verdict.terms),
            *(Subject("entity", link.entity_id, link.caption) for link in links),
        ]
        dprk = any(link.dprk for link in links)
        return Alert(
            alert_id=alert_id(RULE_ID, verdict.entity, owners),
            typology=TYPOLOGY,
            rule_id=RULE_ID,
            severity=("critical" if dprk else "high") if verdict.blocked else "medium",
            accounts=(),
            tx_ids=(),
            amount=0.0,
            period_start=None,
            period_end=None,
            score=round(min(verdict.share, 1.0), 6),
            reasons=tuple(reasons),
            evidence={
                **verdict.to_dict(),
                "chain": steps,
                "links": [link.to_dict() for link in links],
            },
            explanation=explanation,
            verb="network",
            subjects=tuple(subjects),
        )


_SCHEMA = {"person": "Person", "company": "Company"}
"""The FtM schema a node of the graph is screened as (any other kind: ``LegalEntity``)."""


def find_blocked(
    con: duckdb.DuckDBPyConnection,
    index: ScreeningIndex,
    options: ScreenOptions,
    *,
    source: Path | None = None,
    workers: int = 1,
) -> BlockedReport:
    """Link the graph's owners to the lists, then apply the 50 % rule from the linked ones."""
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    if "stakes" not in tables:
        raise SeverError("the network graph has no ownership stakes; run `sever network build`")
    stakes = [
        Stake(owner, asset, share, start, end, stated or "")
        for owner, asset, share, start, end, stated in con.execute(
            'SELECT owner, asset, share, "start", "end", source FROM stakes ORDER BY asset, owner'
        ).fetchall()
    ]
    described = con.execute(
        """
        WITH named AS (SELECT owner AS id, true AS owns FROM stakes
                       UNION ALL SELECT asset, false FROM stakes)
        SELECT n.node_id, n.kind, n.label, n.country, bool_or(m.owns)
        FROM nodes n JOIN named m ON m.id = n.node_id
        GROUP BY ALL
        """
    ).fetchall()
    labels = {node: label or node for node, _, label, _, _ in described}
    owners = [
        Named(node, label, _SCHEMA.get(kind, "LegalEntity"), country)
        for node, kind, label, country, owns in described
        if owns and label and label != node
    ]
    links = link_to_lists(index, owners, options, workers)
    listed = {party: labels[party] for party in links}
    outcome = apply_50_percent_rule(stakes, listed, labels)
    return BlockedReport(source, links, outcome, listed, len(labels), len(stakes))
