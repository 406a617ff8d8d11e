"""Where bulk tables are computed: DuckDB (embedded, the default) or Apache Spark.

Every difference between the two engines lives in this module; rules and features never ask which
engine they run on. Spark is imported only when the user chooses it, so ``import sever`` works
without PySpark or Java.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from sever.errors import InputError, SeverError

ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"
DEFAULT_SPARK_MASTER = "local[2]"
SPARK_SHUFFLE_PARTITIONS = 4


class EngineError(SeverError):
    """The chosen engine cannot start or cannot do what was asked; the message names the engine."""


@dataclass
class Engine:
    """One connection to one engine, and the few operations whose spelling differs between them."""

    name: str
    con: Any
    options: dict[str, Any] = field(default_factory=dict)
    _kept: int = 0

    def read(self, path: str | Path, fmt: str, header: Sequence[str] | None = None) -> ibis.Table:
        """Open a Parquet or CSV file (or a folder or glob of them) as a table, lazily.

        A CSV file is read as text with the given ``header`` (its first row, read beforehand),
        strictly: a row with more or fewer cells, or a quote never closed, is an error. Left to
        guess, DuckDB's sniffer can take a ragged row for the header and skip every row above it.
        """
        path = str(path)
        if fmt == "parquet":
            return self.con.read_parquet(path)
        if fmt == "csv":
            if self.name == "spark":
                # Spark infers nothing by default; read text and let the contract cast it. It
                # would replace bytes that are not UTF-8 and pad or cut ragged rows: refuse both.
                check_utf8(Path(path))
                return self.con.read_csv(path, header=True, inferSchema=False, mode="FAILFAST")
            return self._duckdb_csv(path, header or ())
        raise EngineError(f"{self.name}: cannot read {fmt!r} files (use parquet or csv)")

    def _duckdb_csv(self, path: str, header: Sequence[str]) -> ibis.Table:
        """A CSV file on DuckDB, every column text, nothing guessed. Through DuckDB's own reader:
        Ibis's would write the column names into SQL, where a ``'`` in a header breaks it."""
        relation = self.con.con.read_csv(
            path,
            header=True,
            sep=",",
            quotechar='"',
            escapechar='"',
            columns=dict.fromkeys(header, "VARCHAR"),
            auto_detect=False,
            strict_mode=True,
            null_padding=False,
        )
        self._kept += 1
        name = f"sever_csv_{id(self):x}_{self._kept}"
        relation.to_view(name)
        return self.con.table(name)

    def table(self, frame: pd.DataFrame | Any) -> ibis.Table:
        """A small in-memory table (pandas or Arrow) usable in expressions on this engine."""
        return ibis.memtable(frame)

    def keep(self, table: ibis.Table) -> ibis.Table:
        """Compute a table once and keep it for the rest of the run (rules read it many times)."""
        self._kept += 1
        name = f"sever_kept_{id(self):x}_{self._kept}"
        try:
            if self.name == "spark":
                # Spark has no temporary tables in Ibis: name the query, then persist it.
                return self.con.create_view(name, table, overwrite=True).cache()
            return self.con.create_table(name, table, temp=True)
        except Exception as exc:  # the engine's own error types differ; name the engine
            raise EngineError(
                f"{self.name} could not keep an intermediate table: {first_line(exc)}"
            ) from None

    def to_pandas(self, table: ibis.Table) -> pd.DataFrame:
        """Run an expression on this engine and bring the (small) result back."""
        try:
            return self.con.to_pandas(table)
        except Exception as exc:  # the engine's own error types differ; name the engine
            raise EngineError(f"{self.name} failed: {first_line(exc)}") from None

    def close(self) -> None:
        """Release the engine (Spark keeps its session for the process; DuckDB closes)."""
        if self.name == "duckdb":
            self.con.disconnect()


def first_line(exc: BaseException) -> str:
    """An engine's error in one line: DuckDB and Spark add context lines, SQL and Java stacks.

    DuckDB's CSV errors say what was wrong on a later line; that line is kept (never the
    offending row itself, which may hold personal data).
    """
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    if any("[MALFORMED_CSV_RECORD]" in line for line in lines):
        return (
            "malformed CSV record: a row with more or fewer cells than the header, "
            "or a quote never closed"
        )
    said = [line for line in lines[1:] if line.startswith(_CSV_PROBLEMS)]
    return "; ".join([lines[0], *said[:1]])[:500]


_CSV_PROBLEMS = ("Expected Number of Columns", "Value with unterminated quote", "Invalid unicode")


UTF8_CHUNK = 1 << 20


def check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, naming the line and byte (read in chunks: files may be
    large)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = line = 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(UTF8_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                # The decoder may hold the first bytes of a character from the last chunk.
                bad = exc.start - (len(exc.object) - len(chunk))
                raise InputError(
                    path,
                    f"byte {exc.object[exc.start]:#04x} is not valid UTF-8 text; convert the "
                    "file to UTF-8 (e.g. iconv -f latin1 -t utf-8)",
                    row=line + chunk.count(b"\n", 0, max(bad, 0)) + 1,
                    offset=offset + bad,
                ) from None
            if not chunk:
                return
            offset += len(chunk)
            line += chunk.count(b"\n")


def connect(
    name: str = DEFAULT_ENGINE,
    *,
    master: str | None = None,
    threads: int | None = None,
) -> Engine:
    """Start the named engine: ``duckdb`` in process, or ``spark`` on ``master``.

    ``master`` is a Spark master URL (``local[2]`` by default, ``spark://host:7077`` for a cluster);
    it can also come from ``$SEVER_SPARK_MASTER``. ``threads`` caps DuckDB's worker threads and
    ``$SEVER_DUCKDB_MEMORY`` its memory.
    """
    if name == "duckdb":
        settings: dict[str, Any] = {"memory_limit": _duckdb_memory()}
        if threads:
            settings["threads"] = threads
        con = ibis.duckdb.connect(**settings)
        # Text without an offset means UTC, whatever the machine's own zone is.
        con.raw_sql("SET TimeZone = 'UTC'")
        return Engine("duckdb", con, {"threads": threads})
    if name == "spark":
        url = master or os.environ.get("SEVER_SPARK_MASTER") or DEFAULT_SPARK_MASTER
        return Engine("spark", ibis.pyspark.connect(_spark_session(url)), {"master": url})
    raise EngineError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


def _duckdb_memory() -> str:
    """DuckDB's memory cap: ``$SEVER_DUCKDB_MEMORY`` (e.g. ``8GB``), else 40 % of this machine.

    DuckDB's own default is 80 %; a shared machine needs room for others, and DuckDB spills
    to disk beyond the cap rather than failing.
    """
    explicit = os.environ.get("SEVER_DUCKDB_MEMORY")
    if explicit:
        return explicit
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(1, int(total * 0.4 / 2**30))}GB"


def _spark_session(master: str) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(
            "spark: PySpark is not installed; install it with `pip install 'sever[spark]'`"
        ) from exc
    try:
        session = (
            SparkSession.builder.master(master)
            .appName("sever")
            .config("spark.sql.shuffle.partitions", SPARK_SHUFFLE_PARTITIONS)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.driver.memory", os.environ.get("SEVER_SPARK_DRIVER_MEMORY", "2g"))
            .getOrCreate()
        )
    except Exception as exc:  # Java missing, master unreachable
        raise EngineError(f"spark: cannot start a session on {master}: {first_line(exc)}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_available() -> bool:
    """Whether PySpark and a Java runtime are present (tests skip Spark cleanly when not)."""
    import importlib.util
    import shutil

    has_java = bool(os.environ.get("JAVA_HOME")) or shutil.which("java") is not None
    return importlib.util.find_spec("pyspark") is not None and has_java
