"""``sever network blocked``: a registry's companies blocked by OFAC's 50 % rule.

The rule reads the ownership stakes and the parties' names from the network graph
(``sever network build``, :mod:`sever.network.graph`), so a registry is read one way only. The
owners are linked to list entities by the screening matcher (:mod:`sever.network.resolve`),
each distinct name once; the linked owners are the blocked persons the rule starts from
(:mod:`sever.network.ownership`). Each entity found blocked, or left for review because a blocked
owner's share is not stated, becomes a finding of typology ``ownership_50pct`` whose explanation
walks the chain back to the listed owners, in words.

The rule counts per identity, not per record (:mod:`sever.network.identities`): a director
written one way in the registry and another way as a bank customer is one blocked person when
either record is linked to a list (by the matcher here, or by a screening hit given to `sever
network build`). Stakes are moved onto the identities of owner and asset; when two records of one
company both state an owner's stake, they describe one holding and the larger is kept, never the
sum. Each screening link is recorded in the home's decision store as an automatic ``list_link``
decision, and a link an analyst has judged ``negative`` (`sever network resolve decide`) is not
used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from sever.alerts import Alert, Reason, Subject, alert_id
from sever.errors import SeverError
from sever.network.identities import identity_map
from sever.network.merge_store import MergeStore, Proposal, ordered
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
    merged: dict[str, list[str]] = field(default_factory=dict)
    """Identity → its records in words, for every identity of several records the rule used."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source) if self.source else None,
            "parties": self.parties,
            "stakes": self.stakes,
            "listed_owners": [link.to_dict() for links in self.links.values() for link in links],
            "identities": self.merged,
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
        merged = [
            f"{self.listed.get(node) or node} is one identity of {', '.join(self.merged[node])}"
            for node in [verdict.entity, *owners, *roots]
            if node in self.merged
        ]
        if merged:
            explanation += " " + "; ".join(dict.fromkeys(merged)) + "."
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
                "identities": {
                    node: self.merged[node]
                    for node in dict.fromkeys([verdict.entity, *owners, *roots])
                    if node in self.merged
                },
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
    store: MergeStore | None = None,
) -> BlockedReport:
    """Link the graph's owners to the lists, then apply the 50 % rule from the linked ones,
    per identity. With a decision ``store``, the links are recorded there and the ones judged
    ``negative`` are left out."""
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    if "stakes" not in tables:
        raise SeverError("the network graph has no ownership stakes; run `sever network build`")
    identity = identity_map(con)
    described = con.execute(
        """
        WITH named AS (SELECT owner AS id, true AS owns FROM stakes
                       UNION ALL SELECT asset, false FROM stakes)
        SELECT n.node_id, n.kind, n.label, n.country, bool_or(m.owns)
        FROM nodes n JOIN named m ON m.id = n.node_id
        GROUP BY ALL
        """
    ).fetchall()
    owning = {node for node, *_, owns in described if owns}
    owning_identities = {identity.get(node, node) for node in owning}
    members = [node for node, ident in identity.items() if ident in owning_identities]
    described += con.execute(
        "SELECT node_id, kind, label, country, true FROM nodes "
        "WHERE node_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(set(members) - {node for node, *_ in described})],
    ).fetchall()
    labels = {node: label or node for node, _, label, _, _ in described}
    owners = [
        Named(node, label, _SCHEMA.get(kind, "LegalEntity"), country)
        for node, kind, label, country, owns in described
        if owns and label and label != node
    ]
    links = link_to_lists(index, owners, options, workers)
    for node, entity_id, caption, score in con.execute(
        "SELECT e.src, e.dst, coalesce(n.label, e.dst), e.share FROM edges e "
        "LEFT JOIN nodes n ON n.node_id = e.dst WHERE e.kind = 'list_link' "
        "AND e.src IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(set(members) | owning)],
    ).fetchall():
        given = "a screening hit given to `sever network build`"
        hit = (entity_id, caption, "screening hits", (), False, float(score or 0.0), given)
        links.setdefault(node, []).append(ListLink(node, labels.get(node, node), *hit))
    links = _judged(links, store)
    listed = {}
    for node in links:
        ident = identity.get(node, node)
        listed.setdefault(ident, labels.get(ident) or labels.get(node, node))
    stated = con.execute(
        'SELECT owner, asset, share, "start", "end", source FROM stakes ORDER BY asset, owner'
    ).fetchall()
    outcome = apply_50_percent_rule(_per_identity(stated, identity), listed, labels)
    groups: dict[str, list[str]] = {}
    for node, ident in sorted(identity.items()):
        groups.setdefault(ident, []).append(f"{labels.get(node, node)} ({node})")
    used = {v.entity for v in outcome.verdicts} | {
        t.owner for v in outcome.verdicts for t in v.terms
    }
    merged = {ident: words for ident, words in groups.items() if ident in used}
    return BlockedReport(source, links, outcome, listed, len(labels), len(stated), merged)


def _per_identity(stated: list[tuple], identity: dict[str, str]) -> list[Stake]:
    """The stakes with owner and asset moved onto their identities. Where several records of one
    asset state the same owner identity's stake, they describe one holding: the stakes of the
    record stating the most are kept, the others dropped (never summed)."""
    by_pair: dict[tuple[str, str], dict[str, list[Stake]]] = {}
    for owner, asset, share, start, end, where in stated:
        ids = identity.get(owner, owner), identity.get(asset, asset)
        stake = Stake(*ids, share, start, end, where or "")
        by_pair.setdefault((stake.owner, stake.asset), {}).setdefault(asset, []).append(stake)
    kept: list[Stake] = []
    for records in by_pair.values():
        best = max(records.values(), key=lambda ss: (sum(s.share or 0.0 for s in ss), len(ss)))
        kept.extend(best)
    return kept


def _judged(
    links: dict[str, list[ListLink]], store: MergeStore | None
) -> dict[str, list[ListLink]]:
    """The links not judged ``negative``; each new one recorded as an automatic decision."""
    if store is None:
        return links
    store.record_automatic(
        Proposal(
            "list_link",
            link.party,
            link.entity_id,
            "positive",
            link.score,
            (
                f"{link.party_name} ({link.party}) is listed as {link.caption} on {link.dataset}",
                link.explanation,
            ),
        )
        for found in links.values()
        for link in found
    )
    judged = store.judged("list_link")
    kept = {
        node: [
            link for link in found if judged.get(ordered(link.party, link.entity_id)) != "negative"
        ]
        for node, found in links.items()
    }
    return {node: found for node, found in kept.items() if found}
