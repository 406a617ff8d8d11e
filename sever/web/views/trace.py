"""The trace view: a trace run's flow from the source addresses to the endpoints, and its
freeze list, read from the files ``sever trace`` wrote.

A run is a folder of the home holding the freeze list (``freeze.json``, from ``--freeze``) and,
when it was asked for, the flow view (``flow.html``, from ``--html``): ``sever demo`` writes its
run to ``world/``, and a user keeps theirs under ``trace/NAME/``. Only folders found there are
served, so a request cannot name any other file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from sever.home import Home
from sever.web.auth import Refused, page_visitor
from sever.web.routes import render, router

FREEZE = "freeze.json"
FLOW = "flow.html"
FLOW_HEADERS = {
    # the flow page is our own generated HTML with inline styles and no script
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def trace_runs(home: Home) -> dict[str, Path]:
    """The trace runs kept in the home, by name (their folder, relative to the home)."""
    found = [*home.root.glob(f"*/{FREEZE}"), *home.root.glob(f"trace/*/{FREEZE}")]
    return {
        str(path.parent.relative_to(home.root)): path.parent
        for path in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
    }


def _run(request: Request, name: str) -> Path:
    runs = trace_runs(request.app.state.home)
    if name not in runs:
        raise Refused(404, f"trace run {name[:200]!r}: none in this home")
    return runs[name]


def freeze_rows(folder: Path) -> list[dict[str, Any]]:
    """One row per service and address of the run's freeze list, largest first."""
    requests = json.loads((folder / FREEZE).read_text(encoding="utf-8")).get("requests", [])
    rows = [
        {
            "service": request["service"],
            "category": request["category"],
            **{k: v for k, v in address.items() if k != "transfers"},
            "transfers": len(address.get("transfers", [])),
        }
        for request in requests
        for address in request.get("addresses", [])
    ]
    return sorted(rows, key=lambda row: -(row.get("traced_usd") or 0.0))


@router.get("/trace")
def trace_page(request: Request, run: str = "") -> HTMLResponse:
    """The runs of the home; for the chosen one (the newest by default), its flow and its
    freeze list."""
    visitor = page_visitor(request)
    runs = trace_runs(request.app.state.home)
    chosen = run or next(iter(runs), "")
    folder = _run(request, chosen) if chosen else None
    return render(
        request,
        "trace.html",
        {
            "me": visitor,
            "runs": list(runs),
            "run": chosen,
            "rows": freeze_rows(folder) if folder else [],
            "flow": bool(folder and (folder / FLOW).exists()),
        },
    )


@router.get("/trace/flow")
def trace_flow(request: Request, run: str = "") -> Response:
    """The run's flow view as ``sever trace --html`` wrote it (shown in a frame of the page)."""
    page_visitor(request)
    path = _run(request, run) / FLOW
    if not path.exists():
        raise Refused(404, f"trace run {run[:200]!r} has no flow view (run it with --html)")
    return HTMLResponse(path.read_text(encoding="utf-8"), headers=FLOW_HEADERS)
