"""Where bulk tables are computed: DuckDB (embedded, the default) or Apache Spark.

Every difference between the two engines lives in this module; rules and features never ask which
engine they run on. Spark is imported only when the user chooses it, so ``import sever`` works
without PySpark or Java.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from sever.errors import SeverError

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

    def read(self, path: str | Path, fmt: str) -> ibis.Table:
        """Open a Parquet or CSV file (or a folder or glob of them) as a table, lazily."""
        path = str(path)
        if fmt == "parquet":
            return self.con.read_parquet(path)
        if fmt == "csv":
            if self.name == "spark":
                # Spark infers nothing by default; read text and let the contract cast it.
                return self.con.read_csv(path, header=True, inferSchema=False)
            return self.con.read_csv(path, all_varchar=True)
        raise EngineError(f"{self.name}: cannot read {fmt!r} files (use parquet or csv)")

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
            raise EngineError(f"{self.name} could not keep an intermediate table: {exc}") from exc

    def to_pandas(self, table: ibis.Table) -> pd.DataFrame:
        """Run an expression on this engine and bring the (small) result back."""
        try:
            return self.con.to_pandas(table)
        except Exception as exc:  # the engine's own error types differ; name the engine
            raise EngineError(f"{self.name} failed: {exc}") from exc

    def close(self) -> None:
        """Release the engine (Spark keeps its session for the process; DuckDB closes)."""
        if self.name == "duckdb":
            self.con.disconnect()


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
        raise EngineError(f"spark: cannot start a session on {master}: {exc}") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_available() -> bool:
    """Whether PySpark and a Java runtime are present (tests skip Spark cleanly when not)."""
    import importlib.util
    import shutil

    has_java = bool(os.environ.get("JAVA_HOME")) or shutil.which("java") is not None
    return importlib.util.find_spec("pyspark") is not None and has_java
