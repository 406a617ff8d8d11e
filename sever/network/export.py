"""Write the graph, or the part of it around one node, as FollowTheMoney JSON lines, GraphML or
one self-contained HTML page with an interactive graph view (plain JavaScript and SVG, no CDN).

FtM: companies and people become ``Company``/``Person`` entities carrying their addresses, phones
and e-mails; ownership, directorship, employment and payments become ``Ownership``,
``Directorship``, ``Employment`` and ``Payment`` entities; IPs and devices, which FtM has no
schema for, are left out of the FtM export (GraphML and HTML keep them).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import networkx as nx
from followthemoney import model

from sever.errors import SeverError
from sever.tables.atomic import atomic_output

FORMATS = ("ftm", "graphml", "html")
VALUE_KINDS = ("address", "phone", "email", "ip", "device")


def load(con: duckdb.DuckDBPyConnection, around: str | None, hops: int) -> nx.MultiDiGraph:
    """The whole graph, or the nodes within ``hops`` steps of ``around`` (either direction)."""
    graph = nx.MultiDiGraph()
    if around is None:
        keep = None
    else:
        if con.execute("SELECT 1 FROM nodes WHERE node_id = ?", [around]).fetchone() is None:
            raise SeverError(f"{around}: not in the network graph (see `sever network build`)")
        keep = {around}
        frontier = {around}
        for _ in range(hops):
            con.execute(
                "CREATE OR REPLACE TEMP TABLE frontier AS SELECT unnest(?::VARCHAR[]) AS n",
                [sorted(frontier)],
            )
            found = {
                other
                for (other,) in con.execute(
                    """SELECT dst FROM edges JOIN frontier ON src = n
                       UNION SELECT src FROM edges JOIN frontier ON dst = n"""
                ).fetchall()
            }
            frontier = found - keep
            keep |= found
    if keep is None:
        nodes = con.execute("SELECT node_id, kind, label, country, since FROM nodes").fetchall()
        edges = con.execute(
            "SELECT src, dst, kind, via, share, amount, count FROM edges"
        ).fetchall()
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE kept AS SELECT unnest(?::VARCHAR[]) AS n", [sorted(keep)]
        )
        nodes = con.execute(
            "SELECT node_id, kind, label, country, since FROM nodes JOIN kept ON node_id = n"
        ).fetchall()
        edges = con.execute(
            """SELECT src, dst, kind, via, share, amount, count FROM edges
               WHERE src IN (SELECT n FROM kept) AND dst IN (SELECT n FROM kept)"""
        ).fetchall()
    for node_id, kind, label, country, since in nodes:
        graph.add_node(
            node_id,
            kind=kind,
            label=label or node_id,
            country=country or "",
            since=since.isoformat() if since else "",
        )
    for src, dst, kind, via, share, amount, count in edges:
        graph.add_edge(
            src,
            dst,
            kind=kind,
            via=via or "",
            share=float(share) if share is not None else -1.0,
            amount=float(amount) if amount is not None else 0.0,
            count=int(count or 0),
        )
    return graph


def export(graph: nx.MultiDiGraph, fmt: str, path: Path, most_html_nodes: int = 3000) -> Path:
    """Write ``graph`` to ``path`` in ``fmt`` (one of :data:`FORMATS`), atomically."""
    if fmt not in FORMATS:
        raise SeverError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "html" and graph.number_of_nodes() > most_html_nodes:
        raise SeverError(
            f"{graph.number_of_nodes():,} nodes are too many for one page (at most "
            f"{most_html_nodes:,}); export the part around one node with --around ID --hops N"
        )
    with atomic_output(path) as temp:
        if fmt == "graphml":
            nx.write_graphml(graph, temp)
        elif fmt == "ftm":
            with open(temp, "w", encoding="utf-8") as out:
                for entity in ftm_entities(graph):
                    out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        else:
            temp.write_text(html_page(graph), encoding="utf-8")
    return path


_RELATIONS = {
    "ownership": ("Ownership", "owner", "asset"),
    "directorship": ("Directorship", "director", "organization"),
    "payment": ("Payment", "payer", "beneficiary"),
}
_VALUE_PROPS = {"address": "address", "phone": "phone", "email": "email"}


def ftm_entities(graph: nx.MultiDiGraph) -> list[dict[str, object]]:
    """The graph as FtM entity dicts (validated against the FtM model)."""
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for src, dst, data in graph.edges(data=True):
        prop = _VALUE_PROPS.get(data["kind"])
        if prop and data["via"] == "registry":
            values[src][prop].append(graph.nodes[dst]["label"])
    out = []
    schemas = {"company": "Company", "person": "Person", "party": "LegalEntity"}
    for node, data in sorted(graph.nodes(data=True)):
        schema = schemas.get(data["kind"])
        if schema is None:
            continue
        props: dict[str, list[str]] = {"name": [data["label"]]}
        if data["country"]:
            props["country"] = [data["country"]]
        if data["since"] and schema == "Company":
            props["incorporationDate"] = [data["since"]]
        for prop, found in values[node].items():
            props[prop] = sorted(set(found))
        out.append(_entity(schema, node, props))
    for index, (src, dst, data) in enumerate(sorted(graph.edges(data=True), key=_edge_key)):
        if data["kind"] not in _RELATIONS:
            continue
        schema, left, right = _RELATIONS[data["kind"]]
        props = {left: [src], right: [dst]}
        if data["kind"] == "ownership" and data["share"] >= 0:
            props["percentage"] = [f"{100 * data['share']:g}"]
        if data["kind"] == "payment":
            props["amount"] = [f"{data['amount']:.2f}"]
        out.append(_entity(schema, f"{data['kind']}-{index}-{src}-{dst}", props))
    return out


def _edge_key(edge: tuple[str, str, dict]) -> tuple[str, str, str]:
    return (edge[2]["kind"], edge[0], edge[1])


def _entity(schema: str, entity_id: str, props: dict[str, list[str]]) -> dict[str, object]:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, found in props.items():
        for value in found:
            proxy.add(prop, value)
    return proxy.to_dict()


def html_page(graph: nx.MultiDiGraph) -> str:
    """One HTML file: the graph as JSON and a small force layout drawn in SVG (drag, zoom,
    click a node for its ties). No external script, font or style."""
    nodes = [{"id": n, **d} for n, d in sorted(graph.nodes(data=True))]
    edges = [
        {"s": s, "t": t, "kind": d["kind"], "via": d["via"]}
        for s, t, d in sorted(graph.edges(data=True), key=_edge_key)
    ]
    data = json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False)
    data = data.replace("</", "<\\/")  # no early end of the script element
    return _PAGE.replace("__DATA__", data)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sever network</title>
<style>
body{margin:0;font:13px sans-serif;display:flex;height:100vh}
#g{flex:1;background:#fafafa}#side{width:340px;overflow:auto;padding:8px;border-left:1px solid #ccc}
line{stroke:#999;stroke-opacity:.6}text{pointer-events:none;font-size:10px}
.legend span{display:inline-block;margin-right:6px}
</style></head><body>
<svg id="g"><g id="view"></g></svg>
<div id="side"><b>sever network</b><div class="legend" id="legend"></div>
<p>Drag nodes, scroll to zoom, drag the background to pan, click a node for its ties.</p>
<div id="info"></div></div>
<script>
const DATA = __DATA__;
const COLORS = {company:"#1f77b4",person:"#2ca02c",party:"#7f7f7f",employee:"#9467bd",
  entity:"#d62728",address:"#ff7f0e",phone:"#8c564b",email:"#e377c2",ip:"#17becf",
  device:"#bcbd22"};
const svg = document.getElementById("g"), view = document.getElementById("view");
const NS = "http://www.w3.org/2000/svg";
const W = () => svg.clientWidth, H = () => svg.clientHeight;
const byId = {};
DATA.nodes.forEach((n, i) => {
  byId[n.id] = n; n.vx = 0; n.vy = 0;
  n.x = W()/2 + 200*Math.cos(i); n.y = H()/2 + 200*Math.sin(i*1.3);
});
const links = DATA.edges.filter(e => byId[e.s] && byId[e.t]);
document.getElementById("legend").innerHTML = Object.entries(COLORS).map(
  ([k, c]) => `<span style="color:${c}">&#9679; ${k}</span>`).join("");
const lineEls = links.map(e => {
  const l = document.createElementNS(NS, "line"); view.appendChild(l); return l;
});
const nodeEls = DATA.nodes.map(n => {
  const g = document.createElementNS(NS, "g");
  const c = document.createElementNS(NS, "circle");
  c.setAttribute("r", n.kind === "entity" ? 8 : 5);
  c.setAttribute("fill", COLORS[n.kind] || "#333");
  const t = document.createElementNS(NS, "text"); t.setAttribute("x", 7); t.setAttribute("y", 3);
  t.textContent = (n.label || n.id).slice(0, 28);
  g.appendChild(c); g.appendChild(t); view.appendChild(g);
  g.addEventListener("mousedown", ev => { drag = n; ev.stopPropagation(); });
  g.addEventListener("click", () => show(n));
  return g;
});
let drag = null, pan = null, scale = 1, ox = 0, oy = 0, heat = 1;
function step() {
  const k = 60;
  for (const a of DATA.nodes) for (const b of DATA.nodes) {
    if (a === b) continue;
    const dx = a.x - b.x, dy = a.y - b.y, d2 = dx*dx + dy*dy + 0.01;
    if (d2 > 90000) continue;
    a.vx += heat * k * k * dx / d2 / 10; a.vy += heat * k * k * dy / d2 / 10;
  }
  for (const e of links) {
    const a = byId[e.s], b = byId[e.t], dx = b.x - a.x, dy = b.y - a.y;
    const d = Math.sqrt(dx*dx + dy*dy) + 0.01, f = heat * (d - k) / d / 4;
    a.vx += f*dx; a.vy += f*dy; b.vx -= f*dx; b.vy -= f*dy;
  }
  for (const n of DATA.nodes) {
    if (n === drag) continue;
    n.vx += (W()/2 - n.x) * 0.01; n.vy += (H()/2 - n.y) * 0.01;
    n.vx = Math.max(-20, Math.min(20, n.vx * 0.5));
    n.vy = Math.max(-20, Math.min(20, n.vy * 0.5));
    n.x += n.vx; n.y += n.vy;
  }
  heat = Math.max(0.02, heat * 0.995);
}
function draw() {
  links.forEach((e, i) => {
    const a = byId[e.s], b = byId[e.t], l = lineEls[i];
    l.setAttribute("x1", a.x); l.setAttribute("y1", a.y);
    l.setAttribute("x2", b.x); l.setAttribute("y2", b.y);
  });
  DATA.nodes.forEach(
    (n, i) => nodeEls[i].setAttribute("transform", `translate(${n.x},${n.y})`));
  view.setAttribute("transform", `translate(${ox},${oy}) scale(${scale})`);
}
function tick() { step(); draw(); requestAnimationFrame(tick); }
const ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"};
function esc(s) { return String(s).replace(/[&<>"]/g, c => ENTITIES[c]); }
function show(n) {
  const ties = links.filter(e => e.s === n.id || e.t === n.id).map(e => {
    const other = byId[e.s === n.id ? e.t : e.s];
    const arrow = e.s === n.id ? "&rarr;" : "&larr;";
    return `<li>${esc(e.kind)} (${esc(e.via)}) ${arrow} ${esc(other.label)}
      <small>${esc(other.kind)}</small></li>`;
  });
  document.getElementById("info").innerHTML = `<h3>${esc(n.label)}</h3>
    <p>${esc(n.kind)} ${esc(n.id)} ${esc(n.country)} ${esc(n.since)}</p>
    <ul>${ties.join("")}</ul>`;
}
svg.addEventListener("mousedown", ev => { pan = [ev.clientX - ox, ev.clientY - oy]; });
window.addEventListener("mousemove", ev => {
  if (drag) {
    drag.x = (ev.offsetX - ox) / scale; drag.y = (ev.offsetY - oy) / scale;
    heat = Math.max(heat, 0.3);
  }
  else if (pan) { ox = ev.clientX - pan[0]; oy = ev.clientY - pan[1]; }
});
window.addEventListener("mouseup", () => { drag = null; pan = null; });
svg.addEventListener("wheel", ev => {
  ev.preventDefault(); scale *= ev.deltaY < 0 ? 1.1 : 0.9;
}, {passive: false});
for (let i = 0; i < 300; i++) step();
tick();
</script></body></html>
"""
