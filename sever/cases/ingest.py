"""Findings into cases: ``sever cases ingest`` and the grouping rule.

**Grouping rule.** A finding is about its *primary subject*: the first of its subjects that is not
a list entry (the screened party, the monitored account, the traced wallet); a finding that names
only list entries is about its first one. It joins the open case (new, in review or escalated)
about the same subject whose latest finding lies within :data:`GROUP_DAYS` (30) days of its own
time (the end of its period, else its start, else the time it is ingested); when several could
take it, the oldest. Otherwise it opens a new case. A list entry alone never groups, because one
entry can hit many customers, and nor do counterparties: only the primary subject does.

Ingesting is idempotent: a finding whose id is already in the store is counted as known and left
alone, so the same file ingested twice adds nothing. A screening hit closed earlier as a false
positive, with neither record changed since, is counted as suppressed and not added.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sever.alerts import (
    SEVERITIES,
    Alert,
    EntityLookup,
    Subject,
    finding_from_hit,
    read_findings,
)
from sever.cases.models import Case, CaseSubject, Finding
from sever.cases.roles import Actor
from sever.cases.store import CaseStore, Writer, now, utc
from sever.cases.suppress import closed_keys, suppression_key
from sever.cases.workflow import OPEN_STATES, case_ref, due_date
from sever.errors import SeverError
from sever.home import Home


class NoSubject(SeverError):
    """A finding that names nothing it is about."""


GROUP_DAYS = 30
"""A finding joins an open case about its primary subject when it lies within this many days of
the case's latest finding."""


@dataclass
class IngestResult:
    """What an ingest did: findings added, already known, suppressed; cases opened and grown."""

    files: list[str]
    added: int = 0
    known: int = 0
    suppressed: int = 0
    opened: list[int] = field(default_factory=list)
    grown: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "added": self.added,
            "known": self.known,
            "suppressed": self.suppressed,
            "cases_opened": self.opened,
            "cases_grown": self.grown,
        }


def primary_subject(finding: Alert) -> Subject:
    """The subject a finding is grouped on (see the module's grouping rule)."""
    subjects = finding.all_subjects
    if not subjects:
        raise NoSubject(
            f"finding {finding.alert_id} names no subject (no subjects and no accounts): a case "
            "needs an account, party, company, wallet or list entry to be about"
        )
    return next((s for s in subjects if s.kind != "entity"), subjects[0])


@contextmanager
def entity_lookup(home: Home) -> Iterator[EntityLookup | None]:
    """A lookup of list entries in the home's entity store (None when the home has none), open
    for the duration of the ``with`` block."""
    if not home.store_path.exists():
        yield None
        return
    from sever.entities.store import Store

    with Store.open(home, read_only=True) as entities:

        def lookup(entity_id: str) -> dict[str, Any] | None:
            proxy = entities.get(entity_id)
            return proxy.to_dict() if proxy is not None else None

        yield lookup


def ingest_files(store: CaseStore, actor: Actor, paths: Sequence[Path]) -> IngestResult:
    """Read every file first (a bad file changes nothing), then ingest them in one change."""
    actor.require("analyst", "ingesting findings")
    with entity_lookup(store.home) as lookup:
        batches = [(str(path), read_findings(path, entity=lookup)) for path in paths]
    result = IngestResult([name for name, _ in batches])
    with store.write(actor) as writer:
        for name, findings in batches:
            _ingest(writer, findings, name, result)
        writer.audit("ingest", ",".join(result.files)[:300], result.to_dict())
    return result


def ingest_findings(
    store: CaseStore, actor: Actor, findings: Iterable[Alert], source: str
) -> IngestResult:
    """Ingest findings already in memory (``--to-cases`` on a detecting verb)."""
    actor.require("analyst", "ingesting findings")
    result = IngestResult([source])
    with store.write(actor) as writer:
        _ingest(writer, list(findings), source, result)
        writer.audit("ingest", source[:300], result.to_dict())
    return result


def ingest_hits(
    store: CaseStore, actor: Actor, rows: Iterable[Mapping[str, Any]], source: str
) -> IngestResult:
    """Ingest screening hit rows in memory (``sever screen --to-cases``), converted as
    ``sever cases ingest`` converts a hits file."""
    with entity_lookup(store.home) as lookup:
        findings = [
            finding_from_hit(row, lookup(str(row["entity_id"])) if lookup else None) for row in rows
        ]
    return ingest_findings(store, actor, findings, source)


def _ingest(writer: Writer, findings: list[Alert], source: str, result: IngestResult) -> None:
    session = writer.session
    ids = sorted({f.alert_id for f in findings})
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        known.update(
            session.scalars(select(Finding.id).where(Finding.id.in_(ids[start : start + 500])))
        )
    keys = {f.alert_id: suppression_key(f) for f in findings}
    closed = closed_keys(session, [k for k in keys.values() if k])
    arrived = now()
    touched: dict[int, list[str]] = {}
    for finding in sorted(findings, key=lambda f: (_when(f, arrived), f.alert_id)):
        if finding.alert_id in known:
            result.known += 1
            continue
        if keys[finding.alert_id] in closed:
            result.suppressed += 1
            continue
        known.add(finding.alert_id)
        when = _when(finding, arrived)
        case = _case_for(writer, finding, when, arrived, result)
        _grow(case, finding, when)
        session.add(
            Finding(
                id=finding.alert_id,
                case_id=case.id,
                verb=finding.verb,
                typology=finding.typology,
                rule_id=finding.rule_id,
                severity=finding.severity,
                score=finding.score,
                amount=finding.amount,
                occurred_at=when,
                ingested_at=arrived,
                source=source[:500],
                record=json.dumps(
                    finding.to_dict(), default=str, ensure_ascii=False, sort_keys=True
                ),
            )
        )
        touched.setdefault(case.id, []).append(finding.alert_id)
        result.added += 1
    session.flush()
    for case_id, added in sorted(touched.items()):
        if case_id not in result.opened:
            result.grown.append(case_id)
        writer.audit("case.findings", case_ref(case_id), {"added": added, "source": source})


def _when(finding: Alert, arrived: datetime) -> datetime:
    when = finding.period_end or finding.period_start or arrived
    return utc(when)


def _case_for(
    writer: Writer, finding: Alert, when: datetime, arrived: datetime, result: IngestResult
) -> Case:
    """The open case the grouping rule puts this finding in, or a new one."""
    session = writer.session
    subject = primary_subject(finding)
    window = timedelta(days=GROUP_DAYS)
    candidates = session.scalars(
        select(Case)
        .join(CaseSubject, CaseSubject.case_id == Case.id)
        .where(
            CaseSubject.kind == subject.kind,
            CaseSubject.subject_id == subject.id,
            Case.state.in_(OPEN_STATES),
        )
        .order_by(Case.id)
    )
    for case in candidates:
        if abs(utc(case.last_finding_at) - when) <= window:
            return case
    label = subject.label or subject.id
    case = Case(
        title=f"{finding.typology.replace('_', ' ')}: {label}"[:300],
        state="new",
        subject_kind=subject.kind,
        subject_id=subject.id,
        subject_label=subject.label[:300],
        severity=finding.severity,
        score=finding.score,
        amount=0.0,
        detected_at=arrived,
        due_at=due_date(arrived),
        last_finding_at=when,
        opened_at=arrived,
        updated_at=arrived,
    )
    session.add(case)
    session.flush()
    session.add(CaseSubject(case_id=case.id, kind=subject.kind, subject_id=subject.id))
    result.opened.append(case.id)
    writer.audit(
        "case.open",
        case_ref(case.id),
        {"subject": subject.to_dict(), "due_at": case.due_at.isoformat(), "title": case.title},
    )
    return case


def _grow(case: Case, finding: Alert, when: datetime) -> None:
    """Fold a finding into its case: worst severity, best score, total amount, latest time."""
    if SEVERITIES.index(finding.severity) > SEVERITIES.index(case.severity):
        case.severity = finding.severity
    case.score = max(case.score, finding.score)
    case.amount = round((case.amount or 0.0) + finding.amount, 2)
    if when > utc(case.last_finding_at):
        case.last_finding_at = when
    case.updated_at = now()
