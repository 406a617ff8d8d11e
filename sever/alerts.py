"""The findings model: the Alert, Reason and Subject types every detector emits, and their one
schema, writer and reader (Parquet, CSV, JSON lines).

An alert never travels without its reasons: each reason names, in the analyst's words, a condition
that held, the value observed and the threshold it was held against. The explanation is those
reasons as one paragraph; the evidence dict carries the rule's numbers for machines.

Every finding names the verb that raised it (``screen``, ``monitor``, ``network``, ``trace``) and
its subjects, primary subject first: the account, party, company or wallet it is about, and the
list entries (``entity``) it matched. Screening hits become findings through
:func:`finding_from_hit`, so ``cases`` and ``share`` read one shape from every verb.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sever.errors import InputError

SEVERITIES = ("low", "medium", "high", "critical")

TYPOLOGIES = (
    "it_worker_payroll",
    "laptop_farm",
    "front_company",
    "ownership_50pct",
    "trade_mismatch",
    "crypto_laundering",
    "fan_in",
    "fan_out",
    "scatter_gather",
    "gather_scatter",
    "cycle",
    "bipartite",
    "stack",
    "structuring",
    "rapid_movement",
    "sanctioned_alias",
    "ship_to_ship",
)
"""The one vocabulary of DPRK typologies: simulate labels with it, detectors alert with it
(docs/contracts.md)."""

VERBS = ("screen", "monitor", "network", "trace")
"""The verbs that raise findings."""

SUBJECT_KINDS = ("account", "party", "company", "wallet", "entity")
"""What a finding can be about; ``entity`` is an entry on a sanctions list or watchlist."""

MAX_ID_CHARS = 200
"""The longest finding, rule or subject id accepted (and typology name, at most 64)."""


@dataclass(frozen=True)
class Reason:
    """One condition that held: its label, what was observed and what it was compared with."""

    label: str
    observed: Any
    threshold: Any = None
    op: str = ""

    def sentence(self) -> str:
        """The reason as a phrase: ``12 distinct receivers within 24 h (at least 10)``."""
        if self.op == "":
            return f"{self.label}: {_show(self.observed)}"
        words = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than", "==": ""}
        bound = f"{words.get(self.op, self.op)} {_show(self.threshold)}".strip()
        return f"{self.label}: {_show(self.observed)} ({bound})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "observed": self.observed,
            "threshold": self.threshold,
            "op": self.op,
        }


def _show(value: Any) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:,.0f}"
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def alert_id(rule_id: str, focus: str, tx_ids: Iterable[str]) -> str:
    """A stable id: the same rule on the same transactions gives the same id on any engine."""
    digest = hashlib.sha256()
    digest.update(rule_id.encode())
    digest.update(b"\x00" + focus.encode())
    for tx in sorted(tx_ids):
        digest.update(b"\x00" + tx.encode())
    return f"{rule_id}-{digest.hexdigest()[:16]}"


@dataclass(frozen=True)
class Subject:
    """One thing a finding is about: its kind (:data:`SUBJECT_KINDS`), id, and a label to show."""

    kind: str
    id: str
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SUBJECT_KINDS:
            raise ValueError(f"subject kind must be one of {SUBJECT_KINDS}, not {self.kind!r}")
        if not self.id:
            raise ValueError("a subject needs an id")
        if len(self.id) > MAX_ID_CHARS:
            raise ValueError(f"a subject id has at most {MAX_ID_CHARS} characters")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Subject:
        return cls(
            str(data.get("kind", "")), str(data.get("id") or ""), str(data.get("label") or "")
        )

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "label": self.label}


@dataclass(frozen=True)
class Alert:
    """A finding: which typology, on which accounts and transactions, how much, when, and why."""

    alert_id: str
    typology: str
    rule_id: str
    severity: str
    accounts: tuple[str, ...]
    tx_ids: tuple[str, ...]
    amount: float
    """In USD."""
    period_start: datetime | None
    period_end: datetime | None
    score: float
    reasons: tuple[Reason, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    explanation: str = ""
    verb: str = "monitor"
    """The verb that raised it: one of :data:`VERBS`."""
    subjects: tuple[Subject, ...] = ()
    """Who or what it is about, primary subject first; when empty, the accounts (the evidence's
    ``focus`` account first)."""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if self.verb not in VERBS:
            raise ValueError(f"verb must be one of {VERBS}, not {self.verb!r}")

    @property
    def all_subjects(self) -> tuple[Subject, ...]:
        """The subjects given, else the accounts as subjects, the evidence's focus first."""
        if self.subjects:
            return self.subjects
        focus = str(self.evidence.get("focus", "")) if isinstance(self.evidence, Mapping) else ""
        ordered = sorted(self.accounts, key=lambda account: (account != focus, account))
        return tuple(Subject("account", account) for account in ordered)

    def to_dict(self) -> dict[str, Any]:
        """A flat record for JSON and Parquet; reasons live inside ``evidence``."""
        evidence = dict(self.evidence)
        evidence["reasons"] = [reason.to_dict() for reason in self.reasons]
        return {
            "alert_id": self.alert_id,
            "typology": self.typology,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "accounts": list(self.accounts),
            "tx_ids": list(self.tx_ids),
            "amount": self.amount,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "score": self.score,
            "explanation": self.explanation,
            "evidence": evidence,
            "verb": self.verb,
            "subjects": [subject.to_dict() for subject in self.all_subjects],
        }


# -- one schema, one writer, one reader --------------------------------------------------------

FINDING_SCHEMA = pa.schema(
    [
        ("alert_id", pa.string()),
        ("verb", pa.string()),
        ("typology", pa.string()),
        ("rule_id", pa.string()),
        ("severity", pa.string()),
        ("subjects", pa.string()),
        ("accounts", pa.list_(pa.string())),
        ("tx_ids", pa.list_(pa.string())),
        ("amount", pa.float64()),
        ("period_start", pa.timestamp("us", tz="UTC")),
        ("period_end", pa.timestamp("us", tz="UTC")),
        ("score", pa.float64()),
        ("explanation", pa.string()),
        ("evidence", pa.string()),
    ]
)
"""Findings on disk. ``subjects`` and ``evidence`` are JSON text (every tool reads text);
``accounts`` and ``tx_ids`` are lists (joined with ``;`` in CSV)."""

FINDING_SUFFIXES = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def write_findings(alerts: Iterable[Alert], path: str | Path, *, raw: bool = False) -> Path:
    """Findings as Parquet, CSV or JSON lines (by the name), atomically. CSV cells a spreadsheet
    would run as formulas are escaped unless ``raw``."""
    from sever.tables.io import write_records

    def record(alert: Alert) -> dict[str, Any]:
        row = alert.to_dict()
        row["subjects"] = json.dumps(row["subjects"], ensure_ascii=False)
        return row

    return write_records((record(alert) for alert in alerts), path, FINDING_SCHEMA, raw=raw)


EntityLookup = Callable[[str], Mapping[str, Any] | None]
"""Finds a list entry's FtM data (``{"schema", "properties"}``) by id, for hashing it."""


def read_findings(path: str | Path, *, entity: EntityLookup | None = None) -> list[Alert]:
    """The findings in a file written by any verb: findings or alerts (``alert_id`` column), or
    screening hits (``entity_id`` and ``query_id``/``party_id``), which are converted with
    :func:`finding_from_hit`. A bad row is an InputError naming the file, row and field."""
    path = Path(path)
    kind = FINDING_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(path, "unknown file type; give a .parquet, .csv or .jsonl file")
    if not path.is_file():
        raise InputError(path, "findings file not found")
    rows = list(_rows(path, kind))
    columns = set().union(*(row.keys() for _, row in rows)) if rows else set()
    if "alert_id" in columns:
        return [_finding_from_row(row, path, line) for line, row in rows]
    if "entity_id" in columns and columns & {"query_id", "party_id"}:
        found = []
        for line, row in rows:
            try:
                found.append(
                    finding_from_hit(row, entity(str(row["entity_id"])) if entity else None)
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(path, f"not a screening hit: {exc}", row=line) from None
        return found
    if not rows:
        return []
    raise InputError(
        path,
        "neither findings (alert_id, …) nor screening hits (query_id or party_id, entity_id, …)",
        row=1,
    )


def _rows(path: Path, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    if kind == "csv":
        from sever.tables.csv_input import CsvReader

        yield from CsvReader(path, what="findings file")
        return
    if kind == "parquet":
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(path, f"cannot read as parquet: {exc}") from None
        for number, row in enumerate(table.to_pylist(), start=1):
            yield number, row
        return
    with open(path, encoding="utf-8", errors="strict") as handle:
        try:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise InputError(path, f"not JSON: {exc.msg}", row=number) from None
                if not isinstance(row, dict):
                    raise InputError(path, "each line must be a JSON object", row=number)
                yield number, row
        except UnicodeDecodeError:
            raise InputError(path, "not UTF-8 text") from None


def _finding_from_row(row: Mapping[str, Any], path: Path, line: int) -> Alert:
    """One stored finding (or a monitor alert written before findings had verb and subjects)."""
    field_name = "evidence"
    try:
        evidence = _json_cell(row.get("evidence"), "evidence")
        field_name = "subjects"
        subjects = tuple(
            Subject.from_dict(s) for s in _json_cell(row.get("subjects"), "subjects") or ()
        )
        field_name = "evidence"
        reasons = tuple(
            Reason(r["label"], r.get("observed"), r.get("threshold"), r.get("op", ""))
            for r in evidence.pop("reasons", None) or ()
        )
        values: dict[str, Any] = {}
        for field_name in ("alert_id", "typology", "rule_id", "severity"):
            values[field_name] = _text(row.get(field_name), required=True)
            longest = 64 if field_name == "typology" else MAX_ID_CHARS
            if len(values[field_name]) > longest:
                raise ValueError(f"at most {longest} characters")
        field_name = "severity"
        if values["severity"] not in SEVERITIES:
            raise ValueError(f"{values['severity']!r} is not one of {', '.join(SEVERITIES)}")
        field_name = "verb"
        verb = _text(row.get("verb")) or "monitor"
        if verb not in VERBS:
            raise ValueError(f"{verb!r} is not one of {', '.join(VERBS)}")
        for field_name in ("accounts", "tx_ids"):
            values[field_name] = _list_cell(row.get(field_name))
        for field_name in ("amount", "score"):
            values[field_name] = float(row.get(field_name) or 0.0)
        for field_name in ("period_start", "period_end"):
            values[field_name] = _time_cell(row.get(field_name))
        field_name = "alert_id"
        return Alert(
            **values,
            reasons=reasons,
            evidence=evidence,
            explanation=_text(row.get("explanation")),
            verb=verb,
            subjects=subjects,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(path, str(exc), row=line, field=field_name) from None


def _text(value: Any, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueError("empty")
    return text


def _json_cell(value: Any, name: str) -> Any:
    if value is None or value == "":
        return {} if name == "evidence" else []
    if isinstance(value, (dict, list)):
        return dict(value) if isinstance(value, dict) else value
    try:
        return json.loads(str(value))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg}") from None


def _list_cell(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(part for part in value.split(";") if part)
    return tuple(str(part) for part in value)


def _time_cell(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# -- screening hits as findings ----------------------------------------------------------------


def record_hash(record: Mapping[str, Any]) -> str:
    """A record's content as a hash: the same values give the same hash whatever their order."""
    text = json.dumps(record, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def entity_hash(entity: Mapping[str, Any]) -> str:
    """A list entry's content (schema and properties, values in any order) as a hash: it changes
    when a list update changes the entry, and not when only its load dates move."""
    properties = entity.get("properties") or {}
    return record_hash(
        {
            "schema": entity.get("schema"),
            "properties": {k: sorted(str(v) for v in vs) for k, vs in properties.items() if vs},
        }
    )


def party_hash(hit: Mapping[str, Any]) -> str:
    """The screened customer's record as a hit carries it (its name and ``party.*`` columns)."""
    party = {k: v for k, v in hit.items() if k.startswith("party.") and v not in (None, "")}
    return record_hash({"name": hit.get("query_name") or "", **party})


def finding_from_hit(hit: Mapping[str, Any], entity: Mapping[str, Any] | None = None) -> Alert:
    """One screening hit (a row of ``sever screen --out hits.*``, or any hits table with
    ``party_id, entity_id, score, match``) as a finding about the party and the list entry.

    The finding's id covers the pair and both records' content (``party_hash``, ``entity_hash``):
    the same hit screened again is the same finding, and a hit whose list entry or customer record
    changed is a new one. Those hashes are the hit's own columns when it has them; else the
    customer's from the hit's columns, and the entry's from ``entity`` (its FtM data) or, without
    it, from what the hit shows of it (caption, schema, list, programs)."""
    party_id = _text(hit.get("query_id") or hit.get("party_id"), required=True)
    entity_id = _text(hit["entity_id"], required=True)
    caption = _text(hit.get("caption")) or entity_id
    programs = _list_cell(hit.get("programs"))
    listed = _text(hit.get("list"))
    decision = _text(hit.get("decision")).lower()
    if decision not in ("match", "review"):
        decision = "match" if _text(hit.get("match")).lower() in _TRUE else "review"
    dprk = _text(hit.get("dprk")).lower() in _TRUE
    customer = _text(hit.get("party_hash")) or party_hash(hit)
    entry = _text(hit.get("entity_hash")) or entity_hash(
        entity
        or {
            "schema": hit.get("schema"),
            "properties": {"caption": [caption], "list": [listed], "programs": list(programs)},
        }
    )
    name = _text(hit.get("query_name")) or party_id
    said = "matched" if decision == "match" else "may match"
    on = f" on {listed}" + (f" ({', '.join(programs)})" if programs else "") if listed else ""
    why = _text(hit.get("explanation"))
    features = hit.get("features")
    return Alert(
        alert_id=alert_id("screen", party_id, (entity_id, customer, entry)),
        typology="sanctioned_alias",
        rule_id="screen",
        severity=("critical" if dprk else "high") if decision == "match" else "medium",
        accounts=(),
        tx_ids=(),
        amount=0.0,
        period_start=None,
        period_end=None,
        score=float(hit.get("score") or 0.0),
        evidence={
            "decision": decision,
            "list": listed,
            "programs": list(programs),
            "dprk": dprk,
            "holder": _text(hit.get("holder")) or None,
            "party": {k[6:]: v for k, v in hit.items() if k.startswith("party.") and v},
            "party_hash": customer,
            "entity_hash": entry,
            **({"features": features} if isinstance(features, list) else {}),
        },
        explanation=f"{name} ({party_id}) {said} {caption} ({entity_id}){on}"
        + (f": {why}" if why else "."),
        verb="screen",
        subjects=(Subject("party", party_id, name), Subject("entity", entity_id, caption)),
    )


_TRUE = ("true", "t", "yes", "y", "1", "match")
