"""The young generation's garbage collected on a clock, in small steps.

CPython starts a collection of its youngest generation when allocations outnumber frees by 700.
In a server whose caches are full, each new cache entry frees the entry it evicts, so that count
stands still while new objects pile up in the young generation (tens of thousands of cache keys
within a thousand queries): they were then collected in one pause of 15 to 60 ms, and every
request queued on that worker waited it out (measured on the built-in lists, about every
thousand queries). Collected every ``YOUNG_EVERY_S`` instead, each pause takes about a
millisecond, and the older generations keep their own schedule.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

YOUNG_EVERY_S = 0.05
"""Seconds between two collections of the young generation."""


async def collect_young(every_s: float = YOUNG_EVERY_S) -> None:
    """Collect the young generation every ``every_s`` seconds, until cancelled."""
    while True:
        await asyncio.sleep(every_s)
        gc.collect(0)


@asynccontextmanager
async def young_collection(every_s: float = YOUNG_EVERY_S) -> AsyncIterator[None]:
    """Run :func:`collect_young` on this event loop for as long as the context lasts."""
    task = asyncio.create_task(collect_young(every_s))
    try:
        yield
    finally:
        task.cancel()
