"""$SEVER_HOME: the one directory that holds all state (store, indexes, snapshots, models, logs).

Two homes never interfere, so tests and users can run side by side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sever.errors import SeverError

HOME_ENV = "SEVER_HOME"
DEFAULT_HOME = Path("~/.sever")


@dataclass(frozen=True)
class Home:
    """Paths inside one sever home. Directories are created on first use."""

    root: Path

    @classmethod
    def resolve(cls, explicit: str | Path | None = None) -> Home:
        """The home named by ``--home``, else ``$SEVER_HOME``, else ``~/.sever``."""
        raw = explicit or os.environ.get(HOME_ENV) or DEFAULT_HOME
        root = Path(raw).expanduser().resolve()
        if root.exists() and not root.is_dir():
            raise SeverError(f"{root}: is a file; the sever home (--home, $SEVER_HOME) is a folder")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SeverError(
                f"{root}: cannot create the sever home (--home, $SEVER_HOME): {exc.strerror or exc}"
            ) from None
        return cls(root)

    def _dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def store_path(self) -> Path:
        """The embedded DuckDB entity store (statements and snapshots)."""
        return self.root / "store.duckdb"

    @property
    def downloads(self) -> Path:
        """Official files fetched by ``sever lists update``, kept with their HTTP validators."""
        return self._dir("downloads")

    @property
    def indexes(self) -> Path:
        """Screening indexes built from snapshots."""
        return self._dir("indexes")

    @property
    def models(self) -> Path:
        """Trained models (monitor scorer, screening calibration)."""
        return self._dir("models")

    @property
    def state(self) -> Path:
        """Bookkeeping for incremental runs (e.g. monitor's last-seen watermark)."""
        return self._dir("state")

    @property
    def logs(self) -> Path:
        return self._dir("logs")
