"""The entity view: one node of the network graph (``sever network build``), its ties in words, its
strongest path to a sanctioned party, and OFAC's 50 % arithmetic where blocked owners hold it.

The page draws the node and its neighbours as SVG and works without scripting (every neighbour is
a link); ``static/entity.js`` lets the analyst expand neighbours in place, fetching them from the
page's JSON twin (``/ui/entity/neighbours``). The words come from :mod:`sever.network.explain`
and :mod:`sever.network.ownership`; nothing here decides anything.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse

from sever.errors import SeverError
from sever.network.blocked import BlockedReport
from sever.network.explain import explain
from sever.network.ownership import Stake, Verdict, apply_50_percent_rule
from sever.web.auth import Refused, page_visitor
from sever.web.routes import render, router

MOST_NEIGHBOURS = 30
"""Neighbours fetched per expansion, strongest ties first (a shared address may have hundreds)."""

_NEIGHBOURS = """
WITH mine AS (
    SELECT dst AS other, kind, share, amount FROM edges WHERE src = ?
    UNION ALL
    SELECT src, kind, share, amount FROM edges WHERE dst = ?
)
SELECT m.other AS other, coalesce(n.kind, 'party') AS node_kind,
       coalesce(n.label, m.other) AS label, m.kind AS tie, max(m.share) AS share,
       sum(m.amount) AS amount
FROM mine m LEFT JOIN nodes n ON n.node_id = m.other
GROUP BY m.other, n.kind, n.label, m.kind
ORDER BY CASE tie WHEN 'list_link' THEN 0 WHEN 'ownership' THEN 1 WHEN 'directorship' THEN 2
                  WHEN 'payment' THEN 4 ELSE 3 END, share DESC NULLS LAST,
         amount DESC NULLS LAST, other
LIMIT ?
"""


def _graph(request: Request) -> duckdb.DuckDBPyConnection:
    from sever.network.graph import open_graph

    try:
        return open_graph(request.app.state.home)
    except SeverError as exc:
        raise Refused(404, str(exc)) from None


def neighbours(con: duckdb.DuckDBPyConnection, node_id: str) -> dict[str, Any]:
    """The node and its strongest ties, as nodes and edges for the graph drawing."""
    row = con.execute("SELECT kind, label FROM nodes WHERE node_id = ?", [node_id]).fetchone()
    if row is None:
        raise Refused(404, f"{node_id[:200]}: not in the network graph")
    nodes = {node_id: {"id": node_id, "kind": row[0], "label": row[1] or node_id}}
    edges = []
    for other, kind, label, tie, share, amount in con.execute(
        _NEIGHBOURS, [node_id, node_id, MOST_NEIGHBOURS]
    ).fetchall():
        nodes.setdefault(other, {"id": other, "kind": kind, "label": label or other})
        edges.append(
            {
                "src": node_id,
                "dst": other,
                "kind": tie,
                "share": share,
                "amount": amount,
                "text": f"{share:.0%}" if tie == "ownership" and share is not None else tie,
            }
        )
    return {"center": node_id, "nodes": list(nodes.values()), "edges": edges}


def ownership_chain(
    con: duckdb.DuckDBPyConnection, node_id: str
) -> tuple[Verdict | None, list[str]]:
    """The 50 % rule on the graph's ownership edges, starting from the parties linked to a list
    entry: this node's verdict (None when no blocked person owns any of it) and the arithmetic
    of each entity on the chain back to the listed owners."""
    stakes = [
        Stake(owner, asset, share)
        for owner, asset, share in con.execute(
            "SELECT src, dst, share FROM edges WHERE kind = 'ownership'"
        ).fetchall()
    ]
    labels = dict(con.execute("SELECT node_id, coalesce(label, node_id) FROM nodes").fetchall())
    listed = {
        party: labels.get(party, party)
        for (party,) in con.execute(
            "SELECT DISTINCT src FROM edges WHERE kind = 'list_link'"
        ).fetchall()
    }
    outcome = apply_50_percent_rule(stakes, listed, labels)
    verdict = next((v for v in outcome.verdicts if v.entity == node_id), None)
    if verdict is None:
        return None, []
    # chain() reads only the outcome and the listed owners, not the registry file
    steps, _ = BlockedReport(None, {}, outcome, listed).chain(verdict)  # type: ignore[arg-type]
    return verdict, steps


def layout(drawing: dict[str, Any], size: int = 560) -> dict[str, Any]:
    """Positions for the server-drawn SVG: the node in the middle, neighbours on a circle."""
    middle = size / 2
    others = [n for n in drawing["nodes"] if n["id"] != drawing["center"]]
    places = {drawing["center"]: (middle, middle)}
    for i, node in enumerate(others):
        angle = 2 * math.pi * i / max(len(others), 1)
        places[node["id"]] = (
            middle + 0.4 * size * math.cos(angle),
            middle + 0.4 * size * math.sin(angle),
        )
    return {"size": size, "places": places}


@router.get("/entity")
def entity_page(request: Request, node: str = "") -> HTMLResponse:
    """A node's graph, ties, path to the lists and 50 % arithmetic; without ``node``, the
    parties closest to a listed entity to start from."""
    visitor = page_visitor(request)
    con = _graph(request)
    try:
        if not node:
            starts = con.execute(
                "SELECT n.node_id, n.kind, coalesce(n.label, n.node_id) FROM edges e "
                "JOIN nodes n ON n.node_id = e.src WHERE e.kind = 'list_link' "
                "ORDER BY e.share DESC, n.node_id LIMIT 50"
            ).fetchall()
            return render(request, "entity.html", {"me": visitor, "starts": starts, "node": None})
        drawing = neighbours(con, node)
        words = explain(con, node)
        verdict, steps = ownership_chain(con, node)
    finally:
        con.close()
    return render(
        request,
        "entity.html",
        {
            "me": visitor,
            "node": node,
            "drawing": drawing,
            "layout": layout(drawing),
            "words": words,
            "verdict": verdict,
            "steps": steps,
        },
    )


@router.get("/entity/neighbours")
def entity_neighbours(request: Request, node: str = "") -> JSONResponse:
    """The JSON twin the graph expands from: a node and its strongest ties."""
    page_visitor(request)
    con = _graph(request)
    try:
        return JSONResponse(neighbours(con, node), headers={"Cache-Control": "no-store"})
    finally:
        con.close()
