"""A self-contained flow view (one HTML file, inline SVG, no script and no CDN): where the stolen
value went, hop by hop, drawn as a Sankey-style diagram.

Columns are hops from the source (the last column gathers everything further); each box is an
address, as tall as the traced value it received (sources: what they sent); each band is traced
value moving between two boxes, as thick as its dollar value. The largest addresses are drawn on
their own and the rest of each column is gathered into one "other addresses" box, so the view
stays legible at any size. Below the diagram: the endpoints table and the patterns found.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from sever.tables.atomic import atomic_output
from sever.trace.addresses import address_key
from sever.trace.patterns.base import short

MAX_COLUMNS = 8
"""Hop columns drawn; addresses further away share the last one."""
MAX_PER_COLUMN = 12
"""Addresses drawn on their own per column; the rest are gathered into one box."""
WIDTH, HEIGHT, BOX, GAP = 1200, 640, 14, 6

ROLE_COLOURS = {
    "source": "#b2182b",
    "endpoint": "#2166ac",
    "mixer": "#762a83",
    "bridge": "#e08214",
    "swap": "#e08214",
    "defi": "#e08214",
    "holding": "#d6604d",
    "passed": "#999999",
    "other": "#cccccc",
}


def _layout(rows: pd.DataFrame) -> tuple[dict[str, str], pd.DataFrame]:
    """Which box each address is drawn in, and the boxes (id, column, label, value, role)."""
    rows = rows.assign(
        key=rows.address.map(address_key),
        column=rows.min_hops.clip(lower=0, upper=MAX_COLUMNS - 1),
        usd=rows.traced_usd.fillna(0.0),
    )
    box_of: dict[str, str] = {}
    boxes = []
    for column, part in rows.groupby("column"):
        part = part.sort_values("usd", ascending=False)
        own, rest = part.iloc[:MAX_PER_COLUMN], part.iloc[MAX_PER_COLUMN:]
        for _, row in own.iterrows():
            box_of[row.key] = row.key
            label = f"{row.service or short(row.address)}"
            boxes.append((row.key, column, label, row.usd, row.role, row.tag or row.address))
        if not rest.empty:
            other = f"other-{column}"
            for key in rest.key:
                box_of[key] = other
            boxes.append(
                (
                    other,
                    column,
                    f"{len(rest)} other addresses",
                    rest.usd.sum(),
                    "other",
                    f"{len(rest)} addresses",
                )
            )
    frame = pd.DataFrame(boxes, columns=["box", "column", "label", "usd", "role", "title"])
    return box_of, frame


def flow_svg(rows: pd.DataFrame, flows: pd.DataFrame) -> str:
    """The diagram as an SVG element."""
    if rows.empty:
        return "<p>No traced value moved.</p>"
    box_of, boxes = _layout(rows)
    columns = int(boxes.column.max()) + 1
    step = (WIDTH - 220) / max(columns - 1, 1)
    scale = (HEIGHT - 40) / max(
        float(boxes.groupby("column").usd.sum().max()) * 1.0
        + GAP * boxes.groupby("column").size().max(),
        1.0,
    )
    scale = min(scale, (HEIGHT - 40 - GAP * MAX_PER_COLUMN) / max(boxes.usd.max(), 1.0))
    place: dict[str, tuple[float, float, float]] = {}
    shapes = []
    for column, part in boxes.groupby("column"):
        y = 20.0
        for box in part.itertuples():
            height = max(box.usd * scale, 2.0)
            x = 20 + column * step
            place[box.box] = (x, y, height)
            colour = ROLE_COLOURS.get(box.role, "#999999")
            shapes.append(
                f"<g><title>{html.escape(box.title)}: {box.usd:,.0f} USD</title>"
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX}" height="{height:.1f}" '
                f'fill="{colour}"/><text x="{x + BOX + 4:.1f}" y="{y + height / 2 + 4:.1f}" '
                f'font-size="11">{html.escape(box.label)}</text></g>'
            )
            y += height + GAP
    bands = _bands(flows, box_of, place, scale)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">'
        + "".join(bands)
        + "".join(shapes)
        + "</svg>"
    )


def _bands(
    flows: pd.DataFrame,
    box_of: dict[str, str],
    place: dict[str, tuple[float, float, float]],
    scale: float,
) -> list[str]:
    """One curved band per pair of boxes that traced value moved between."""
    moved = flows.assign(a=flows.src.map(box_of), b=flows.dst.map(box_of)).dropna(subset=["a", "b"])
    moved = moved[moved.a != moved.b]
    pairs = moved.groupby(["a", "b"]).tainted_usd.sum().sort_values(ascending=False)
    out_offset: dict[str, float] = {}
    in_offset: dict[str, float] = {}
    bands = []
    for (a, b), value in pairs.items():
        (x1, y1, _), (x2, y2, _) = place[a], place[b]
        width = max(value * scale, 1.0)
        start = y1 + out_offset.get(a, 0.0) + width / 2
        end = y2 + in_offset.get(b, 0.0) + width / 2
        out_offset[a] = out_offset.get(a, 0.0) + width
        in_offset[b] = in_offset.get(b, 0.0) + width
        x1, middle = x1 + BOX, (x1 + BOX + x2) / 2
        bands.append(
            f'<path d="M{x1:.1f},{start:.1f} C{middle:.1f},{start:.1f} {middle:.1f},{end:.1f} '
            f'{x2:.1f},{end:.1f}" stroke="#4393c3" stroke-opacity="0.35" fill="none" '
            f'stroke-width="{width:.1f}"><title>{value:,.0f} USD</title></path>'
        )
    return bands


def flow_html(result: object) -> str:
    """The whole page for one trace result."""
    rows, flows = result.addresses, result.flows  # type: ignore[attr-defined]
    ends = rows[rows.role == "endpoint"].sort_values("traced_usd", ascending=False)
    table = "".join(
        f"<tr><td>{html.escape(r.service)}</td><td><code>{html.escape(r.address)}</code></td>"
        f"<td>{r.traced_value:,.4f} {html.escape(r.asset)}</td><td>{r.traced_usd:,.0f}</td>"
        f"<td>{r.share:.1%}</td><td>{r.paths}</td><td>{r.first_arrival:%Y-%m-%d %H:%M}</td>"
        f"<td>{r.last_arrival:%Y-%m-%d %H:%M}</td></tr>"
        for r in ends.itertuples()
    )
    patterns = "".join(
        f"<li><b>{html.escape(p.name)}</b>: {html.escape(p.explanation)}</li>"
        for p in result.patterns  # type: ignore[attr-defined]
    )
    summary = result.summary()  # type: ignore[attr-defined]
    legend = " ".join(
        f'<span style="color:{c}">■</span> {role}' for role, c in ROLE_COLOURS.items()
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>sever trace</title><style>"
        "body{font-family:sans-serif;margin:20px}td,th{padding:2px 8px;text-align:left}"
        "table{border-collapse:collapse}tr:nth-child(even){background:#f4f4f4}</style></head>"
        f"<body><h1>Trace of stolen funds</h1><p>{html.escape(summary['headline'])}</p>"
        f"<p>Method: {html.escape(summary['method'])} Prices: {html.escape(summary['prices'])}."
        f" {html.escape(_handling(summary['transfers']))}</p><p>{legend}</p>"
        + flow_svg(rows, flows)
        + "<h2>Endpoints (freeze here)</h2><table><tr><th>service</th><th>address</th>"
        "<th>traced</th><th>USD</th><th>share</th><th>transfers</th><th>first</th>"
        f"<th>last</th></tr>{table}</table><h2>Patterns</h2><ul>{patterns}</ul></body></html>"
    )


def _handling(counts: dict[str, int]) -> str:
    return (
        f"{counts['rows_read']:,} transfers read; set aside {counts['failed']:,} failed, "
        f"{counts['zero_value']:,} zero-value, {counts['self_transfers']:,} self transfers."
    )


def write_flow_html(path: str | Path, result: object) -> Path:
    """Write the page atomically."""
    path = Path(path)
    with atomic_output(path) as temp:
        temp.write_text(flow_html(result), encoding="utf-8")
    return path
