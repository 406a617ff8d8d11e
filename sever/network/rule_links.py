"""The 50 % rule's links, kept for the front-company analysis of the same graph.

``sever network blocked`` screens every owner against the lists and applies OFAC's 50 % rule; the
parties it finds listed or blocked are the DPRK links a front-company cluster is scored on
(:func:`sever.network.clusters.linked_by_rule`). Screening a million owners takes minutes, so
``clusters`` does not repeat it: ``blocked`` keeps its links beside the graph, stamped with the
graph file's size and modification time, and ``clusters`` reads them only while that graph is
unchanged. A rebuild, or an analyst's merge decision written into the graph, makes them stale, and
``clusters`` then says so instead of using them.
"""

from __future__ import annotations

import json
from pathlib import Path

from sever.home import Home
from sever.network.graph import GRAPH_FILE
from sever.tables.atomic import atomic_output

LINKS_FILE = "network/rule_links.json"


def _stamp(home: Home) -> list[int]:
    status = (home.root / GRAPH_FILE).stat()
    return [status.st_size, status.st_mtime_ns]


def save_rule_links(home: Home, linked: dict[str, str]) -> Path:
    """Keep ``linked`` (party id → why, in words) for the home's current graph."""
    path = home.root / LINKS_FILE
    with atomic_output(path) as temp:
        temp.write_text(
            json.dumps({"graph": _stamp(home), "linked": linked}, ensure_ascii=False),
            encoding="utf-8",
        )
    return path


def load_rule_links(home: Home) -> dict[str, str] | None:
    """The links ``sever network blocked`` kept for the home's current graph; None when it has not
    run on this graph (never, or before the graph last changed)."""
    path = home.root / LINKS_FILE
    if not path.exists() or not (home.root / GRAPH_FILE).exists():
        return None
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # unreadable: as if never kept; the next `blocked` rewrites it
    if kept.get("graph") != _stamp(home):
        return None
    return {str(party): str(why) for party, why in kept.get("linked", {}).items()}
