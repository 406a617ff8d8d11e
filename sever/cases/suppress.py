"""Screening decisions remembered: a hit closed as a false positive is not raised again until the
list entry or the customer record changes.

The decision is keyed on the party, the list entry and a hash of each record's content
(:func:`sever.alerts.finding_from_hit` computes both). When a list update changes the entry (a
new alias, a new birth date) or the customer's record changes, the key changes and the hit comes
back for a fresh look.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sever.alerts import Alert, EntityLookup, finding_from_hit
from sever.cases.models import Case, Finding, Suppression
from sever.cases.store import CaseStore, Writer, now, store_exists
from sever.home import Home


def suppression_key(finding: Alert | Mapping[str, Any]) -> str | None:
    """The key a false-positive decision on this screening finding is remembered under; None for
    findings of other verbs."""
    record = finding.to_dict() if isinstance(finding, Alert) else finding
    if record.get("verb") != "screen":
        return None
    evidence = record.get("evidence") or {}
    parts = (*_pair(record), evidence.get("party_hash", ""), evidence.get("entity_hash", ""))
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _pair(record: Mapping[str, Any]) -> tuple[str, str]:
    subjects = record.get("subjects") or []
    party = next((s["id"] for s in subjects if s["kind"] != "entity"), "")
    entity = next((s["id"] for s in subjects if s["kind"] == "entity"), "")
    return party, entity


def remember(writer: Writer, case: Case, reason: str) -> int:
    """Remember every screening finding of ``case`` as a false positive; returns how many."""
    count = 0
    for finding in writer.session.scalars(select(Finding).where(Finding.case_id == case.id)):
        record = json.loads(finding.record)
        key = suppression_key(record)
        if key is None or writer.session.get(Suppression, key) is not None:
            continue
        party, entity = _pair(record)
        evidence = record["evidence"]
        writer.session.add(
            Suppression(
                key=key,
                party_id=party,
                entity_id=entity,
                party_hash=evidence.get("party_hash", ""),
                entity_hash=evidence.get("entity_hash", ""),
                case_id=case.id,
                decided_by=writer.actor.name,
                reason=reason,
                created_at=now(),
            )
        )
        count += 1
    return count


def closed_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` were closed as false positives."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(Suppression.key).where(Suppression.key.in_(chunk))))
    return found


def is_suppressed(store: CaseStore, finding: Alert) -> bool:
    """True when this screening finding was closed as a false positive and neither record has
    changed since."""
    key = suppression_key(finding)
    if key is None:
        return False
    with store.read() as session:
        return bool(closed_keys(session, [key]))


def filter_hits(
    store: CaseStore, rows: list[dict[str, Any]], entity: EntityLookup | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Screening hit rows (as ``sever screen`` writes them) split into those still to raise and
    those suppressed by an earlier false-positive decision. ``entity`` finds a list entry's FtM
    data, as ``sever cases ingest`` does (:func:`sever.cases.ingest.entity_lookup`)."""
    keys = [
        suppression_key(finding_from_hit(row, entity(str(row["entity_id"])) if entity else None))
        for row in rows
    ]
    with store.read() as session:
        closed = closed_keys(session, [k for k in keys if k])
    kept = [row for row, key in zip(rows, keys, strict=True) if key not in closed]
    dropped = [row for row, key in zip(rows, keys, strict=True) if key in closed]
    return kept, dropped


def drop_decided_hits(
    home: Home, rows: list[dict[str, Any]], database: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What ``sever screen`` calls on its hit rows before writing them: the rows still to raise,
    and those closed earlier as false positives with neither record changed since. A home with
    no cases database yet has nothing to suppress (and none is created)."""
    if not rows or not store_exists(home, database):
        return rows, []
    from sever.cases.ingest import entity_lookup

    store = CaseStore.open(home, database)
    try:
        with entity_lookup(home) as lookup:
            return filter_hits(store, rows, lookup)
    finally:
        store.close()
