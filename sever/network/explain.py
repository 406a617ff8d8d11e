"""One node's evidence in words: what it is, every tie it has (and how many others share each
value), and its strongest path to a listed entity (when its risk reaches the proximity
analysis's least risk)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import networkx as nx

from sever.errors import SeverError
from sever.network.proximity import (
    ProximitySettings,
    node_names,
    path_words,
    proximity_graph,
)

VALUE_KINDS = ("address", "phone", "email", "ip", "device")


@dataclass(frozen=True)
class Explanation:
    """A node, its ties in words and its strongest path to a list entry (if any)."""

    node_id: str
    kind: str
    label: str
    ties: list[str] = field(default_factory=list)
    listed_path: list[str] = field(default_factory=list)
    listed_risk: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "node_id": self.node_id,
            "kind": self.kind,
            "label": self.label,
            "ties": self.ties,
            "listed_path": self.listed_path,
            "listed_risk": round(self.listed_risk, 4),
        }


_TIES = """
WITH mine AS (
    SELECT dst AS other, kind, via, share, amount, count, 'out' AS dir FROM edges WHERE src = ?
    UNION ALL
    SELECT src, kind, via, share, amount, count, 'in' FROM edges WHERE dst = ?
)
SELECT m.other, coalesce(n.label, m.other), m.kind, m.via, m.share, m.amount, m.count, m.dir,
       (SELECT count(DISTINCT src) FROM edges e WHERE e.dst = m.other) AS users
FROM mine m LEFT JOIN nodes n ON n.node_id = m.other
QUALIFY m.kind <> 'payment'
     OR row_number() OVER (PARTITION BY m.kind ORDER BY m.amount DESC, m.other) <= 10
ORDER BY CASE m.kind WHEN 'list_link' THEN 0 WHEN 'ownership' THEN 1 WHEN 'directorship' THEN 2
                     WHEN 'payment' THEN 4 ELSE 3 END,
         m.kind, m.amount DESC, m.other
LIMIT ?
"""


def explain(
    con: duckdb.DuckDBPyConnection,
    node_id: str,
    settings: ProximitySettings | None = None,
    most_ties: int = 200,
) -> Explanation:
    """The evidence about ``node_id``: list links, owners, directors, shared values, then its
    ten largest payment links; an error when the graph does not hold it."""
    row = con.execute("SELECT kind, label FROM nodes WHERE node_id = ?", [node_id]).fetchone()
    if row is None:
        raise SeverError(f"{node_id}: not in the network graph (see `sever network build`)")
    kind, label = row
    ties = [
        _tie(label or node_id, *tie)
        for tie in con.execute(_TIES, [node_id, node_id, most_ties]).fetchall()
    ]
    out = Explanation(node_id, kind, label or node_id, ties)
    settings = settings or ProximitySettings()
    entities = [
        n for (n,) in con.execute("SELECT node_id FROM nodes WHERE kind = 'entity'").fetchall()
    ]
    if not entities:
        return out
    graph = proximity_graph(con, settings, entities)
    if node_id not in graph:
        return out
    cost, paths = nx.multi_source_dijkstra(graph, entities, weight="cost")
    if node_id not in cost:
        return out
    path = tuple(reversed(paths[node_id]))
    names = node_names(con, list(path))
    return Explanation(
        node_id,
        kind,
        out.label,
        ties,
        list(path_words(graph, names, path)),
        math.exp(-cost[node_id]),
    )


def _tie(
    me: str,
    other: str,
    other_label: str,
    kind: str,
    via: str,
    share: float | None,
    amount: float | None,
    count: int | None,
    direction: str,
    users: int,
) -> str:
    if kind in VALUE_KINDS:
        seen = {"laptop": "laptop shipped to", "login": "logs in from"}.get(via, "registered with")
        return f"{me} {seen} {kind} {other_label}, used by {users} in all"
    if kind == "payment":
        way = "paid" if direction == "out" else "was paid by"
        return f"{me} {way} {other_label} ({other}) {count} times, {amount:,.2f} in all"
    if kind == "ownership":
        pct = f"{share:.0%}" if share is not None else "an unknown share"
        return (
            f"{me} owns {pct} of {other_label} ({other})"
            if direction == "out"
            else f"{other_label} ({other}) owns {pct} of {me}"
        )
    if kind == "directorship":
        return (
            f"{me} directs {other_label} ({other})"
            if direction == "out"
            else f"{other_label} ({other}) is a director of {me}"
        )
    if kind == "list_link":
        return f"{me} matched list entry {other} (score {share or 0:.2f})"
    return f"{me} —{kind} ({via})— {other_label} ({other})"
