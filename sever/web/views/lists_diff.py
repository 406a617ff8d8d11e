"""The lists' latest changes: per list in service, what its newest snapshot added, removed and
changed against the one before, and the screening findings that update caused.

The diff is :func:`sever.entities.diff.diff_snapshots`, the same one ``sever lists diff`` and the
delta re-screen use. The re-screening an update caused is read from the cases store: screening
findings ingested since the snapshot was loaded whose list entry the update added or changed.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from sever.cases.models import Finding
from sever.cases.store import CaseStore
from sever.entities.diff import SnapshotDiff
from sever.web.auth import Refused, page_visitor
from sever.web.routes import render, router

SHOWN = 200
"""Most added, removed or changed entries listed per kind (the counts are always whole)."""


def latest_diffs(home: Any, dataset: str | None = None) -> list[dict[str, Any]]:
    """Per list in service (or only ``dataset``): its current snapshot, the one before, and the
    diff between them when there is one (only for ``dataset``: a diff reads both snapshots)."""
    from sever.entities.diff import diff_snapshots
    from sever.entities.store import Store

    if not home.store_path.exists():
        return []
    out = []
    with Store.open(home, read_only=True) as store:
        for name in store.datasets():
            if dataset and name != dataset:
                continue
            history = store.snapshots(name)
            current = next((s for s in reversed(history) if s.current), history[-1])
            older = [s for s in history if s.snapshot_id < current.snapshot_id]
            previous = older[-1] if older else None
            diff = diff_snapshots(store, previous, current) if previous and dataset else None
            out.append({"dataset": name, "current": current, "previous": previous, "diff": diff})
    return out


def caused_findings(store: CaseStore, diff: SnapshotDiff) -> list[Finding]:
    """Screening findings ingested since the new snapshot was loaded, on entries it added or
    changed: the re-screening the update caused."""
    touched = diff.changed_ids
    if not touched:
        return []
    with store.read() as session:
        rows = session.scalars(
            select(Finding)
            .where(Finding.verb == "screen", Finding.ingested_at >= diff.new.loaded_at)
            .order_by(Finding.ingested_at.desc())
        )
        return [row for row in rows if touched & _entities(row.record)]


def _entities(record: str) -> set[str]:
    subjects = json.loads(record).get("subjects") or []
    return {s.get("id") for s in subjects if isinstance(s, dict) and s.get("kind") == "entity"}


@router.get("/lists/changes")
def lists_changes(request: Request, dataset: str = "") -> HTMLResponse:
    """Every list's latest update; for one list, the diff and the findings it caused."""
    visitor = page_visitor(request)
    found = latest_diffs(request.app.state.home, dataset or None)
    if dataset and not found:
        raise Refused(404, f"list {dataset[:100]!r}: not in service")
    diff = found[0]["diff"] if dataset else None
    caused = caused_findings(request.app.state.cases.store(), diff) if diff else []
    return render(
        request,
        "lists_changes.html",
        {
            "me": visitor,
            "lists": found,
            "dataset": dataset,
            "diff": diff,
            "caused": caused,
            "shown": SHOWN,
        },
    )
