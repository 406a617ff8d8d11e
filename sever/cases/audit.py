"""The audit chain: every action is an append-only record that hashes the one before it.

A record's hash is SHA-256 over the previous record's hash and this record's own fields (its
sequence number, time, actor, action, target and payload) as canonical JSON. :func:`verify` walks
the chain in sequence order and names the first record that breaks it:

- a record edited in place no longer matches its hash;
- a deleted record leaves a gap in the sequence numbers (or, at the end, a chain shorter than its
  head row says);
- records moved or inserted do not follow the hash of the record before them.

A forger who rewrites every later record and the head row leaves a chain that checks out on its
own; :func:`export` gives the head hash to keep elsewhere (``--head`` checks against it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sever.cases.models import AuditHead, AuditRecord

GENESIS = "0" * 64
"""The previous hash of the first record."""


def record_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, target: str, payload: str
) -> str:
    """The hash that seals one record to the chain before it."""
    body = json.dumps([prev_hash, seq, at, actor, action, target, payload], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def append(
    session: Session, head: AuditHead, actor: str, action: str, target: str, payload: dict
) -> AuditRecord:
    """Append a record after ``head`` (locked by the caller) and move the head to it."""
    seq = head.seq + 1
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    body = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    digest = record_hash(head.hash, seq, at, actor, action, target, body)
    record = AuditRecord(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        target=target,
        payload=body,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(record)
    head.seq, head.hash = seq, digest
    return record


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: whether the chain holds, and if not, where it first breaks."""

    ok: bool
    records: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""

    def sentence(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.records:,} record(s), head {self.head_hash}"
        return f"audit chain broken at record {self.bad_seq}: {self.problem}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "bad_seq": self.bad_seq,
            "problem": self.problem,
        }


def records(session: Session) -> Iterator[AuditRecord]:
    """The chain in sequence order."""
    yield from session.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars()


def verify(session: Session, anchor: str | None = None) -> Verdict:
    """Walk the chain and name the first record that breaks it; ``anchor`` is a head hash kept
    elsewhere, which must be found in the chain."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    expected_seq, prev, count, anchored = 1, GENESIS, 0, anchor is None

    def broken(seq: int, problem: str) -> Verdict:
        return Verdict(False, count, head_seq, head_hash, seq, problem)

    for record in records(session):
        count += 1
        if record.seq > expected_seq:
            return broken(
                expected_seq,
                f"missing: the chain jumps from record {expected_seq - 1} to {record.seq} "
                "(deleted)",
            )
        if record.prev_hash != prev:
            return broken(
                record.seq,
                f"out of place: it does not follow record {record.seq - 1} (records deleted, "
                "inserted or reordered)",
            )
        sealed = record_hash(
            record.prev_hash,
            record.seq,
            record.at,
            record.actor,
            record.action,
            record.target,
            record.payload,
        )
        if sealed != record.hash:
            return broken(record.seq, "edited: its content no longer matches its hash")
        prev, expected_seq = record.hash, record.seq + 1
        anchored = anchored or record.hash == anchor
    last = expected_seq - 1
    if last > head_seq:
        return broken(
            head_seq + 1, f"added past the head: the head says the chain ends at {head_seq}"
        )
    if last != head_seq or prev != head_hash:
        return broken(
            last + 1, f"missing: the chain ends at record {last} but its head says {head_seq}"
        )
    if not anchored:
        return broken(expected_seq, f"the anchored head {anchor} is not in the chain")
    return Verdict(True, count, head_seq, head_hash)


def export(session: Session) -> dict[str, Any]:
    """The whole chain and its head, for keeping or anchoring elsewhere."""
    verdict = verify(session)
    return {
        "head": {"seq": verdict.head_seq, "hash": verdict.head_hash},
        "verified": verdict.to_dict(),
        "records": [
            {
                "seq": r.seq,
                "at": r.at,
                "actor": r.actor,
                "action": r.action,
                "target": r.target,
                "payload": json.loads(r.payload),
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            }
            for r in records(session)
        ],
    }
