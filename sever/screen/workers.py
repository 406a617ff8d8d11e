"""Batch screening on several cores: chunks of parties screened in forked worker processes.

The index is built once in the parent; forked workers share its memory (copy-on-write), so no
index is pickled or rebuilt. Results come back in the order of the chunks. Where the platform
cannot fork, the chunks are screened in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_TASK: Callable[[Any], Any] | None = None
"""The function the forked workers apply; set before the pool forks, inherited by each worker."""


def available_cores() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run(chunk: Any) -> Any:
    assert _TASK is not None
    return _TASK(chunk)


def map_chunks(task: Callable[[Any], Any], chunks: Iterable[Any], workers: int) -> Iterator[Any]:
    """``task(chunk)`` for each chunk, in order, on ``workers`` forked processes."""
    global _TASK
    if workers <= 1 or not can_fork():
        yield from map(task, chunks)
        return
    _TASK = task
    gc.freeze()  # the collector then leaves the shared index alone: fewer pages copied per worker
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_run, chunks)
    finally:
        gc.unfreeze()
        _TASK = None
