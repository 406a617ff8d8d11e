"""What changed between two snapshots: entities added, removed, and changed per property."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from followthemoney import EntityProxy

from sever.entities.store import Snapshot, Store

_SHOWN_VALUE = 240


@dataclass
class PropertyChange:
    """Values of one property that appeared or disappeared on an entity."""

    prop: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"prop": self.prop, "added": self.added, "removed": self.removed}


@dataclass
class EntityChange:
    entity_id: str
    schema: str
    caption: str
    changes: list[PropertyChange]

    def describe(self) -> str:
        """One line an analyst reads: what moved on this entity."""
        parts = []
        for change in self.changes:
            if change.added:
                parts.append(f"+{change.prop}: {'; '.join(map(_short, change.added))}")
            if change.removed:
                parts.append(f"-{change.prop}: {'; '.join(map(_short, change.removed))}")
        return " | ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass
class SnapshotDiff:
    old: Snapshot
    new: Snapshot
    added: list[tuple[str, str, str]]
    """(entity id, schema, caption) of entities only in the new snapshot."""
    removed: list[tuple[str, str, str]]
    changed: list[EntityChange]

    @property
    def changed_ids(self) -> set[str]:
        """Entities a delta re-screen must look at: added or changed (removed can't hit)."""
        return {e[0] for e in self.added} | {c.entity_id for c in self.changed}

    def to_dict(self) -> dict[str, Any]:
        def rows(items: list[tuple[str, str, str]]) -> list[dict[str, str]]:
            return [{"entity_id": i, "schema": s, "caption": c} for i, s, c in items]

        return {
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "added": rows(self.added),
            "removed": rows(self.removed),
            "changed": [c.to_dict() for c in self.changed],
        }


def diff_snapshots(store: Store, old: Snapshot, new: Snapshot) -> SnapshotDiff:
    """Compare two snapshots statement by statement, in SQL."""
    ids = [old.snapshot_id, new.snapshot_id]
    presence = store.sql(
        """
        SELECT entity_id, any_value(schema), any_value(caption),
               bool_or(snapshot_id = ?) AS in_old, bool_or(snapshot_id = ?) AS in_new
        FROM entities WHERE snapshot_id IN (?, ?)
        GROUP BY entity_id HAVING NOT (in_old AND in_new)
        ORDER BY entity_id
        """,
        [*ids, *ids],
    )
    added = [(i, s, c) for i, s, c, _, in_new in presence if in_new]
    removed = [(i, s, c) for i, s, c, in_old, _ in presence if in_old]
    rows = store.sql(
        """
        WITH o AS (SELECT entity_id, prop, value FROM statements WHERE snapshot_id = ?),
             n AS (SELECT entity_id, prop, value FROM statements WHERE snapshot_id = ?),
             both_ids AS (SELECT entity_id FROM entities WHERE snapshot_id = ?
                          INTERSECT SELECT entity_id FROM entities WHERE snapshot_id = ?),
             delta AS (
               (SELECT *, 'added' AS side FROM (SELECT * FROM n EXCEPT SELECT * FROM o))
               UNION ALL
               (SELECT *, 'removed' AS side FROM (SELECT * FROM o EXCEPT SELECT * FROM n)))
        SELECT d.entity_id, e.schema, e.caption, d.prop, d.side, d.value
        FROM delta d
        JOIN both_ids USING (entity_id)
        JOIN entities e ON e.entity_id = d.entity_id AND e.snapshot_id = ?
        ORDER BY d.entity_id, d.prop, d.side, d.value
        """,
        [*ids, *ids, new.snapshot_id],
    )
    changed: dict[str, EntityChange] = {}
    for entity_id, schema, caption, prop, side, value in rows:
        change = changed.setdefault(entity_id, EntityChange(entity_id, schema, caption, []))
        if not change.changes or change.changes[-1].prop != prop:
            change.changes.append(PropertyChange(prop))
        getattr(change.changes[-1], side).append(value)
    parents = {
        entity_id: (schema, caption)
        for entity_id, schema, caption in store.sql(
            """SELECT entity_id, any_value(schema), any_value(caption) FROM entities
               WHERE snapshot_id IN (?, ?) GROUP BY entity_id
               HAVING count(DISTINCT snapshot_id) = 2""",
            ids,
        )
    }
    _fold_children(store, new, added, "added", changed, parents)
    _fold_children(store, old, removed, "removed", changed, parents)
    for change in changed.values():  # what was added to a party first, its remarks text last
        change.changes.sort(key=lambda c: c.prop == "notes")
    ordered = sorted(changed.values(), key=lambda c: c.entity_id)
    return SnapshotDiff(old, new, added, removed, ordered)


def _short(value: str) -> str:
    return value if len(value) <= _SHOWN_VALUE else value[: _SHOWN_VALUE - 1] + "…"


def _child_label(entity: EntityProxy) -> str:
    """How a wallet, document or sanction reads inside its holder's change."""
    if entity.schema.name == "CryptoWallet":
        return " ".join(entity.get("currencySymbol") + entity.get("publicKey"))
    return entity.caption


def _fold_children(
    store: Store,
    snapshot: Snapshot,
    items: list[tuple[str, str, str]],
    side: str,
    changed: dict[str, EntityChange],
    parents: dict[str, tuple[str, str]],
) -> None:
    """Show a wallet, passport, sanction or link that appeared (or went) as a change of the
    party it belongs to, when that party is in both snapshots: an analyst reads "Lazarus Group
    gained an ETH address", not only "a new CryptoWallet entity"."""
    for entity in store.snapshot_entities(snapshot.snapshot_id, [i for i, _, _ in items]):
        for prop in entity.schema.properties.values():
            if prop.type.name != "entity" or prop.reverse is None or prop.stub:
                continue
            for parent_id in entity.get(prop):
                if parent_id not in parents:
                    continue
                schema, caption = parents[parent_id]
                parent = changed.setdefault(parent_id, EntityChange(parent_id, schema, caption, []))
                reverse = prop.reverse.name
                bucket = next((c for c in parent.changes if c.prop == reverse), None)
                if bucket is None:
                    bucket = PropertyChange(reverse)
                    parent.changes.append(bucket)
                getattr(bucket, side).append(_child_label(entity))
