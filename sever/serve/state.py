"""The server's in-memory screening index, refreshed when the lists in service change.

DuckDB allows one writer process, so the server never keeps the store open: it copies what it
needs into the index and closes it. When the store file changes (a ``sever lists update`` ran),
the next request re-opens it read-only, compares the snapshot checksums, and swaps in a new index.
If the store is busy (a writer holds it), the current index keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time

from sever.errors import SeverError
from sever.home import Home
from sever.lists import ensure_loaded
from sever.screen.index import ScreeningIndex, current_fingerprint, load_index

CHECK_INTERVAL_S = 5.0
"""How often, at most, a request checks whether the store changed."""

log = logging.getLogger("sever.serve")


class IndexHolder:
    """Holds the current index; ``get()`` loads it on first use and refreshes it when stale."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self._index: ScreeningIndex | None = None
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._store_mtime: float | None = None

    def get(self) -> ScreeningIndex:
        index = self._index
        if index is None:
            return self.reload()
        if time.monotonic() - self._checked_at > CHECK_INTERVAL_S:
            self._refresh_if_changed(index)
        return self._index or index

    def reload(self, force: bool = False) -> ScreeningIndex:
        """Load (or, with ``force``, rebuild) the index for the snapshots in service."""
        with self._lock:
            if self._index is not None and not force:
                return self._index
            ensure_loaded(self.home)
            self._store_mtime = self._mtime()
            self._index = load_index(self.home, rebuild=force)
            self._checked_at = time.monotonic()
            log.info("screening index ready: %d entities", len(self._index.entries))
            return self._index

    def _mtime(self) -> float | None:
        path = self.home.store_path
        return path.stat().st_mtime if path.exists() else None

    def _refresh_if_changed(self, index: ScreeningIndex) -> None:
        self._checked_at = time.monotonic()
        if self._mtime() == self._store_mtime:
            return
        with self._lock:
            try:
                fingerprint = current_fingerprint(self.home)
                self._store_mtime = self._mtime()
                if fingerprint != index.fingerprint:
                    self._index = load_index(self.home)
                    log.info("lists changed: screening index reloaded")
            except SeverError as exc:
                log.warning("store busy, serving the current index: %s", exc)
