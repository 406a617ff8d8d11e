"""Proximity to sanctioned parties: the strongest path from each party to a listed entity.

Every edge carries a strength between 0 and 1 (:class:`ProximitySettings`); a path's risk is the
product of its strengths, so risk decays with every step and with every weak step. A screening
match is as strong as its score, an ownership as its share, a value shared by ``d`` parties is
``1/d`` from one to the other. The strongest path is the shortest in ``-ln(strength)``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import duckdb
import networkx as nx


@dataclass(frozen=True)
class ProximitySettings:
    """Edge strengths and the least risk reported. A weight of 0 leaves that kind out."""

    directorship: float = 0.7
    """A director to the company they direct."""
    employment: float = 0.5
    """An employee record to its employer and to the person using it."""
    payment: float = 0.5
    """Payer to payee (either way)."""
    ownership_default: float = 0.5
    """An ownership whose share is not given."""
    most_shared: int = 20
    """Shared values used by more parties than this are not followed."""
    least_risk: float = 0.25
    """Paths weaker than this are not reported."""


@dataclass(frozen=True)
class Proximity:
    """A party's strongest path to a listed entity."""

    node_id: str
    label: str
    entity_id: str
    risk: float
    path: tuple[str, ...]
    words: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "node_id": self.node_id,
            "label": self.label,
            "entity_id": self.entity_id,
            "risk": round(self.risk, 4),
            "hops": len(self.path) - 1,
            "path": list(self.words),
        }


_EDGES = """
WITH around AS (
    SELECT e.src, e.dst, e.kind, e.share FROM edges e JOIN frontier f ON f.node_id = e.src
    UNION ALL
    SELECT e.src, e.dst, e.kind, e.share FROM edges e JOIN frontier f ON f.node_id = e.dst
),
value_use AS (
    SELECT dst AS value, count(*) AS d FROM edges
    WHERE dst IN (SELECT dst FROM around
                  WHERE kind IN ('address', 'phone', 'email', 'ip', 'device'))
    GROUP BY dst
)
SELECT DISTINCT a.src, a.dst, a.kind, a.share, u.d FROM around a
LEFT JOIN value_use u ON u.value = a.dst
WHERE a.kind NOT IN ('address', 'phone', 'email', 'ip', 'device') OR u.d BETWEEN 2 AND ?
"""


def _strength(kind: str, share: float | None, shared_by: int | None, s: ProximitySettings) -> float:
    if kind in ("list_link", "same_as"):  # same_as: two records of one identity, by score
        return float(share or 0.0)
    if kind == "ownership":
        return float(share) if share else s.ownership_default
    if shared_by:
        return 1.0 / math.sqrt(shared_by)  # two steps through the value: 1/d in all
    return {"directorship": s.directorship, "employment": s.employment, "payment": s.payment}.get(
        kind, 0.0
    )


def proximity_graph(
    con: duckdb.DuckDBPyConnection, settings: ProximitySettings, sources: list[str]
) -> nx.Graph:
    """The part of the graph within reach of ``sources``: every node whose strongest path from
    one of them has risk at least ``least_risk``, with all its edges; ``cost`` = -ln(strength)
    and ``kind`` on each edge (the strongest kept).

    Grown ring by ring from the sources (the edges of newly reached nodes are read from the
    graph's tables each time), so a graph of millions of payments is never loaded whole; the
    distances within reach are exact, since a path within reach only passes nodes within reach.
    """
    graph = nx.Graph()
    graph.add_nodes_from(sources)
    cutoff = -math.log(settings.least_risk)
    expanded: set[str] = set()
    frontier = list(sources)
    while frontier:
        expanded.update(frontier)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE frontier AS SELECT unnest(?::VARCHAR[]) AS node_id",
            [frontier],
        )
        for src, dst, kind, share, shared_by in con.execute(
            _EDGES, [settings.most_shared]
        ).fetchall():
            strength = _strength(kind, share, shared_by, settings)
            if strength <= 0:
                continue
            cost = -math.log(min(strength, 1.0))
            if graph.has_edge(src, dst) and graph[src][dst]["cost"] <= cost:
                continue
            graph.add_edge(src, dst, cost=cost, kind=kind, strength=strength)
        reached = nx.multi_source_dijkstra_path_length(graph, sources, cutoff=cutoff, weight="cost")
        frontier = sorted(set(reached) - expanded)
    return graph


def nearest_listed(con: duckdb.DuckDBPyConnection, settings: ProximitySettings) -> list[Proximity]:
    """Every person or company whose strongest path to a listed entity has risk at least
    ``least_risk``, riskiest first."""
    entities = [
        n for (n,) in con.execute("SELECT node_id FROM nodes WHERE kind = 'entity'").fetchall()
    ]
    if not entities:
        return []
    graph = proximity_graph(con, settings, entities)
    cutoff = -math.log(settings.least_risk)
    cost, paths = nx.multi_source_dijkstra(graph, entities, cutoff=cutoff, weight="cost")
    nodes = node_names(con, list(cost))
    found = []
    for node, distance in cost.items():
        kind, label = nodes.get(node, ("party", node))
        if kind not in ("person", "company", "party"):
            continue
        path = tuple(reversed(paths[node]))
        found.append(
            Proximity(
                node, label, path[-1], math.exp(-distance), path, path_words(graph, nodes, path)
            )
        )
    return sorted(found, key=lambda p: (-p.risk, p.node_id))


def node_names(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, tuple[str, str]]:
    """Kind and label of each of ``ids`` that the graph holds."""
    return {
        n: (k, label)
        for n, k, label in con.execute(
            "SELECT node_id, kind, label FROM nodes WHERE node_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchall()
    }


def path_words(graph: nx.Graph, nodes: dict[str, tuple[str, str]], path: tuple[str, ...]) -> tuple:
    out = []
    for a, b in itertools.pairwise(path):
        edge = graph[a][b]
        out.append(f"{_name(nodes, a)} —{edge['kind']} ({edge['strength']:.2f})→ {_name(nodes, b)}")
    return tuple(out)


def _name(nodes: dict[str, tuple[str, str]], node: str) -> str:
    kind, label = nodes.get(node, ("party", node))
    if kind in ("address", "phone", "email", "ip", "device"):
        return f"{kind} {label}"
    return f"{label} ({node})" if label and label != node else node
