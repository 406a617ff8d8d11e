"""Fixtures for the cases store: the same tests on SQLite and on a real PostgreSQL server.

The PostgreSQL server is a throwaway cluster that this fixture creates in a temporary folder
(``initdb``, then ``pg_ctl start`` on a free port and a private socket folder) and removes at the
end of the session. PostgreSQL refuses to run as root, so when the tests run as root the cluster
runs as the ``postgres`` user that Debian's package creates (``runuser``). Without the server
binaries the PostgreSQL half is skipped, except under CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.home import Home

ADMIN = Actor("ada", "admin")
ANALYST = Actor("ann", "analyst")
REVIEWER = Actor("rob", "reviewer")
VIEWER = Actor("val", "viewer")


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for this session; yields its URL without a database."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        message = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found; `make system` installs them"
        )
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the PostgreSQL suite)")
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="sever-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        shutil.chown(folder, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    quiet = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run([*run_as, initdb, "-D", str(data), "-A", "trust", "-U", "sever",
                    "--no-sync", "-E", "UTF8"], **quiet)  # fmt: skip
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=200"
    )
    subprocess.run([*run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"),
                    "-w", "start"], **quiet)  # fmt: skip
    try:
        yield f"postgresql://sever@127.0.0.1:{port}"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


_databases = count(1)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite store migrated once, copied for each test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "cases.db"
    CaseStore.open(Home.resolve(path.parent / "home"), f"sqlite:///{path}").close()
    return path


@pytest.fixture(scope="session")
def _postgres_database(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One PostgreSQL database migrated once for the session, emptied before each test (creating
    a database per test costs a second each)."""
    import psycopg

    name = f"cases_{os.getpid()}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    home = Home.resolve(tmp_path_factory.mktemp("pg") / "home")
    CaseStore.open(home, f"{postgres_server}/{name}").close()
    return f"{postgres_server}/{name}"


def new_postgres_database(server: str) -> str:
    """A new, empty PostgreSQL database on ``server`` (nothing migrated)."""
    import psycopg

    name = f"cases_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


TABLES = "audit, findings, case_subjects, notes, attachments, decisions, suppressions, cases, users"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL holding an empty, migrated store: a fresh SQLite file, or the session's
    PostgreSQL database emptied."""
    if request.param == "sqlite":
        path = tmp_path / "cases.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    import psycopg

    url = request.getfixturevalue("_postgres_database")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
        connection.execute("UPDATE audit_head SET seq = 0, hash = %s", ["0" * 64])
    return url


@pytest.fixture
def store(database: str, home: Home) -> Iterator[CaseStore]:
    """A migrated cases store on ``database`` over a fresh home."""
    opened = CaseStore.open(home, database)
    yield opened
    opened.close()
