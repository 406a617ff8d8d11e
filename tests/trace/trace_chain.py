"""A hand-made chain for trace tests: transfers written the way ethereum-etl would export them,
with hours since a fixed start for times, and tags written as the analyst's CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from sever.tables.engine import Engine, connect
from sever.trace.run import TraceResult, TraceSettings, trace
from sever.trace.tags import Tags, read_user_csv
from sever.trace.transfers import load_transfers

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def addr(name: str) -> str:
    """A distinct EVM address for a readable name (``addr('thief')``)."""
    digits = "".join(f"{ord(c):02x}" for c in name)[:40]
    return "0x" + digits.rjust(40, "0")


@dataclass
class Chain:
    """Transfers and tags under construction; ``trace`` writes them and runs a trace."""

    folder: Path
    rows: list[dict] = field(default_factory=list)
    tag_rows: list[dict] = field(default_factory=list)

    def send(
        self, src: str, dst: str, value: float, hours: float, asset: str = "ETH", **extra: object
    ) -> str:
        """One transfer ``value`` of ``asset`` from ``src`` to ``dst`` at ``hours`` after T0."""
        tx = "0x" + f"{len(self.rows) + 1:064x}"
        self.rows.append(
            {
                "transaction_hash": extra.pop("tx", tx),
                "block_timestamp": (T0 + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S"),
                "from_address": addr(src) if not src.startswith("0x") else src,
                "to_address": addr(dst) if not dst.startswith("0x") else dst,
                "value": value,
                "asset": asset,
                "block_number": 1000 + len(self.rows),
                **extra,
            }
        )
        return self.rows[-1]["transaction_hash"]

    def tag(self, name: str, service: str, category: str) -> None:
        self.tag_rows.append({"address": addr(name), "service": service, "category": category})

    def write(self, name: str = "transfers.csv") -> Path:
        path = self.folder / name
        frame = pd.DataFrame(self.rows)
        if path.suffix == ".parquet":
            frame.to_parquet(path)
        else:
            frame.to_csv(path, index=False)
        return path

    def write_tags(self) -> Path:
        path = self.folder / "tags.csv"
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, ["address", "service", "category"])
            writer.writeheader()
            writer.writerows(self.tag_rows)
        return path

    def tags(self) -> Tags:
        return Tags(read_user_csv(self.write_tags())) if self.tag_rows else Tags()

    def trace(self, *sources: str, **settings: object) -> TraceResult:
        """Trace from named sources (or hashes) with ``settings`` (TraceSettings fields)."""
        settings.setdefault("min_usd", 0.0)
        with engine_for() as engine:
            loaded = load_transfers(engine, [self.write()])
            starts = tuple(s if s.startswith("0x") else addr(s) for s in sources)
            return trace(loaded, TraceSettings(starts, **settings), self.tags())  # type: ignore[arg-type]


class engine_for:
    """A DuckDB engine closed after use."""

    def __enter__(self) -> Engine:
        self.engine = connect(threads=1)
        return self.engine

    def __exit__(self, *exc: object) -> None:
        self.engine.close()


def traced(result: TraceResult, name: str) -> float:
    """Traced value an address received (0 when it received none)."""
    rows = result.addresses[result.addresses.address.str.lower() == addr(name)]
    return float(rows.traced_value.sum())
