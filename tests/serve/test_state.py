"""The server's index: loaded once, then kept out of the garbage collector's walks."""

from __future__ import annotations

import gc

from sever.home import Home
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
