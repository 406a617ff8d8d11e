"""Keeping kept-alive connections even over the server's forked workers.

The kernel hands each new connection to one worker by a hash of its addresses (``SO_REUSEPORT``,
see ``server._prefork``): even on average, but 32 clients that connect at once can land 21 on one
of two workers and 11 on the other (seen). A client that keeps its connection open stays with its
worker, so the busier worker sets everyone's latency while the other core idles; with the
connections split 21 / 11, a request on the busier worker waits behind twice as many.

Each worker counts its open connections in memory the workers share (one integer each, written
only by its own worker, read by all). A worker holding more than its fair share (the total over
the workers, rounded up) answers the next request on one of its connections with ``Connection:
close``, as HTTP/1.1 lets a server do at any response: the client opens a new connection, which
the kernel hashes afresh, so the surplus drains away in a few requests and then nothing more is
closed. A connection is never cut mid-request, and no request is refused or lost.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing


class ConnectionShares:
    """Each worker's open connections, counted in shared memory; made before the workers are
    forked, each of which then calls :meth:`become` with its number."""

    def __init__(self, workers: int) -> None:
        # RawArray: each slot has one writer (its worker's event loop), so no lock is needed.
        self._counts = multiprocessing.RawArray(ctypes.c_int, workers)
        self._slot = -1
        self._leaving = 0
        """This worker's connections told to close, not yet closed."""

    def become(self, slot: int) -> None:
        """In a forked worker: count this process's connections in ``slot``."""
        self._slot = slot

    def opened(self) -> None:
        self._counts[self._slot] += 1

    def closed(self, was_leaving: bool) -> None:
        self._counts[self._slot] -= 1
        if was_leaving:
            self._leaving -= 1

    def should_shed(self) -> bool:
        """Whether this worker holds more connections than its fair share, not counting those
        already told to close; if so, the caller tells one more to close (and this counts it)."""
        counts = list(self._counts)
        staying = counts[self._slot] - self._leaving
        total = sum(counts) - self._leaving
        if staying <= math.ceil(total / len(counts)):
            return False
        self._leaving += 1
        return True
