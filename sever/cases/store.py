"""The operational store: one SQLAlchemy engine over SQLite (default) or PostgreSQL.

The database is ``$SEVER_HOME/cases.db`` unless ``--database URL`` or ``SEVER_DATABASE_URL``
names another (``postgresql://user@host/db``; the psycopg 3 driver is used). Its schema is brought
to the newest migration the first time a process opens it.

Every change runs in one transaction that first locks the audit chain's head row (``SELECT … FOR
UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite, which locks the whole file): changes are
serialised, each appends its audit records, and a crash leaves either all of it or none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from sever.cases import audit
from sever.cases.models import AuditHead
from sever.cases.roles import Actor
from sever.errors import SeverError
from sever.home import Home

DATABASE_ENV = "SEVER_DATABASE_URL"
DATABASE_FILE = "cases.db"
SQLITE_WAIT_SECONDS = 60.0
"""How long a SQLite writer waits for another to finish before giving up."""

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(SeverError):
    """The store cannot be opened or used (a bad URL, a server that does not answer)."""


def database_url(home: Home, explicit: str | None = None) -> str:
    """``--database``, else ``$SEVER_DATABASE_URL``, else SQLite in the home."""
    raw = explicit or os.environ.get(DATABASE_ENV)
    if not raw:
        return f"sqlite:///{home.root / DATABASE_FILE}"
    for plain in ("postgresql://", "postgres://"):
        if raw.startswith(plain):
            return "postgresql+psycopg://" + raw[len(plain) :]
    return raw


def store_exists(home: Home, explicit: str | None = None) -> bool:
    """Whether there may be a store to read: a database URL is given, or the home's SQLite file
    exists. Lets readers skip a home that never had cases without creating one."""
    return bool(explicit or os.environ.get(DATABASE_ENV)) or (home.root / DATABASE_FILE).exists()


def shown(url: str) -> str:
    """A URL safe to print: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unreadable URL>"


def now() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    """A stored time as UTC (SQLite gives times back without their zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass
class Writer:
    """One open change: the session, the locked chain head and the acting user."""

    session: Session
    head: AuditHead
    actor: Actor

    def audit(self, action: str, target: str, payload: dict[str, Any]) -> None:
        """Append one record to the audit chain, in this change's transaction."""
        audit.append(self.session, self.head, self.actor.name, action, target, payload)


class CaseStore:
    """The cases store over one database; open it with :meth:`open`."""

    def __init__(self, engine: Engine, home: Home) -> None:
        self.engine = engine
        self.home = home
        # Made once: deriving it per read cost a tenth of a millisecond, on every web page.
        self._reader = engine.execution_options(**{READ_ONLY: True})

    @classmethod
    def open(cls, home: Home, url: str | None = None) -> CaseStore:
        """Connect, and migrate the schema to the newest version on first use."""
        resolved = database_url(home, url)
        try:
            engine = _engine(resolved)
            store = cls(engine, home)
            store.migrate()
        except (ArgumentError, SQLAlchemyError, ImportError) as exc:
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
            raise StoreError(
                f"cases database {shown(resolved)} (--database, {DATABASE_ENV}): {reason}"
            ) from None
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest migration (nothing to do when it is there)."""
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        newest = ScriptDirectory.from_config(config).get_current_head()
        if self._revision() == newest:
            return
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def _revision(self) -> str | None:
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (on SQLite it does not take the write lock; see ``_begin``)."""
        with Session(self._reader, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def write(self, actor: Actor) -> Iterator[Writer]:
        """One change by ``actor``: committed whole with its audit records, or not at all."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            head = session.execute(
                select(AuditHead).where(AuditHead.id == 1).with_for_update()
            ).scalar_one()
            yield Writer(session, head, actor)

    def close(self) -> None:
        self.engine.dispose()


READ_ONLY = "sever_read_only"
"""Execution option marking the connections of ``CaseStore.read`` sessions."""


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_WAIT_SECONDS, "check_same_thread": False},
        pool_size=10,
        max_overflow=20,
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not sqlite3, says BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock at the start: two writers never read the same state and
        # then both write (SQLite's default BEGIN would fail one of them at its first write).
        # A reader takes no lock: under WAL it reads its snapshot beside the writer, and readers
        # taking the write lock queued every page of the web app behind one another.
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine
