"""``sever network blocked``: a registry's companies blocked by OFAC's 50 % rule.

The registry's parties are linked to list entities by the screening matcher
(:mod:`sever.network.resolve`); the linked parties are the blocked persons the rule starts from
(:mod:`sever.network.ownership`). Each entity found blocked, or left for review because a blocked
owner's share is not stated, becomes a finding of typology ``ownership_50pct`` whose explanation
walks the chain back to the listed owners, in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sever.alerts import Alert, Reason, Subject, alert_id
from sever.network.ownership import THRESHOLD, Outcome, Verdict, apply_50_percent_rule, percent
from sever.network.resolve import ListLink, link_to_lists
from sever.screen import ScreeningIndex, ScreenOptions
from sever.tables.registry import Registry

RULE_ID = "ofac_50pct"
TYPOLOGY = "ownership_50pct"


@dataclass
class BlockedReport:
    """The rule's outcome on one registry, with the list links it started from."""

    registry: Registry
    links: dict[str, list[ListLink]]
    outcome: Outcome
    listed: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "registry": str(self.registry.path),
            "parties": len(self.registry.parties),
            "stakes": len(self.registry.stakes),
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


def find_blocked(
    registry: Registry, index: ScreeningIndex, options: ScreenOptions
) -> BlockedReport:
    """Link the registry's parties to the lists, then apply the 50 % rule from the linked ones."""
    owners = {stake.owner for stake in registry.stakes}
    parties = [registry.parties[party_id] for party_id in sorted(owners)]
    links = link_to_lists(index, parties, options)
    listed = {party_id: registry.label(party_id) for party_id in links}
    labels: Mapping[str, str] = {pid: registry.label(pid) for pid in registry.parties}
    outcome = apply_50_percent_rule(registry.stakes, listed, labels)
    return BlockedReport(registry, links, outcome, listed)
