"""The server's in-memory screening index, refreshed when the lists in service change.

DuckDB allows one writer process, so the server never keeps the store open: it copies what it
needs into the index and closes it. When the store file changes (a ``sever lists update`` ran),
the next request re-opens it read-only, compares the snapshot checksums, and swaps in a new index.
If the store is busy (a writer holds it), the current index keeps serving.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

from starlette.concurrency import run_in_threadpool

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

    async def current(self) -> ScreeningIndex:
        """``get()`` for code on the event loop: the index at once when no check of the store
        is due, else the check (and any load it leads to, seconds) in a worker thread, so that
        the loop keeps answering other requests meanwhile."""
        index = self._index
        if index is not None and time.monotonic() - self._checked_at <= CHECK_INTERVAL_S:
            return index
        return await run_in_threadpool(self.get)

    def reload(self, force: bool = False) -> ScreeningIndex:
        """Load (or, with ``force``, rebuild) the index for the snapshots in service."""
        with self._lock:
            if self._index is not None and not force:
                return self._index
            ensure_loaded(self.home)
            self._store_mtime = self._mtime()
            self._index = load_index(self.home, rebuild=force)
            settle_memory(self._index)
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
                    settle_memory(self._index)
                    log.info("lists changed: screening index reloaded")
            except SeverError as exc:
                log.warning("store busy, serving the current index: %s", exc)


def settle_memory(index: ScreeningIndex) -> None:
    """Put everything alive now, the new index first of all, out of the garbage collector's
    sight (``gc.freeze``), after one full collection.

    The index is over a million long-lived objects. Left in the collector's care, each full
    collection walks them all (measured: about 1 s of CPU on the built-in lists), and every
    request in flight in that process waits it out. Frozen, they are never walked; they are
    still freed by reference counting when their last user lets go. Forked server workers also
    stop writing to the pages they share with the parent where the collector would have.

    The entries' matching features are decoded first (about a second): decoded one by one as
    queries first met them, they were 150,000 objects the collector walked again at every full
    collection, each of which held up that worker's requests for a quarter to half a second
    (measured on the built-in lists, every few thousand requests)."""
    index.decode_all()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
