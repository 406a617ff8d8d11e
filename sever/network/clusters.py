"""Front-company clusters: companies tied by rare shared details and officers, with the signs of
a front.

Two companies are tied by every address, phone, e-mail, director or owner they share. A tie is
worth as much as it is rare: a value shared by ``d`` companies weighs ``1 / ln d`` (the
Adamic-Adar weight), so a phone shared by two companies weighs 1.44, a nominee director of six
companies 0.56 and a registered agent's address shared by 500 companies 0.16. Values shared by
more than :attr:`ClusterSettings.most_shared` companies are not paired at all (their weight is
below 0.26 and pairing them is quadratic).

Pairs whose ties weigh at least :attr:`ClusterSettings.pair_weight` and include a shared contact
detail (officers alone tie every corporate group) are joined into clusters; a parent and its
subsidiary, or two subsidiaries of one parent company, are a declared group and are not paired.
A cluster is raised when it shows a sign of a front (TYPOLOGIES.md section B, red flags 1 and 4):

- money moves between members that are not under one control: payments between a parent and its
  subsidiaries, between companies of one group or of one majority owner, are expected and not
  counted;
- members were formed together, recently: two or more incorporated within
  :attr:`ClusterSettings.batch_days` of each other, within :attr:`ClusterSettings.young_years` of
  the newest company of the graph;
- two or more members pay one outside party now and then (at most
  :attr:`ClusterSettings.occasional_payments` payments each): money gathered at one payee;
- a member pays, is paid by or is a party on a sanctions list.

The more signs, the higher the severity and the score; companies that trade with almost nobody
else are reported too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb
import networkx as nx

from sever.alerts import Alert, Reason, Subject, alert_id

CONTACT_KINDS = ("address", "phone", "email")


@dataclass(frozen=True)
class ClusterSettings:
    """The thresholds of the front-company analysis (none read off the simulator)."""

    pair_weight: float = 1.0
    """Least summed tie weight for two companies to be tied: one value shared by two or three
    companies only (1.44, 0.91 with a second weak tie), or several commoner ones."""
    most_shared: int = 50
    """Values shared by more companies than this are too common to tie anyone."""
    young_years: float = 2.0
    """A company incorporated less than this many years before the newest company of the graph
    is young (FATF's shell-company indicators: recently formed)."""
    batch_days: int = 90
    """Companies incorporated within this many days of each other were formed together (a
    quarter: company-formation agents register batches)."""
    occasional_payments: int = 3
    """A member that paid an outside party at most this many times paid it now and then (not a
    regular supplier)."""
    few_counterparties: int = 3
    """A company paying or paid by at most this many parties outside its cluster trades little."""


@dataclass(frozen=True)
class Tie:
    """One value two companies share and how rare it is."""

    kind: str
    value: str
    shared_by: int

    @property
    def weight(self) -> float:
        import math

        return 1.0 / math.log(self.shared_by)

    def words(self, labels: dict[str, str]) -> str:
        """``phone +85291234567 (shared by 3 companies)``; an officer by name and id."""
        value = self.value
        if self.kind == "officer" and labels.get(value):
            value = f"{labels[value]} ({value})"
        return f"{self.kind} {value} (shared by {self.shared_by} companies)"


@dataclass(frozen=True)
class Cluster:
    """Companies tied together, the ties that join them and the signs they show."""

    companies: tuple[str, ...]
    labels: dict[str, str]
    ties: tuple[tuple[str, str, Tie], ...]
    internal_payments: int
    listed_payments: tuple[tuple[str, str, str], ...]
    young: tuple[str, ...]
    little_trade: tuple[str, ...]
    formed_together: tuple[str, ...] = ()
    """Young members formed within ``batch_days`` of another member."""
    common_payees: tuple[tuple[str, int], ...] = ()
    """Outside parties paid now and then by two or more members, and by how many."""

    @property
    def weight(self) -> float:
        return sum(t.weight for _, _, t in self.ties)

    @property
    def front_signs(self) -> list[str]:
        """The signs that raise a cluster: money between members not under one control, members
        formed together recently, one outside payee gathering from several members, a listed
        party."""
        found = []
        if self.internal_payments:
            found.append(f"{self.internal_payments} payments between members not under one control")
        if self.formed_together:
            found.append(
                f"{len(self.formed_together)} of {len(self.companies)} companies formed together "
                "recently"
            )
        if self.common_payees:
            payee, payers = self.common_payees[0]
            found.append(f"{payers} members pay {payee} now and then")
        if self.listed_payments:
            found.append(f"{len(self.listed_payments)} payment links to listed parties")
        return found

    @property
    def signs(self) -> list[str]:
        """Every sign of a front: the raising signs, then young companies and little trade."""
        found = self.front_signs
        if len(self.young) * 2 >= len(self.companies):
            found.append(f"{len(self.young)} of {len(self.companies)} companies young")
        if len(self.little_trade) * 2 >= len(self.companies):
            found.append(f"{len(self.little_trade)} of {len(self.companies)} trade little")
        return found

    def evidence_path(self) -> list[str]:
        """The ties in words, one sentence each: ``A and B share phone +852… (2 companies)``."""
        out = []
        for a, b, tie in self.ties:
            out.append(
                f"{self.labels.get(a, a)} and {self.labels.get(b, b)} share "
                f"{tie.words(self.labels)}"
            )
        for company, other, entity in self.listed_payments:
            out.append(
                f"{self.labels.get(company, company)} is paid by or pays {other}, "
                f"screened as list entry {entity}"
            )
        return out


_TIES = """
WITH comp AS (SELECT node_id FROM nodes WHERE kind = 'company'),
ties AS (
    SELECT DISTINCT e.src AS company, e.dst AS tie, e.kind
    FROM edges e JOIN comp c ON c.node_id = e.src
    WHERE e.kind IN ('address', 'phone', 'email')
    UNION
    SELECT DISTINCT e.dst, e.src, 'officer'
    FROM edges e JOIN comp c ON c.node_id = e.dst
    WHERE e.kind IN ('directorship', 'ownership')
),
degree AS (SELECT tie, count(*) AS d FROM ties GROUP BY tie HAVING count(*) BETWEEN 2 AND ?),
owned AS (
    SELECT e.src AS parent, e.dst AS child FROM edges e
    JOIN comp p ON p.node_id = e.src JOIN comp c ON c.node_id = e.dst
    WHERE e.kind = 'ownership'
),
grouped AS (
    SELECT parent AS x, child AS y FROM owned UNION SELECT child, parent FROM owned
    UNION SELECT a.child, b.child FROM owned a JOIN owned b ON a.parent = b.parent
)
SELECT a.company, b.company, a.kind, a.tie, d.d
FROM ties a
JOIN degree d ON d.tie = a.tie
JOIN ties b ON b.tie = a.tie AND a.company < b.company
ANTI JOIN grouped g ON g.x = a.company AND g.y = b.company
"""


def find_clusters(con: duckdb.DuckDBPyConnection, settings: ClusterSettings) -> list[Cluster]:
    """Every cluster of tied companies (two or more), strongest first, with its signs."""
    pairs: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for a, b, kind, tie, d in con.execute(_TIES, [settings.most_shared]).fetchall():
        value = tie.split(":", 1)[1] if kind in CONTACT_KINDS else tie
        pairs[(a, b)].append(Tie(kind, value, int(d)))
    graph = nx.Graph()
    for (a, b), ties in sorted(pairs.items()):
        weight = sum(t.weight for t in ties)
        if weight >= settings.pair_weight and any(t.kind in CONTACT_KINDS for t in ties):
            graph.add_edge(a, b, ties=ties)
    groups = sorted(sorted(c) for c in nx.connected_components(graph))
    facts = _facts(con, groups, settings)
    clusters = []
    for number, members in enumerate(groups):
        ties = tuple(
            (a, b, tie)
            for a, b, data in sorted(graph.subgraph(members).edges(data=True))
            for tie in data["ties"]
        )
        clusters.append(
            Cluster(
                companies=tuple(members),
                labels=facts.labels,
                ties=ties,
                internal_payments=facts.internal.get(number, 0),
                listed_payments=tuple(facts.listed.get(number, ())),
                young=tuple(m for m in members if m in facts.young),
                formed_together=tuple(facts.batches.get(number, ())),
                common_payees=tuple(facts.payees.get(number, ())),
                little_trade=tuple(
                    m for m in members if facts.outside.get(m, 0) <= settings.few_counterparties
                ),
            )
        )
    return sorted(clusters, key=lambda c: (-len(c.front_signs), -c.weight, c.companies))


@dataclass(frozen=True)
class _Facts:
    labels: dict[str, str]
    internal: dict[int, int]
    listed: dict[int, list[tuple[str, str, str]]]
    young: set[str]
    outside: dict[str, int]
    batches: dict[int, list[str]]
    payees: dict[int, list[tuple[str, int]]]


def _facts(
    con: duckdb.DuckDBPyConnection, groups: list[list[str]], settings: ClusterSettings
) -> _Facts:
    """Labels, payments and ages of every cluster's members, in a few queries over all."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE members AS SELECT unnest(?::VARCHAR[]) AS node_id, "
        "unnest(?::INTEGER[]) AS cluster",
        [[m for g in groups for m in g], [i for i, g in enumerate(groups) for _ in g]],
    )
    labels = dict(
        con.execute(
            """SELECT n.node_id, n.label FROM nodes n
               WHERE n.node_id IN (SELECT node_id FROM members)
                  OR n.node_id IN (SELECT e.src FROM edges e JOIN members m ON m.node_id = e.dst
                                   WHERE e.kind IN ('directorship', 'ownership'))"""
        ).fetchall()
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE member_payments AS
           SELECT m.cluster, m.node_id AS member, p.other, p.count,
                  o.cluster AS other_cluster
           FROM members m
           JOIN (SELECT src AS member, dst AS other, count FROM edges WHERE kind = 'payment'
                 UNION ALL
                 SELECT dst, src, count FROM edges WHERE kind = 'payment') p
             ON p.member = m.node_id
           LEFT JOIN members o ON o.node_id = p.other"""
    )
    control = _control_groups(con)
    internal: dict[int, int] = defaultdict(int)
    for cluster, member, other, count in con.execute(
        """SELECT cluster, member, other, count FROM member_payments
           WHERE other_cluster = cluster AND member < other"""
    ).fetchall():
        if control.get(member, member) != control.get(other, other):
            internal[int(cluster)] += int(count)
    payees: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for cluster, payee, payers in con.execute(
        """SELECT m.cluster, e.dst, count(*) AS payers FROM edges e
           JOIN members m ON m.node_id = e.src
           LEFT JOIN members o ON o.node_id = e.dst
           WHERE e.kind = 'payment' AND e.count <= ?
             AND (o.cluster IS NULL OR o.cluster <> m.cluster)
           GROUP BY ALL HAVING count(*) >= 2 ORDER BY m.cluster, payers DESC, e.dst""",
        [settings.occasional_payments],
    ).fetchall():
        payees[int(cluster)].append((payee, int(payers)))
    listed: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for cluster, member, other, entity in con.execute(
        """SELECT DISTINCT p.cluster, p.member, p.other, l.dst FROM member_payments p
           JOIN edges l ON l.kind = 'list_link' AND l.src = p.other
           UNION
           SELECT m.cluster, m.node_id, m.node_id, l.dst FROM members m
           JOIN edges l ON l.kind = 'list_link' AND l.src = m.node_id
           ORDER BY ALL"""
    ).fetchall():
        listed[int(cluster)].append((member, other, entity))
    outside = dict(
        con.execute(
            """SELECT m.node_id, count(DISTINCT p.other) FILTER (
                   WHERE p.other_cluster IS NULL OR p.other_cluster <> p.cluster)
               FROM members m LEFT JOIN member_payments p ON p.member = m.node_id
               GROUP BY m.node_id"""
        ).fetchall()
    )
    last = con.execute(
        "SELECT max(since) FROM nodes WHERE kind = 'company' AND since IS NOT NULL"
    ).fetchone()[0]
    young: set[str] = set()
    if last is not None:
        young = {
            r[0]
            for r in con.execute(
                """SELECT n.node_id FROM nodes n JOIN members USING (node_id)
                   WHERE n.since IS NOT NULL AND date_diff('day', n.since, ?) < ?""",
                [last, int(settings.young_years * 365.25)],
            ).fetchall()
        }
    batches: dict[int, list[str]] = defaultdict(list)
    if last is not None:
        for cluster, member in con.execute(
            """WITH recent AS (
                   SELECT m.cluster, m.node_id, n.since FROM members m JOIN nodes n USING (node_id)
                   WHERE n.since IS NOT NULL AND date_diff('day', n.since, ?) < ?
               )
               SELECT DISTINCT a.cluster, a.node_id FROM recent a JOIN recent b
                 ON a.cluster = b.cluster AND a.node_id <> b.node_id
                AND abs(date_diff('day', a.since, b.since)) <= ?
               ORDER BY ALL""",
            [last, int(settings.young_years * 365.25), settings.batch_days],
        ).fetchall():
            batches[int(cluster)].append(member)
    return _Facts(labels, dict(internal), listed, young, outside, batches, payees)


def _control_groups(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each member's control group: companies joined by a company owner (a corporate group), by
    an owner of half or more, or by an owner who also directs the company (an owner-manager).
    Payments within a group are expected."""
    graph = nx.Graph()
    graph.add_edges_from(
        con.execute(
            """SELECT e.src, e.dst FROM edges e JOIN members m ON m.node_id = e.dst
               LEFT JOIN nodes n ON n.node_id = e.src
               WHERE e.kind = 'ownership'
                 AND (n.kind = 'company' OR e.share >= 0.5
                      OR EXISTS (SELECT 1 FROM edges d WHERE d.kind = 'directorship'
                                 AND d.src = e.src AND d.dst = e.dst))"""
        ).fetchall()
    )
    return {
        node: number for number, part in enumerate(nx.connected_components(graph)) for node in part
    }


def cluster_alerts(clusters: list[Cluster]) -> list[Alert]:
    """One ``front_company`` finding per cluster that shows a sign of a front
    (:attr:`Cluster.front_signs`); more signs, young companies and little trade raise its
    severity and score."""
    alerts = []
    for cluster in clusters:
        if not cluster.front_signs:
            continue
        signs = cluster.signs
        reasons = (
            Reason("companies tied by rare shared details", len(cluster.companies), 2, ">="),
            Reason("summed tie weight (1/ln of how many share each value)", cluster.weight),
            *(Reason("sign of a front", sign) for sign in signs),
        )
        score = min(1.0, cluster.weight / 10 + 0.2 * len(signs))
        path = cluster.evidence_path()
        alerts.append(
            Alert(
                alert_id=alert_id("network.front_company", cluster.companies[0], cluster.companies),
                typology="front_company",
                rule_id="network.front_company",
                severity="high" if len(signs) >= 2 else "medium",
                accounts=(),
                tx_ids=(),
                amount=0.0,
                period_start=None,
                period_end=None,
                score=round(score, 3),
                reasons=reasons,
                evidence={"companies": list(cluster.companies), "path": path},
                explanation="; ".join(path),
                verb="network",
                subjects=tuple(
                    Subject("company", c, cluster.labels.get(c, "")) for c in cluster.companies
                ),
            )
        )
    return alerts
