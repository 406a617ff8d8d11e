"""What a report says about a case, gathered once from the case and its findings.

Every report (SAR, goAML, PDF) is drawn from :class:`CaseFacts`:

- **subjects**: the case's subject, then the first subject of each finding, once each; list
  entries (``entity``) a finding matched are kept apart as ``matches``;
- **payments**: the payments the findings list in their evidence (``edges``: ``tx_id``,
  ``src_account``, ``dst_account``, ``amount_usd``, ``timestamp``), each once;
- **amount**: in USD, the total of the payments of the findings that list all their payments
  (a payment in two findings counts once), plus the amount of each finding that lists fewer;
- **period**: the earliest and latest time of any finding or payment;
- **narrative**: the findings' explanations, oldest first, under one opening paragraph.

A report refuses a case that lacks what it needs (:func:`require`), naming every missing part.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sever.errors import SeverError


class ReportError(SeverError):
    """A report cannot be made: the case lacks a part, the settings lack a value, or the
    document does not validate against its schema."""


@dataclass(frozen=True)
class Party:
    """Someone or something the report is about: kind (account, party, company, wallet,
    entity), id and label."""

    kind: str
    id: str
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Payment:
    """One payment or chain transfer named in a finding's evidence."""

    tx_id: str
    when: datetime | None
    source: str
    target: str
    amount: float
    """In USD."""


@dataclass
class CaseFacts:
    """A case as reports see it (see the module's docstring)."""

    case_id: int
    title: str
    state: str
    severity: str
    subjects: list[Party]
    matches: list[Party]
    payments: list[Payment]
    amount: float
    start: datetime | None
    end: datetime | None
    typologies: list[str]
    explanations: list[str]
    findings: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def narrative(self, filer: str = "") -> str:
        """The narrative in words: who, what, when, how much, and each finding's explanation."""
        who = "; ".join(
            f"{p.kind} {p.name}" + (f" ({p.id})" if p.label else "") for p in self.subjects
        )
        when = (
            f" between {self.start:%Y-%m-%d} and {self.end:%Y-%m-%d}"
            if self.start and self.end
            else ""
        )
        kinds = ", ".join(t.replace("_", " ") for t in self.typologies)
        reporter = filer or "The reporting institution"
        lines = [
            f"{reporter} reports suspicious activity by {who}{when}, totalling "
            f"USD {self.amount:,.2f} in {len(self.payments):,} payment(s), found by "
            f"{len(self.findings):,} finding(s) of these kinds: {kinds}.",
        ]
        if self.matches:
            lines.append(
                "Sanctions list entries matched: "
                + "; ".join(f"{m.name} ({m.id})" for m in self.matches)
                + "."
            )
        lines.extend(f"- {text}" for text in self.explanations)
        escalations = [d["reason"] for d in self.decisions if d.get("to") == "escalated"]
        if escalations:
            lines.append("Reason for escalation: " + " ".join(escalations))
        return "\n".join(" ".join(line.split()) for line in lines)


def case_facts(view: Mapping[str, Any]) -> CaseFacts:
    """The facts of a case as :func:`sever.cases.workflow.show_case` returns it."""
    findings = sorted(view.get("findings") or [], key=lambda f: str(f.get("period_start") or ""))
    subjects: dict[tuple[str, str], Party] = {}
    matches: dict[str, Party] = {}
    primary = view.get("subject") or {}
    if primary.get("id") and primary.get("kind") != "entity":
        subjects[(primary["kind"], primary["id"])] = Party(
            primary["kind"], primary["id"], primary.get("label") or ""
        )
    payments: dict[str, Payment] = {}
    loose = 0.0
    counted: set[str] = set()
    times: list[datetime] = []
    for finding in findings:
        listed = [s for s in finding.get("subjects") or [] if s.get("id")]
        for subject in listed:
            party = Party(subject["kind"], subject["id"], subject.get("label") or "")
            if party.kind == "entity":
                matches.setdefault(party.id, party)
        first = next((s for s in listed if s["kind"] != "entity"), None)
        if first is not None:
            key = (first["kind"], first["id"])
            subjects.setdefault(key, Party(first["kind"], first["id"], first.get("label") or ""))
        edges = _payments((finding.get("evidence") or {}).get("edges"))
        payments.update((p.tx_id, p) for p in edges)
        named = set(finding.get("tx_ids") or [])
        if named and named <= {p.tx_id for p in edges}:
            counted.update(named)
        else:
            loose += float(finding.get("amount") or 0.0)
        for key in ("period_start", "period_end"):
            if finding.get(key):
                times.append(_time(finding[key]))
    ordered = sorted(
        payments.values(), key=lambda p: (p.when or datetime.min.replace(tzinfo=UTC), p.tx_id)
    )
    times.extend(p.when for p in ordered if p.when)
    amount = round(sum(p.amount for p in ordered if p.tx_id in counted) + loose, 2)
    return CaseFacts(
        case_id=int(view["id"]),
        title=str(view.get("title") or ""),
        state=str(view.get("state") or ""),
        severity=str(view.get("severity") or ""),
        subjects=list(subjects.values()),
        matches=list(matches.values()),
        payments=ordered,
        amount=amount,
        start=min(times, default=None),
        end=max(times, default=None),
        typologies=sorted({str(f["typology"]) for f in findings if f.get("typology")}),
        explanations=[str(f["explanation"]) for f in findings if f.get("explanation")],
        findings=findings,
        decisions=list(view.get("decisions") or []),
    )


def require(facts: CaseFacts, what: str, *, payments: bool = False) -> None:
    """Refuse, in one line naming every missing part, a case that cannot make ``what``."""
    missing = []
    if not facts.subjects:
        missing.append("a subject (an account, party, company or wallet)")
    if facts.amount <= 0:
        missing.append("an amount (no finding carries one)")
    if facts.start is None:
        missing.append("a date of activity (no finding has a period)")
    if not facts.explanations:
        missing.append("a narrative (no finding has an explanation)")
    if payments and not facts.payments:
        missing.append("payments (no finding lists its transactions in its evidence)")
    if missing:
        raise ReportError(
            f"case {facts.case_id}: cannot draft {what}: missing {'; '.join(missing)}"
        )


def _time(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _payments(edges: Any) -> list[Payment]:
    """Payments from a finding's ``edges`` (monitor's names, or chain transfers' names)."""
    found = []
    for edge in edges if isinstance(edges, list) else []:
        if not isinstance(edge, Mapping):
            continue
        tx = edge.get("tx_id") or edge.get("tx_hash")
        if not tx:
            continue
        amount = edge.get("amount_usd", edge.get("value_usd", edge.get("amount")))
        stamp = edge.get("timestamp")
        found.append(
            Payment(
                tx_id=str(tx),
                when=_time(stamp) if stamp else None,
                source=str(edge.get("src_account") or edge.get("from_address") or ""),
                target=str(edge.get("dst_account") or edge.get("to_address") or ""),
                amount=float(amount or 0.0),
            )
        )
    return found
