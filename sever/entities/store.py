"""The entity store: FollowTheMoney entities as versioned snapshots in one embedded DuckDB file.

Every load of a list becomes a new snapshot. A snapshot is written inside one transaction and the
dataset's *current* pointer moves in that same transaction, so an interrupted or failed load leaves
the previous snapshot in service, whole.

Two tables hold each snapshot:

- ``statements``: one row per (entity, property, value), with the value's provenance (dataset, first
  seen, last seen). Diffs and provenance questions are answered here, in SQL.
- ``entities``: one row per entity with its FtM JSON, for fast bulk reading (screening indexes are
  built from it in seconds) and a ``dprk`` flag for the DPRK scope.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from followthemoney import EntityProxy, model

from sever.errors import NotLoadedError, SeverError
from sever.home import Home

DEFAULT_SCOPE = "default"
DPRK_SCOPE = "dprk"

STORE_WAIT_SECONDS = 60.0
"""How long opening the store waits for another sever process that holds it (a ``lists load`` or
``lists update`` writing a snapshot) before giving up with a clear message. The environment
variable ``SEVER_STORE_WAIT_SECONDS`` overrides it."""
STORE_WAIT_ENV = "SEVER_STORE_WAIT_SECONDS"
_RETRY_PAUSE_SECONDS = 0.2

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS snapshot_seq START 1;
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id INTEGER PRIMARY KEY,
    dataset VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    published DATE,
    loaded_at TIMESTAMP NOT NULL,
    files VARCHAR NOT NULL,
    checksum VARCHAR NOT NULL,
    entity_count INTEGER NOT NULL,
    warnings VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS current_snapshots (
    dataset VARCHAR PRIMARY KEY,
    snapshot_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS statements (
    snapshot_id INTEGER NOT NULL,
    entity_id VARCHAR NOT NULL,
    schema VARCHAR NOT NULL,
    prop VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    snapshot_id INTEGER NOT NULL,
    entity_id VARCHAR NOT NULL,
    schema VARCHAR NOT NULL,
    caption VARCHAR NOT NULL,
    dprk BOOLEAN NOT NULL,
    data VARCHAR NOT NULL
);
"""

_STATEMENT_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("schema", pa.string()),
        ("prop", pa.string()),
        ("value", pa.string()),
    ]
)
_ENTITY_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("schema", pa.string()),
        ("caption", pa.string()),
        ("dprk", pa.bool_()),
        ("data", pa.string()),
    ]
)


@dataclass(frozen=True)
class Snapshot:
    """One loaded version of one dataset."""

    snapshot_id: int
    dataset: str
    source: str
    published: date | None
    loaded_at: datetime
    files: list[str]
    checksum: str
    entity_count: int
    warnings: list[str] = field(default_factory=list)
    current: bool = False

    @property
    def label(self) -> str:
        when = self.published.isoformat() if self.published else "undated"
        return f"{self.dataset}@{when} (#{self.snapshot_id})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot_id,
            "dataset": self.dataset,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "loaded_at": self.loaded_at.isoformat(),
            "files": self.files,
            "checksum": self.checksum,
            "entity_count": self.entity_count,
            "warnings": self.warnings,
            "current": self.current,
        }


def _payloads(entities: Sequence[EntityProxy]) -> list[str]:
    """Each entity as canonical FtM JSON (sorted keys): stored as is, and hashed."""
    return [json.dumps(e.to_dict(), sort_keys=True, ensure_ascii=False) for e in entities]


def _checksum(payloads: Iterable[str]) -> str:
    """A content hash of a snapshot, independent of the order the parser produced entities in."""
    digest = hashlib.sha256()
    for payload in sorted(payloads):
        digest.update(payload.encode())
    return digest.hexdigest()


class Store:
    """Versioned FtM snapshots in ``$SEVER_HOME/store.duckdb``.

    Open it with ``Store.open(home)`` (a context manager). Readers that serve long-lived requests
    (the API, a screening index) copy what they need into memory and close the store, so that a
    ``lists update`` in another process can take the write lock.
    """

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        if read_only and not path.exists():
            raise NotLoadedError(
                f"no sever store at {path}: run `sever lists load` or `sever lists update` first"
            )
        self.con = _connect(path, read_only)
        if not read_only:
            self.con.execute(_SCHEMA)

    @classmethod
    def open(cls, home: Home, read_only: bool = False) -> Store:
        return cls(home.store_path, read_only=read_only)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------------------

    def write_snapshot(
        self,
        dataset: str,
        source: str,
        entities: Sequence[EntityProxy],
        *,
        published: date | None,
        files: Sequence[str | Path],
        warnings: Sequence[str] = (),
        dprk_ids: set[str] | frozenset[str] = frozenset(),
    ) -> Snapshot:
        """Write one new snapshot and make it current, atomically.

        If an identical snapshot (same content checksum) is already current, nothing is written and
        that snapshot is returned: re-loading the same file is a no-op.
        """
        payloads = _payloads(entities)
        checksum = _checksum(payloads)
        current = self.current(dataset)
        if current is not None and current.checksum == checksum:
            return current
        loaded_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        seen_at = (
            datetime.combine(published, datetime.min.time()) if published is not None else loaded_at
        )
        statements, rows = _tables(entities, payloads, dprk_ids)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            (snapshot_id,) = con.execute("SELECT nextval('snapshot_seq')").fetchone()  # type: ignore[misc]
            con.execute(
                "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    snapshot_id,
                    dataset,
                    source,
                    published,
                    loaded_at,
                    json.dumps([str(f) for f in files]),
                    checksum,
                    len(entities),
                    json.dumps(list(warnings)),
                ],
            )
            con.register("new_statements", statements)
            previous_id = current.snapshot_id if current is not None else -1
            # Provenance: a value keeps the first_seen of the snapshot it first appeared in.
            con.execute(
                """
                INSERT INTO statements
                SELECT ?, n.entity_id, n.schema, n.prop, n.value, ?,
                       coalesce(p.first_seen, ?), ?
                FROM new_statements n
                LEFT JOIN (SELECT entity_id, prop, value, min(first_seen) AS first_seen
                           FROM statements WHERE snapshot_id = ?
                           GROUP BY ALL) p
                  ON n.entity_id = p.entity_id AND n.prop = p.prop AND n.value = p.value
                """,
                [snapshot_id, dataset, seen_at, seen_at, previous_id],
            )
            con.unregister("new_statements")
            con.register("new_entities", rows)
            con.execute(
                "INSERT INTO entities SELECT ?, entity_id, schema, caption, dprk, data "
                "FROM new_entities",
                [snapshot_id],
            )
            con.unregister("new_entities")
            con.execute(
                "INSERT OR REPLACE INTO current_snapshots VALUES (?, ?)", [dataset, snapshot_id]
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        snapshot = self.snapshot(snapshot_id)
        assert snapshot is not None
        return snapshot

    # -- snapshots --------------------------------------------------------------------------

    def snapshots(self, dataset: str | None = None) -> list[Snapshot]:
        """Every snapshot, oldest first."""
        where, params = ("WHERE s.dataset = ?", [dataset]) if dataset else ("", [])
        rows = self.con.execute(
            f"""
            SELECT s.*, c.snapshot_id IS NOT NULL AS current
            FROM snapshots s LEFT JOIN current_snapshots c ON s.snapshot_id = c.snapshot_id
            {where} ORDER BY s.snapshot_id
            """,
            params,
        ).fetchall()
        return [_snapshot(row) for row in rows]

    def snapshot(self, snapshot_id: int) -> Snapshot | None:
        for snap in self.snapshots():
            if snap.snapshot_id == snapshot_id:
                return snap
        return None

    def current(self, dataset: str) -> Snapshot | None:
        for snap in self.snapshots(dataset):
            if snap.current:
                return snap
        return None

    def current_snapshots(self) -> list[Snapshot]:
        return [s for s in self.snapshots() if s.current]

    def datasets(self) -> list[str]:
        """Names of the datasets in service: ``us_ofac_sdn``, ``un_sc_sanctions``, user lists…"""
        return sorted(s.dataset for s in self.current_snapshots())

    def scopes(self) -> list[str]:
        """Every name ``iter_entities`` accepts: ``default``, ``dprk`` and each dataset."""
        return [DEFAULT_SCOPE, DPRK_SCOPE, *self.datasets()]

    def resolve(self, ref: str) -> Snapshot:
        """A snapshot from a user's reference: ``7``, ``us_ofac_sdn`` (current),
        ``us_ofac_sdn@2022-04-12`` (the latest snapshot published that day) or ``us_ofac_sdn~1``
        (the one before the current)."""
        ref = ref.strip()
        if ref.isdigit():
            snap = self.snapshot(int(ref))
            if snap is None:
                raise NotLoadedError(f"no snapshot #{ref}; `sever lists status` lists them")
            return snap
        if "@" in ref:
            dataset, when = ref.split("@", 1)
            matches = [
                s
                for s in self.snapshots(dataset)
                if s.published and s.published.isoformat() == when
            ]
            if not matches:
                raise NotLoadedError(f"no snapshot of {dataset} published on {when}")
            return matches[-1]
        dataset, _, back = ref.partition("~")
        history = self.snapshots(dataset)
        current = self.current(dataset)
        if current is None:
            raise NotLoadedError(f"dataset {dataset!r} is not loaded; loaded: {self.datasets()}")
        steps = int(back) if back.isdigit() else 0
        ids = [s.snapshot_id for s in history]
        position = ids.index(current.snapshot_id) - steps
        if position < 0:
            raise NotLoadedError(f"{dataset} has no snapshot {steps} before the current one")
        return history[position]

    # -- reading entities -------------------------------------------------------------------

    def _scope_filter(self, scope: str) -> tuple[str, list[Any]]:
        if scope == DEFAULT_SCOPE:
            return "e.snapshot_id IN (SELECT snapshot_id FROM current_snapshots)", []
        if scope == DPRK_SCOPE:
            return "e.snapshot_id IN (SELECT snapshot_id FROM current_snapshots) AND e.dprk", []
        current = self.current(scope)
        if current is None:
            raise NotLoadedError(
                f"unknown dataset {scope!r}; choose one of: {', '.join(self.scopes())}"
            )
        return "e.snapshot_id = ?", [current.snapshot_id]

    def iter_entities(
        self, scope: str = DEFAULT_SCOPE, schemata: Sequence[str] | None = None
    ) -> Iterator[EntityProxy]:
        """Entities in service for a scope: ``default`` (all datasets), ``dprk``, or a dataset."""
        where, params = self._scope_filter(scope)
        if schemata:
            where += f" AND e.schema IN ({', '.join('?' for _ in schemata)})"
            params = [*params, *schemata]
        cursor = self.con.execute(f"SELECT e.data FROM entities e WHERE {where}", params)
        while batch := cursor.fetchmany(5000):
            for (data,) in batch:
                yield model.get_proxy(json.loads(data))

    def iter_records(self, scope: str = DEFAULT_SCOPE) -> Iterator[tuple[str, dict[str, Any]]]:
        """(dataset, FtM JSON dict with its caption) for each entity in service for a scope."""
        where, params = self._scope_filter(scope)
        cursor = self.con.execute(
            f"""SELECT s.dataset, e.caption, e.data FROM entities e
                JOIN snapshots s ON s.snapshot_id = e.snapshot_id WHERE {where}
                ORDER BY s.dataset, e.entity_id""",
            params,
        )
        while batch := cursor.fetchmany(5000):
            for dataset, caption, data in batch:
                record = json.loads(data)
                record["caption"] = caption
                yield dataset, record

    def snapshot_entities(
        self, snapshot_id: int, ids: Sequence[str] | None = None
    ) -> Iterator[EntityProxy]:
        """Entities of one snapshot (in service or not), optionally only those with these ids."""
        if ids is not None:
            cursor = self.con.execute(
                "SELECT data FROM entities WHERE snapshot_id = ? AND list_contains(?, entity_id)",
                [snapshot_id, list(ids)],
            )
        else:
            cursor = self.con.execute(
                "SELECT data FROM entities WHERE snapshot_id = ?", [snapshot_id]
            )
        while batch := cursor.fetchmany(5000):
            for (data,) in batch:
                yield model.get_proxy(json.loads(data))

    def get(self, entity_id: str, scope: str = DEFAULT_SCOPE) -> EntityProxy | None:
        where, params = self._scope_filter(scope)
        row = self.con.execute(
            f"SELECT e.data FROM entities e WHERE {where} AND e.entity_id = ? LIMIT 1",
            [*params, entity_id],
        ).fetchone()
        return model.get_proxy(json.loads(row[0])) if row else None

    def count(self, scope: str = DEFAULT_SCOPE) -> int:
        where, params = self._scope_filter(scope)
        (n,) = self.con.execute(f"SELECT count(*) FROM entities e WHERE {where}", params).fetchone()  # type: ignore[misc]
        return int(n)

    def relations(
        self, ids: Iterable[str] | None = None, scope: str = DEFAULT_SCOPE
    ) -> list[Relation]:
        """The relations between listed parties in service for a scope (ownership, control,
        ``Linked To``, family, associates, membership, directorship…), optionally only those
        with one of ``ids`` at either end."""
        wanted = set(ids) if ids is not None else None
        where, params = self._scope_filter(scope)
        schemata = list(RELATION_SCHEMATA)
        cursor = self.con.execute(
            f"""SELECT s.dataset, e.data FROM entities e
                JOIN snapshots s ON s.snapshot_id = e.snapshot_id
                WHERE {where} AND list_contains(?, e.schema) ORDER BY e.entity_id""",
            [*params, schemata],
        )
        found: list[Relation] = []
        while batch := cursor.fetchmany(5000):
            for dataset, data in batch:
                for relation in _relations(model.get_proxy(json.loads(data)), dataset):
                    if wanted is None or relation.subject in wanted or relation.object in wanted:
                        found.append(relation)
        return found

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read query against the store (status reports and diffs use this)."""
        return self.con.execute(query, list(params)).fetchall()


def store_wait_seconds() -> float:
    """The bounded wait for the store's lock: ``SEVER_STORE_WAIT_SECONDS`` or the default."""
    raw = os.environ.get(STORE_WAIT_ENV)
    if raw is None or not raw.strip():
        return STORE_WAIT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise SeverError(
            f"{STORE_WAIT_ENV} must be a number of seconds between 0 and 86400, not {raw!r}"
        )
    return seconds


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    """True when DuckDB refused the file because another process holds its lock."""
    message = str(exc)
    return "Could not set lock" in message or "Conflicting lock" in message


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting while another process holds it.

    DuckDB lets one process write a file, or several read it, never both: it answers a conflicting
    open at once with an IOException instead of waiting. A ``sever screen`` started while a
    ``lists load`` writes would then fail, so the open is retried until the lock is free or the
    bounded wait (``store_wait_seconds``) is over."""
    deadline = time.monotonic() + store_wait_seconds()
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_conflict(exc):
                raise SeverError(f"cannot open the store {path}: {exc}") from None
            if time.monotonic() >= deadline:
                raise SeverError(
                    f"the store {path} is held by another sever process (a list load or "
                    f"update?); waited {store_wait_seconds():g} s, try again when it has finished "
                    f"or raise {STORE_WAIT_ENV}"
                ) from None
            time.sleep(_RETRY_PAUSE_SECONDS)
        except duckdb.Error as exc:
            raise SeverError(f"cannot open the store {path}: {exc}") from None


def _tables(
    entities: Sequence[EntityProxy], payloads: list[str], dprk_ids: set[str] | frozenset[str]
) -> tuple[pa.Table, pa.Table]:
    """Arrow tables of statements and entity rows, for one fast bulk insert each."""
    st_ids: list[str] = []
    st_schema: list[str] = []
    st_prop: list[str] = []
    st_value: list[str] = []
    en_ids: list[str] = []
    en_schema: list[str] = []
    en_caption: list[str] = []
    en_dprk: list[bool] = []
    en_data: list[str] = []
    for entity, payload in zip(entities, payloads, strict=True):
        entity_id = entity.id
        if not entity_id:
            raise SeverError(f"a {entity.schema.name} entity has no id ({entity.caption})")
        schema = entity.schema.name
        for prop, value in entity.itervalues():
            st_ids.append(entity_id)
            st_schema.append(schema)
            st_prop.append(prop.name)
            st_value.append(value)
        en_ids.append(entity_id)
        en_schema.append(schema)
        en_caption.append(entity.caption)
        en_dprk.append(entity_id in dprk_ids)
        en_data.append(payload)
    statements = pa.table([st_ids, st_schema, st_prop, st_value], schema=_STATEMENT_SCHEMA)
    rows = pa.table([en_ids, en_schema, en_caption, en_dprk, en_data], schema=_ENTITY_SCHEMA)
    return statements, rows


def _snapshot(row: tuple[Any, ...]) -> Snapshot:
    (sid, dataset, source, published, loaded_at, files, checksum, count, warnings, current) = row
    return Snapshot(
        snapshot_id=sid,
        dataset=dataset,
        source=source,
        published=published,
        loaded_at=loaded_at,
        files=json.loads(files),
        checksum=checksum,
        entity_count=count,
        warnings=json.loads(warnings),
        current=bool(current),
    )


# -- relations between listed parties ---------------------------------------------------------

RELATION_SCHEMATA = (
    "Ownership",
    "Directorship",
    "UnknownLink",
    "Family",
    "Associate",
    "Membership",
    "Representation",
    "Employment",
    "Succession",
)
"""FtM link schemata the list parsers write; each has a source and a target party."""


@dataclass(frozen=True)
class Relation:
    """One relation between two listed parties, as a list states it."""

    relation_id: str
    subject: str
    """The owner, director, member, person… (the FtM schema's source end)."""
    object: str
    """The asset, organisation, relative… (the target end)."""
    kind: str
    """The FtM schema: ``Ownership``, ``UnknownLink``, ``Family``…"""
    role: str | None
    """The list's own words: ``Owned or Controlled By``, ``Linked To``, ``Associate Of``…"""
    percentage: float | None
    """The share (0–1) of an ownership, when the list gives one."""
    dataset: str
    """The list it comes from."""
    former: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "relation_id": self.relation_id,
            "subject": self.subject,
            "object": self.object,
            "kind": self.kind,
            "role": self.role,
            "percentage": self.percentage,
            "dataset": self.dataset,
            "former": self.former,
        }


def _relations(link: EntityProxy, dataset: str) -> Iterator[Relation]:
    """The relation(s) one FtM link entity states (one per source and target pair)."""
    schema = link.schema
    if schema.source_prop is None or schema.target_prop is None:
        return
    share = link.first("percentage", quiet=True)
    try:
        percentage = float(share.rstrip("% ")) / 100 if share else None
    except ValueError:
        percentage = None
    for subject in link.get(schema.source_prop):
        for target in link.get(schema.target_prop):
            yield Relation(
                relation_id=link.id or "",
                subject=subject,
                object=target,
                kind=schema.name,
                role=link.first("role", quiet=True),
                percentage=percentage,
                dataset=dataset,
                former="former" in [s.lower() for s in link.get("status", quiet=True)],
            )
