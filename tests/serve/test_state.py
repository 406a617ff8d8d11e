"""The server's index: loaded once, then kept out of the garbage collector's walks."""

from __future__ import annotations

import asyncio
import gc

from sever.home import Home
from sever.screen.prepared import Prepared
from sever.screen.query import make_query
from sever.screen.search import ScreenOptions, screen_entity
from sever.serve.collector import young_collection
from sever.serve.state import IndexHolder


def test_a_loaded_index_is_frozen_out_of_the_collectors_walks(bundled_home: Home) -> None:
    holder = IndexHolder(bundled_home)
    try:
        index = holder.reload()
        tracked = gc.get_objects()
        assert gc.get_freeze_count() > len(index.entries)
        assert not any(item is index.entries for item in tracked)
    finally:
        gc.unfreeze()


def test_screening_leaves_no_listed_features_for_the_collector_to_walk(bundled_home: Home) -> None:
    """The listed entities' matching features are decoded before the freeze: screening after it
    adds none of them to the collector's generations (decoded on first use, they were a
    hundred thousand objects walked at every full collection)."""
    holder = IndexHolder(bundled_home)
    try:
        index = holder.reload()
        for name in ("Kim Jong Un", "Korea Mining Development", "Ri Son Gwon", "Choe Ryong Hae"):
            query = make_query("Person", {"name": [name]}, query_id="q", where="q")
            screen_entity(index, query, ScreenOptions(), query_id="q")
        listed = {id(entry.prepared) for entry in index.entries}
        walked = [o for o in gc.get_objects() if isinstance(o, Prepared) and id(o) in listed]
        assert walked == []
    finally:
        gc.unfreeze()


def test_the_young_generation_is_collected_on_a_clock() -> None:
    """With the collector's own schedule switched off, the server's clock still collects the
    young generation, several times a second."""
    seen: list[int] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "stop":
            seen.append(info["generation"])

    async def serve_a_while() -> None:
        async with young_collection(every_s=0.01):
            await asyncio.sleep(0.1)

    gc.disable()
    gc.callbacks.append(watch)
    try:
        asyncio.run(serve_a_while())
    finally:
        gc.callbacks.remove(watch)
        gc.enable()
    assert seen.count(0) >= 3
