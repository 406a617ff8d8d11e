"""Progress and interruption: the core tells its caller how far it is, and a trace's outputs are
written all together or not at all (Ctrl-C or an error leaves the earlier files as they were)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sever.trace.output import all_or_nothing
from sever.trace.run import TraceSettings, trace
from sever.trace.transfers import load_transfers
from tests.trace.trace_chain import Chain, addr, engine_for


def test_reading_and_every_hop_are_reported_to_the_caller(chain: Chain) -> None:
    chain.send("thief", "a", 5, 1)
    chain.send("a", "b", 5, 2)
    chain.send("b", "c", 5, 3)
    heard: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        heard.append((stage, done, total))

    with engine_for() as engine:
        loaded = load_transfers(engine, [chain.write()], progress=progress)
        trace(loaded, TraceSettings((addr("thief"),), hops=10), progress=progress)
    stages = [stage for stage, _, _ in heard]
    assert stages[0] == "reading transfers" and ("reading transfers", 3, 3) in heard
    hops = [done for stage, done, _ in heard if stage == "following hops"]
    assert hops[:3] == [1, 2, 3] and hops[-1] == 10, "each hop, then done"
    assert heard[-1] == ("moving value", 2, 2)


def test_an_interrupted_write_leaves_no_new_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    old = tmp_path / "reached.csv"
    old.write_text("before\n")
    with pytest.raises(KeyboardInterrupt), all_or_nothing() as stage:
        stage(old).write_text("after\n")
        stage(tmp_path / "flow.html").write_text("<html>")
        raise KeyboardInterrupt
    assert old.read_text() == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reached.csv"], "no hidden leftovers"


def test_outputs_appear_together_once_all_are_written(tmp_path: Path) -> None:
    with all_or_nothing() as stage:
        stage(tmp_path / "a.csv").write_text("a")
        assert not (tmp_path / "a.csv").exists(), "not in place before the last one is written"
        stage(tmp_path / "b.json").write_text("b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.json"]
