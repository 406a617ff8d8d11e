"""The case workflow: states, the moves allowed between them, and who may make each move.

::

    new ──► in_review ──► escalated ──► reported
     │          │             │
     └──────────┴─────────────┴──► closed_false_positive / closed_no_action ──► in_review (reopen)

An escalated case can also go back to ``in_review``. Every move carries a reason. Analysts make
the moves up to escalation and the closures; moving to ``reported`` needs a reviewer who did not
draft the report (four-eyes), and reopening a closed case needs a reviewer. ``reported`` is
final. A case closed as a false positive remembers each of its screening hits, so that the hit is
not raised again until the list entry or the customer record changes
(:mod:`sever.cases.suppress`).

A case is due 30 days after its first finding was detected: FinCEN gives 30 calendar days from
initial detection to file a SAR (31 CFR 1020.320(b)(3)).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sever.cases.models import Attachment, Case, Decision, Finding, Note
from sever.cases.roles import Actor, NotAllowed
from sever.cases.store import CaseStore, Writer, now, utc
from sever.errors import InputError, SeverError

STATES = (
    "new",
    "in_review",
    "escalated",
    "reported",
    "closed_false_positive",
    "closed_no_action",
)
OPEN_STATES = ("new", "in_review", "escalated")
CLOSED_STATES = ("closed_false_positive", "closed_no_action")

MOVES: dict[str, tuple[str, ...]] = {
    "new": ("in_review", *CLOSED_STATES),
    "in_review": ("escalated", *CLOSED_STATES),
    "escalated": ("in_review", "reported", *CLOSED_STATES),
    "reported": (),
    "closed_false_positive": ("in_review",),
    "closed_no_action": ("in_review",),
}
"""Allowed moves: from each state, the states a decision may lead to."""

DUE_DAYS = 30
"""Days from detection to the filing deadline (FinCEN SAR: 30 calendar days)."""

MAX_TEXT = 20_000
"""The longest note or reason accepted, in characters."""


class CaseNotFound(SeverError):
    """No case with that number."""


class BadMove(SeverError):
    """A move the workflow does not allow now (or a case that changed since the version the
    user saw)."""


def due_date(detected: Any) -> Any:
    return detected + timedelta(days=DUE_DAYS)


def case_ref(case_id: int) -> str:
    return f"case:{case_id}"


def get_case(session: Session, case_id: int, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id)
    if lock:
        query = query.with_for_update()
    case = session.execute(query).scalar_one_or_none()
    if case is None:
        raise CaseNotFound(f"case {case_id}: no such case")
    return case


def _text(value: str, what: str, longest: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InputError(None, "give one (it is recorded with the decision)", field=what)
    if len(cleaned) > longest:
        raise InputError(None, f"at most {longest:,} characters", field=what)
    if "\x00" in cleaned:
        raise InputError(None, "contains a NUL character", field=what)
    return cleaned


def _touch(writer: Writer, case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise BadMove(
            f"case {case.id} changed since version {version} (it is at {case.version}); "
            "reload it and decide again"
        )
    case.updated_at = now()


def decide(
    store: CaseStore,
    actor: Actor,
    case_id: int,
    state: str,
    reason: str,
    *,
    version: int | None = None,
) -> dict[str, Any]:
    """Move a case to ``state`` for ``reason``; returns the case as :func:`case_view` shows it."""
    if state not in STATES:
        raise InputError(None, f"{state!r}: choose one of {', '.join(STATES)}", field="state")
    reason = _text(reason, "reason")
    actor.require("analyst", "deciding a case")
    with store.write(actor) as writer:
        case = get_case(writer.session, case_id, lock=True)
        _touch(writer, case, version)
        if state not in MOVES[case.state]:
            allowed = ", ".join(MOVES[case.state]) or "none: it is final"
            raise BadMove(f"case {case_id} is {case.state}; it can move to {allowed}")
        if state == "reported":
            actor.require("reviewer", "filing a report")
            if case.drafted_by is None:
                raise BadMove(f"case {case_id} has no drafted report to file")
            if case.drafted_by == actor.name:
                raise NotAllowed(
                    f"four-eyes: {actor.name} drafted the report of case {case_id}, so another "
                    "reviewer must file it"
                )
        if case.state in CLOSED_STATES:
            actor.require("reviewer", "reopening a closed case")
        previous = case.state
        case.state = state
        writer.session.add(
            Decision(
                case_id=case.id,
                actor=actor.name,
                from_state=previous,
                to_state=state,
                reason=reason,
                created_at=now(),
            )
        )
        remembered = 0
        if state == "closed_false_positive":
            from sever.cases.suppress import remember

            remembered = remember(writer, case, reason)
        writer.audit(
            "case.decide",
            case_ref(case.id),
            {"from": previous, "to": state, "reason": reason, "suppressed_hits": remembered},
        )
        writer.session.flush()
        return case_view(writer.session, case)


def assign(
    store: CaseStore,
    actor: Actor,
    case_id: int,
    assignee: str | None,
    *,
    version: int | None = None,
) -> dict[str, Any]:
    """Give a case to ``assignee`` (None: to nobody)."""
    actor.require("analyst", "assigning a case")
    with store.write(actor) as writer:
        case = get_case(writer.session, case_id, lock=True)
        _touch(writer, case, version)
        chosen = _text(assignee, "assignee", 120) if assignee and assignee.strip() else None
        previous, case.assignee = case.assignee, chosen
        writer.audit("case.assign", case_ref(case.id), {"from": previous, "to": case.assignee})
        writer.session.flush()
        return case_view(writer.session, case)


def add_note(store: CaseStore, actor: Actor, case_id: int, text: str) -> dict[str, Any]:
    """Add a note to a case."""
    actor.require("analyst", "writing a note")
    body = _text(text, "note")
    with store.write(actor) as writer:
        case = get_case(writer.session, case_id, lock=True)
        _touch(writer, case, None)
        note = Note(case_id=case.id, author=actor.name, text=body, created_at=now())
        writer.session.add(note)
        writer.session.flush()
        writer.audit("case.note", case_ref(case.id), {"note": note.id, "text": body})
        return {"id": note.id, "case": case.id, "author": note.author, "text": note.text}


def attach(store: CaseStore, actor: Actor, case_id: int, path: Path) -> dict[str, Any]:
    """Keep a file with a case: copied into the home under its SHA-256, which the audit records."""
    actor.require("analyst", "attaching a file")
    if not path.is_file():
        raise InputError(path, "attachment not found")
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    sha = digest.hexdigest()
    kept = attachment_path(store, sha)
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(".partial")
        shutil.copyfile(path, partial)
        partial.replace(kept)
    with store.write(actor) as writer:
        case = get_case(writer.session, case_id, lock=True)
        _touch(writer, case, None)
        item = Attachment(
            case_id=case.id,
            name=path.name,
            sha256=sha,
            size=kept.stat().st_size,
            added_by=actor.name,
            added_at=now(),
        )
        writer.session.add(item)
        writer.session.flush()
        writer.audit("case.attach", case_ref(case.id), {"name": path.name, "sha256": sha})
        return {
            "id": item.id,
            "case": case.id,
            "name": item.name,
            "sha256": sha,
            "size": item.size,
            "path": str(kept),
        }


def attachment_path(store: CaseStore, sha256: str) -> Path:
    """Where an attachment's bytes are kept in the home."""
    return store.home.root / "cases" / "attachments" / sha256[:2] / sha256


def record_draft(
    store: CaseStore, actor: Actor, case_id: int, kind: str, sha256: str
) -> dict[str, Any]:
    """Record that ``actor`` drafted a report (``sar``, ``goaml``, ``pdf``) of an escalated case:
    the drafter may not also file it (four-eyes). Reports call this when they write a draft."""
    actor.require("analyst", "drafting a report")
    with store.write(actor) as writer:
        case = get_case(writer.session, case_id, lock=True)
        if case.state != "escalated":
            raise BadMove(f"case {case_id} is {case.state}; escalate it before drafting a report")
        _touch(writer, case, None)
        case.drafted_by = actor.name
        writer.audit("report.draft", case_ref(case.id), {"kind": kind, "sha256": sha256})
        writer.session.flush()
        return case_view(writer.session, case)


# -- views ------------------------------------------------------------------------------------


def case_view(session: Session, case: Case, *, full: bool = False) -> dict[str, Any]:
    """A case as the CLI's ``--json`` and the API show it; ``full`` adds its findings, notes,
    attachments and decisions."""
    due = utc(case.due_at)
    view: dict[str, Any] = {
        "id": case.id,
        "title": case.title,
        "state": case.state,
        "subject": {"kind": case.subject_kind, "id": case.subject_id, "label": case.subject_label},
        "assignee": case.assignee,
        "severity": case.severity,
        "score": case.score,
        "amount": case.amount,
        "finding_count": session.scalar(select(func.count()).where(Finding.case_id == case.id)),
        "detected_at": utc(case.detected_at).isoformat(),
        "due_at": due.isoformat(),
        "overdue": case.state in OPEN_STATES and due < now(),
        "drafted_by": case.drafted_by,
        "version": case.version,
        "updated_at": utc(case.updated_at).isoformat(),
    }
    if full:
        view["findings"] = [
            json.loads(f.record)
            | {"source": f.source, "ingested_at": utc(f.ingested_at).isoformat()}
            for f in session.scalars(
                select(Finding).where(Finding.case_id == case.id).order_by(Finding.occurred_at)
            )
        ]
        view["notes"] = [
            {"id": n.id, "author": n.author, "text": n.text, "at": utc(n.created_at).isoformat()}
            for n in session.scalars(select(Note).where(Note.case_id == case.id).order_by(Note.id))
        ]
        view["attachments"] = [
            {
                "id": a.id,
                "name": a.name,
                "sha256": a.sha256,
                "size": a.size,
                "added_by": a.added_by,
                "at": utc(a.added_at).isoformat(),
            }
            for a in session.scalars(
                select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
            )
        ]
        view["decisions"] = [
            {
                "actor": d.actor,
                "from": d.from_state,
                "to": d.to_state,
                "reason": d.reason,
                "at": utc(d.created_at).isoformat(),
            }
            for d in session.scalars(
                select(Decision).where(Decision.case_id == case.id).order_by(Decision.id)
            )
        ]
    return view


def list_cases(
    store: CaseStore, *, state: str | None = None, assignee: str | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """Cases, most urgent first (earliest due date), optionally of one state or assignee."""
    if state is not None and state not in STATES and state != "open":
        raise InputError(None, f"{state!r}: choose one of open, {', '.join(STATES)}", field="state")
    with store.read() as session:
        query = select(Case)
        if state == "open":
            query = query.where(Case.state.in_(OPEN_STATES))
        elif state is not None:
            query = query.where(Case.state == state)
        if assignee is not None:
            query = query.where(Case.assignee == assignee)
        query = query.order_by(Case.due_at, Case.id).limit(limit)
        return [case_view(session, case) for case in session.scalars(query)]


def show_case(store: CaseStore, case_id: int) -> dict[str, Any]:
    with store.read() as session:
        return case_view(session, get_case(session, case_id), full=True)


def list_findings(
    store: CaseStore,
    *,
    verb: str | None = None,
    typology: str | None = None,
    case_id: int | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Findings in the store, newest first, each with the case it was grouped into."""
    with store.read() as session:
        query = select(Finding)
        if verb is not None:
            query = query.where(Finding.verb == verb)
        if typology is not None:
            query = query.where(Finding.typology == typology)
        if case_id is not None:
            query = query.where(Finding.case_id == case_id)
        query = query.order_by(Finding.occurred_at.desc(), Finding.id).limit(limit)
        return [
            json.loads(f.record) | {"case": f.case_id, "source": f.source,
                                    "ingested_at": utc(f.ingested_at).isoformat()}
            for f in session.scalars(query)
        ]  # fmt: skip
