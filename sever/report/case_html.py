"""A case report as one self-contained HTML page: narrative, subjects, findings with their
evidence, a payment table, and two charts drawn as inline SVG (amount over time; the flow of money
between accounts). Nothing is fetched: no external font, style sheet or image, so the page and
the PDF made from it (:mod:`sever.report.pdf`) work offline. Every value from a finding is
escaped, so a finding's text can never become markup.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from html import escape

from sever.report.facts import CaseFacts

PAYMENT_ROWS = 200
"""Payments listed in the table (the case may name more; the charts use them all)."""

FLOW_EDGES = 40
"""The largest account-to-account flows drawn in the flow graph."""

STYLE = """
body { font-family: sans-serif; font-size: 10pt; color: #111; margin: 0 1em; }
h1 { font-size: 16pt; margin-bottom: 0.2em; }
h2 { font-size: 12pt; border-bottom: 1px solid #999; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { border: 1px solid #ccc; padding: 2px 4px; text-align: left; vertical-align: top; }
td.num { text-align: right; }
.meta { color: #444; }
.narrative p { margin: 0.3em 0; }
pre { white-space: pre-wrap; font-size: 7.5pt; background: #f4f4f4; padding: 4px; }
figure { margin: 0.5em 0; page-break-inside: avoid; }
svg { max-width: 100%; height: auto; }
@page { size: A4; margin: 15mm; @bottom-right { content: counter(page) " / " counter(pages); } }
"""


def _svg(figure: object) -> str:
    """A Matplotlib figure as inline SVG markup (text drawn as paths: no font needed)."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    text = buffer.getvalue()
    # Matplotlib's metadata block names the drawing date and licence vocabularies: not needed.
    return re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)


def amount_chart(facts: CaseFacts) -> str:
    """Cumulative amount over time, one step per payment; empty without dated payments."""
    dated = [p for p in facts.payments if p.when is not None]
    if not dated:
        return ""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    total, xs, ys = 0.0, [], []
    for payment in dated:
        total += payment.amount
        xs.append(payment.when)
        ys.append(total)
    figure, axes = plt.subplots(figsize=(7, 2.6))
    axes.step(xs, ys, where="post", color="#1f4e79")
    axes.scatter(xs, ys, s=8, color="#1f4e79")
    axes.set_ylabel("cumulative USD")
    axes.set_title("Amount over time")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    return _svg(figure)


def flow_chart(facts: CaseFacts) -> str:
    """The largest flows between accounts as a directed graph, subjects in red."""
    flows: dict[tuple[str, str], float] = {}
    for payment in facts.payments:
        if payment.source and payment.target:
            key = (payment.source, payment.target)
            flows[key] = flows.get(key, 0.0) + payment.amount
    if not flows:
        return ""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    graph = nx.DiGraph()
    for (source, target), amount in sorted(flows.items(), key=lambda kv: -kv[1])[:FLOW_EDGES]:
        graph.add_edge(source, target, amount=amount)
    subjects = {p.id for p in facts.subjects}
    # A deterministic layout (shells by distance from a subject): the same case draws the same.
    layout = nx.shell_layout(graph, nlist=_shells(graph, subjects))
    figure, axes = plt.subplots(figsize=(7, 4.2))
    widest = max(d["amount"] for _, _, d in graph.edges(data=True))
    nx.draw_networkx_edges(
        graph,
        layout,
        ax=axes,
        arrows=True,
        edge_color="#888",
        width=[0.5 + 3.5 * d["amount"] / widest for _, _, d in graph.edges(data=True)],
    )
    nx.draw_networkx_nodes(
        graph,
        layout,
        ax=axes,
        node_size=160,
        node_color=["#c0392b" if n in subjects else "#5d8aa8" for n in graph.nodes],
    )
    nx.draw_networkx_labels(graph, layout, ax=axes, font_size=6)
    axes.set_title("Flow of funds (largest flows; subjects in red)")
    axes.axis("off")
    return _svg(figure)


def _shells(graph: object, subjects: set[str]) -> list[list[str]]:
    import networkx as nx

    assert isinstance(graph, nx.DiGraph)
    undirected = graph.to_undirected()
    centre = sorted(n for n in graph.nodes if n in subjects) or [sorted(graph.nodes)[0]]
    distance = nx.multi_source_dijkstra_path_length(undirected, centre)
    far = max(distance.values(), default=0) + 1
    rings: dict[int, list[str]] = {}
    for node in sorted(graph.nodes):
        rings.setdefault(distance.get(node, far), []).append(node)
    return [rings[k] for k in sorted(rings)]


EVIDENCE_CHARS = 4000
"""The most of one finding's evidence printed (the rest stays in the case)."""


def _shown(evidence: dict) -> str:
    text = json.dumps(evidence, indent=1, default=str, ensure_ascii=False)
    return text if len(text) <= EVIDENCE_CHARS else text[:EVIDENCE_CHARS] + "\n…"


def case_html(facts: CaseFacts, *, filer: str = "", made: datetime | None = None) -> str:
    """The case report as a complete HTML document."""
    made = made or datetime.now(UTC)
    period = (
        f"{facts.start:%Y-%m-%d} to {facts.end:%Y-%m-%d}" if facts.start and facts.end else "n/a"
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Case {facts.case_id}: {escape(facts.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Case {facts.case_id}: {escape(facts.title)}</h1>",
        f"<p class='meta'>State {escape(facts.state)} · severity {escape(facts.severity)} · "
        f"USD {facts.amount:,.2f} · activity {period} · "
        f"report made {made:%Y-%m-%d %H:%M} UTC{' by ' + escape(filer) if filer else ''}</p>",
        "<h2>Narrative</h2><div class='narrative'>",
        *(f"<p>{escape(line)}</p>" for line in facts.narrative(filer).splitlines()),
        "</div><h2>Subjects</h2><table><tr><th>kind</th><th>id</th><th>name</th></tr>",
        *(
            f"<tr><td>{escape(p.kind)}</td><td>{escape(p.id)}</td><td>{escape(p.label)}</td></tr>"
            for p in facts.subjects
        ),
        *(
            f"<tr><td>list entry</td><td>{escape(p.id)}</td><td>{escape(p.label)}</td></tr>"
            for p in facts.matches
        ),
        "</table>",
    ]
    charts = [chart for chart in (amount_chart(facts), flow_chart(facts)) if chart]
    if charts:
        parts.append("<h2>Charts</h2>")
        parts.extend(f"<figure>{chart}</figure>" for chart in charts)
    parts.append(
        f"<h2>Payments</h2><p class='meta'>{len(facts.payments):,} payment(s)"
        + (f", the first {PAYMENT_ROWS} shown" if len(facts.payments) > PAYMENT_ROWS else "")
        + "</p><table><tr><th>when (UTC)</th><th>payment</th><th>from</th><th>to</th>"
        "<th>USD</th></tr>"
    )
    for payment in facts.payments[:PAYMENT_ROWS]:
        when = f"{payment.when:%Y-%m-%d %H:%M}" if payment.when else ""
        parts.append(
            f"<tr><td>{when}</td><td>{escape(payment.tx_id)}</td><td>{escape(payment.source)}"
            f"</td><td>{escape(payment.target)}</td><td class='num'>{payment.amount:,.2f}</td></tr>"
        )
    parts.append("</table><h2>Findings and evidence</h2>")
    for finding in facts.findings:
        evidence = {k: v for k, v in (finding.get("evidence") or {}).items() if k != "edges"}
        parts.append(
            f"<h3>{escape(str(finding.get('alert_id', '')))}</h3><p class='meta'>"
            f"{escape(str(finding.get('verb', '')))} · {escape(str(finding.get('typology', '')))}"
            f" · rule {escape(str(finding.get('rule_id', '')))} · severity "
            f"{escape(str(finding.get('severity', '')))} · score {finding.get('score', '')}</p>"
            f"<p>{escape(str(finding.get('explanation', '')))}</p>"
            f"<pre>{escape(_shown(evidence))}</pre>"
        )
    if facts.decisions:
        parts.append(
            "<h2>Decisions</h2><table><tr><th>when</th><th>who</th><th>move</th>"
            "<th>reason</th></tr>"
        )
        for decision in facts.decisions:
            parts.append(
                f"<tr><td>{escape(str(decision.get('at', ''))[:19])}</td>"
                f"<td>{escape(str(decision.get('actor', '')))}</td>"
                f"<td>{escape(str(decision.get('from', '')))} → "
                f"{escape(str(decision.get('to', '')))}</td>"
                f"<td>{escape(str(decision.get('reason', '')))}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
