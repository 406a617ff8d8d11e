"""Merge decisions: which records are one identity, who said so, when and why; every one undoable.

A decision judges a pair of records, by id, with nomenklatura's vocabulary (the values of its
``Judgement``; not imported, as importing nomenklatura loads 800 modules): ``positive`` (the
same person or company), ``negative`` (not the same), ``unsure`` (left for an analyst). Two
relations are judged:
``same_as`` (two records of the graph: a registry director, a bank customer, an HR record) and
``list_link`` (a record and a list entity, proposed by the screening matcher). Each decision keeps
its score, its reasons in words, who made it (a user, or ``sever`` for the automatic ones) and
when.

Decisions are never overwritten. A new decision on a pair retires the live one and remembers it
(``supersedes``); ``undo`` retires a decision and brings back the one it replaced, so undoing is
exact: the pair is judged as it was before. Every write is one DuckDB transaction, so a run that
is interrupted keeps every batch it committed and nothing half-written.

Why not nomenklatura's ``Resolver`` itself: it keeps its table through SQLAlchemy in SQLite or
PostgreSQL (the home's graph is DuckDB, and there is no DuckDB dialect installed), writes one row
per statement with a read before each (slow for the hundreds of thousands of automatic decisions
a registry of a million parties can yield), has no column for the reasons of a decision, and
answers a positive judgement by rewriting both records onto a new ``NK-`` id, so one decision can
no longer be undone on its own. The semantics are kept: the same judgements, user and timestamp
per decision, soft deletion instead of erasure, and identities as the connected components of
the positive judgements (:func:`sever.network.identities.identity_map`).
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from sever.errors import SeverError
from sever.home import Home

STORE_FILE = "network/decisions.duckdb"
"""Where the decisions live, under the home (apart from the graph, which each build replaces)."""

AUTOMATIC = "sever"
"""The ``decided_by`` of a decision made by the automatic resolution."""

RELATIONS = ("same_as", "list_link")
JUDGEMENTS = ("positive", "negative", "unsure")

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS decision_ids START 1;
CREATE TABLE IF NOT EXISTS decisions (
    decision_id BIGINT PRIMARY KEY DEFAULT nextval('decision_ids'),
    relation VARCHAR NOT NULL,
    left_id VARCHAR NOT NULL,
    right_id VARCHAR NOT NULL,
    judgement VARCHAR NOT NULL,
    score DOUBLE,
    reasons VARCHAR NOT NULL,
    decided_by VARCHAR NOT NULL,
    decided_at VARCHAR NOT NULL,
    supersedes BIGINT,
    live BOOLEAN NOT NULL,
    retired_at VARCHAR,
    retired_by VARCHAR,
    retired_how VARCHAR
);
"""


@dataclass(frozen=True)
class Decision:
    """One judgement on a pair of records, with its reasons and its history."""

    decision_id: int
    relation: str
    left_id: str
    right_id: str
    judgement: str
    score: float | None
    reasons: tuple[str, ...]
    decided_by: str
    decided_at: str
    """UTC, ISO 8601 (as nomenklatura keeps it)."""
    supersedes: int | None
    live: bool
    retired_at: str | None = None
    retired_by: str | None = None
    retired_how: str | None = None
    """``replaced`` (by a later decision on the pair) or ``undone``."""

    @property
    def automatic(self) -> bool:
        return self.decided_by == AUTOMATIC

    def words(self) -> str:
        """``positive (sever, 2026-12-02 03:10 UTC, score 0.97): same name …; same e-mail …``."""
        who = "automatic" if self.automatic else self.decided_by
        when = f"{self.decided_at[:16].replace('T', ' ')} UTC"
        score = f", score {self.score:.2f}" if self.score is not None else ""
        return f"{self.judgement} ({who}, {when}{score}): {'; '.join(self.reasons)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "relation": self.relation,
            "left_id": self.left_id,
            "right_id": self.right_id,
            "judgement": self.judgement,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
            "decided_by": self.decided_by,
            "automatic": self.automatic,
            "decided_at": self.decided_at,
            "supersedes": self.supersedes,
            "live": self.live,
            "retired_at": self.retired_at,
            "retired_by": self.retired_by,
            "retired_how": self.retired_how,
        }


@dataclass(frozen=True)
class Proposal:
    """An automatic judgement to record: the pair, the verdict, the score and the reasons."""

    relation: str
    left_id: str
    right_id: str
    judgement: str
    score: float | None
    reasons: tuple[str, ...]


_PROPOSED = (
    "relation",
    "left_id",
    "right_id",
    "judgement",
    "score",
    "reasons",
    "decided_by",
    "decided_at",
)
_PROPOSED_SCHEMA = pa.schema(
    [(name, pa.float64() if name == "score" else pa.string()) for name in _PROPOSED]
)

_COLUMNS = (
    "decision_id, relation, left_id, right_id, judgement, score, reasons, decided_by, "
    "decided_at, supersedes, live, retired_at, retired_by, retired_how"
)


def _decision(row: tuple) -> Decision:
    values = list(row)
    values[6] = tuple(json.loads(values[6]))
    return Decision(*values)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def ordered(left: str, right: str) -> tuple[str, str]:
    """A pair in the order it is stored (a decision on A, B is the one on B, A)."""
    if left == right:
        raise SeverError(f"a record cannot be judged against itself: {left!r}")
    return (left, right) if left < right else (right, left)


def store_path(home: Home) -> Path:
    """The decision store of ``home`` (its folder is created)."""
    path = home.root / STORE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class MergeStore:
    """The merge decisions of one home, in a DuckDB file of their own."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        try:
            if read_only and not path.exists():
                self.con = duckdb.connect(":memory:")
            else:
                self.con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            raise SeverError(
                f"{path}: the decision store is in use by another sever process ({exc})"
            ) from None
        if not read_only or not path.exists():
            self.con.execute(_SCHEMA)

    @classmethod
    def of(cls, home: Home, *, read_only: bool = False) -> MergeStore:
        return cls(store_path(home), read_only=read_only)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> MergeStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- reading ---------------------------------------------------------------------------

    def get(self, decision_id: int) -> Decision:
        row = self.con.execute(
            f"SELECT {_COLUMNS} FROM decisions WHERE decision_id = ?", [decision_id]
        ).fetchone()
        if row is None:
            raise SeverError(f"no decision {decision_id} in {self.path}")
        return _decision(row)

    def live(self, relation: str | None = None, judgement: str | None = None) -> list[Decision]:
        """The decisions in force, newest first; of one relation or judgement when given."""
        sql = f"SELECT {_COLUMNS} FROM decisions WHERE live"
        args: list[Any] = []
        if relation is not None:
            sql += " AND relation = ?"
            args.append(relation)
        if judgement is not None:
            sql += " AND judgement = ?"
            args.append(judgement)
        rows = self.con.execute(sql + " ORDER BY decision_id DESC", args).fetchall()
        return [_decision(row) for row in rows]

    def history(self, record_id: str) -> list[Decision]:
        """Every decision, in force or retired, that names ``record_id``, oldest first."""
        rows = self.con.execute(
            f"SELECT {_COLUMNS} FROM decisions WHERE ? IN (left_id, right_id) ORDER BY decision_id",
            [record_id],
        ).fetchall()
        return [_decision(row) for row in rows]

    def positive_pairs(self, relation: str = "same_as") -> list[tuple[str, str, int]]:
        """The pairs judged the same, with the deciding decision's id."""
        return self.con.execute(
            "SELECT left_id, right_id, decision_id FROM decisions "
            "WHERE live AND relation = ? AND judgement = 'positive' ORDER BY decision_id",
            [relation],
        ).fetchall()

    def judged(self, relation: str) -> dict[tuple[str, str], str]:
        """Pair → the judgement in force, for every pair with one."""
        rows = self.con.execute(
            "SELECT left_id, right_id, judgement FROM decisions WHERE live AND relation = ?",
            [relation],
        ).fetchall()
        return {(left, right): judgement for left, right, judgement in rows}

    def ever_judged(self, relation: str) -> set[tuple[str, str]]:
        """Every pair that has been judged, even if the judgement was undone since: automatic
        resolution leaves these to the analyst."""
        rows = self.con.execute(
            "SELECT DISTINCT left_id, right_id FROM decisions WHERE relation = ?", [relation]
        ).fetchall()
        return {(left, right) for left, right in rows}

    # -- writing ---------------------------------------------------------------------------

    def record_automatic(self, proposals: Iterable[Proposal], batch: int = 10_000) -> int:
        """Record automatic judgements on pairs never judged before, ``batch`` per transaction
        (an interrupted run keeps the batches already committed). Returns how many were new."""
        known = {relation: self.ever_judged(relation) for relation in RELATIONS}
        fresh: list[tuple] = []
        now = _now()
        for proposal in proposals:
            pair = ordered(proposal.left_id, proposal.right_id)
            if pair in known[proposal.relation]:
                continue
            known[proposal.relation].add(pair)
            fresh.append(
                (
                    proposal.relation,
                    *pair,
                    proposal.judgement,
                    proposal.score,
                    json.dumps(list(proposal.reasons)),
                    AUTOMATIC,
                    now,
                )
            )
        for start in range(0, len(fresh), batch):
            # One Arrow table per batch: DuckDB runs executemany row by row (a minute for a few
            # thousand rows on a busy machine).
            rows = pa.Table.from_pylist(
                [dict(zip(_PROPOSED, row, strict=True)) for row in fresh[start : start + batch]],
                schema=_PROPOSED_SCHEMA,
            )
            with self._transaction() as con:
                con.register("proposed", rows)
                con.execute(
                    f"INSERT INTO decisions ({', '.join(_PROPOSED)}, live) "
                    f"SELECT {', '.join(_PROPOSED)}, true FROM proposed"
                )
                con.unregister("proposed")
        return len(fresh)

    def decide(
        self,
        left: str,
        right: str,
        judgement: str,
        *,
        why: str,
        user: str | None = None,
        relation: str = "same_as",
    ) -> Decision:
        """An analyst's judgement on a pair; it retires the one in force (kept, undoable)."""
        if judgement not in JUDGEMENTS:
            raise SeverError(f"judgement must be one of {', '.join(JUDGEMENTS)}, not {judgement!r}")
        if relation not in RELATIONS:
            raise SeverError(f"relation must be one of {', '.join(RELATIONS)}, not {relation!r}")
        if not why.strip():
            raise SeverError("say why (--why): a decision without its reason cannot be reviewed")
        pair = ordered(left, right)
        who = user or getpass.getuser()
        if who == AUTOMATIC:
            raise SeverError(f"{AUTOMATIC!r} is the automatic resolver's name; give your own")
        now = _now()
        with self._transaction() as con:
            current = con.execute(
                "SELECT decision_id FROM decisions WHERE live AND relation = ? "
                "AND left_id = ? AND right_id = ?",
                [relation, *pair],
            ).fetchone()
            previous = current[0] if current else None
            if previous is not None:
                con.execute(
                    "UPDATE decisions SET live = false, retired_at = ?, retired_by = ?, "
                    "retired_how = 'replaced' WHERE decision_id = ?",
                    [now, who, previous],
                )
            (decision_id,) = con.execute(
                "INSERT INTO decisions (relation, left_id, right_id, judgement, score, reasons, "
                "decided_by, decided_at, supersedes, live) "
                "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, true) RETURNING decision_id",
                [relation, *pair, judgement, json.dumps([why.strip()]), who, now, previous],
            ).fetchone()
        return self.get(decision_id)

    def undo(self, decision_id: int, *, user: str | None = None) -> Decision | None:
        """Retire a decision in force and bring back the one it replaced (returned; None when it
        replaced nothing, so the pair is undecided again)."""
        decision = self.get(decision_id)
        if not decision.live:
            how = decision.retired_how or "retired"
            raise SeverError(
                f"decision {decision_id} is not in force ({how} by {decision.retired_by} at "
                f"{decision.retired_at}); only the decision in force on a pair can be undone"
            )
        now = _now()
        with self._transaction() as con:
            con.execute(
                "UPDATE decisions SET live = false, retired_at = ?, retired_by = ?, "
                "retired_how = 'undone' WHERE decision_id = ?",
                [now, user or getpass.getuser(), decision_id],
            )
            if decision.supersedes is not None:
                con.execute(
                    "UPDATE decisions SET live = true, retired_at = NULL, retired_by = NULL, "
                    "retired_how = NULL WHERE decision_id = ?",
                    [decision.supersedes],
                )
        return self.get(decision.supersedes) if decision.supersedes is not None else None
