"""The entity store keeps versioned snapshots; the current one changes atomically."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from followthemoney import model

from sever.entities import Store
from sever.entities.store import STORE_WAIT_ENV
from sever.errors import NotLoadedError, SeverError
from sever.home import Home


def person(entity_id: str, name: str, **props: str) -> object:
    entity = model.make_entity("Person")
    entity.id = entity_id
    entity.add("name", name)
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def test_a_new_snapshot_becomes_current_and_the_old_one_is_kept(home: Home) -> None:
    with Store.open(home) as store:
        first = store.write_snapshot(
            "mine", "test", [person("a", "Kim Jong Un")], published=None, files=["a.csv"]
        )
        second = store.write_snapshot(
            "mine",
            "test",
            [person("a", "Kim Jong Un"), person("b", "Ri Yong Gil")],
            published=None,
            files=["b.csv"],
        )
        assert store.current("mine") == store.snapshot(second.snapshot_id)
        assert [s.snapshot_id for s in store.snapshots("mine")] == [
            first.snapshot_id,
            second.snapshot_id,
        ]
        assert sorted(e.id for e in store.iter_entities("mine")) == ["a", "b"]
        assert [e.id for e in store.snapshot_entities(first.snapshot_id)] == ["a"]


def test_reloading_identical_content_writes_nothing(home: Home) -> None:
    with Store.open(home) as store:
        first = store.write_snapshot("mine", "test", [person("a", "X")], published=None, files=[])
        again = store.write_snapshot("mine", "test", [person("a", "X")], published=None, files=[])
        assert again.snapshot_id == first.snapshot_id
        assert len(store.snapshots("mine")) == 1


def test_a_value_keeps_the_date_it_was_first_seen(home: Home) -> None:
    from datetime import date

    with Store.open(home) as store:
        store.write_snapshot(
            "mine", "t", [person("a", "X", birthDate="1984")], published=date(2020, 1, 1), files=[]
        )
        store.write_snapshot(
            "mine",
            "t",
            [person("a", "X", birthDate="1984", gender="male")],
            published=date(2021, 6, 1),
            files=[],
        )
        seen = dict(
            store.sql(
                "SELECT prop, first_seen::DATE::VARCHAR FROM statements WHERE snapshot_id = 2"
            )
        )
        assert seen["birthDate"] == "2020-01-01"
        assert seen["gender"] == "2021-06-01"


def test_a_failed_write_leaves_the_previous_snapshot_in_service(home: Home) -> None:
    broken = model.make_entity("Person")  # no id: the write must fail midway
    broken.add("name", "nobody")
    with Store.open(home) as store:
        good = store.write_snapshot("mine", "t", [person("a", "X")], published=None, files=[])
        with pytest.raises(Exception, match="has no id"):
            store.write_snapshot("mine", "t", [person("b", "Y"), broken], published=None, files=[])
        assert store.current("mine") == good
        assert [e.id for e in store.iter_entities("mine")] == ["a"]
        assert store.sql(
            "SELECT count(*) FROM statements WHERE snapshot_id <> ?", [good.snapshot_id]
        ) == [(0,)]


def test_snapshot_references_resolve_by_id_date_and_steps_back(home: Home) -> None:
    from datetime import date

    with Store.open(home) as store:
        a = store.write_snapshot(
            "mine", "t", [person("a", "X")], published=date(2022, 4, 12), files=[]
        )
        b = store.write_snapshot(
            "mine", "t", [person("a", "Y")], published=date(2022, 4, 14), files=[]
        )
        assert store.resolve(str(a.snapshot_id)).snapshot_id == a.snapshot_id
        assert store.resolve("mine").snapshot_id == b.snapshot_id
        assert store.resolve("mine~1").snapshot_id == a.snapshot_id
        assert store.resolve("mine@2022-04-12").snapshot_id == a.snapshot_id
        for bad in ("99", "mine~5", "mine@1999-01-01", "nosuch"):
            with pytest.raises(NotLoadedError):
                store.resolve(bad)


def test_scopes_cover_default_dprk_and_each_dataset(home: Home) -> None:
    with Store.open(home) as store:
        store.write_snapshot(
            "one",
            "t",
            [person("a", "X"), person("b", "Y")],
            published=None,
            files=[],
            dprk_ids={"b"},
        )
        store.write_snapshot("two", "t", [person("c", "Z")], published=None, files=[])
        assert store.scopes() == ["default", "dprk", "one", "two"]
        assert store.count("default") == 3
        assert [e.id for e in store.iter_entities("dprk")] == ["b"]
        assert [e.id for e in store.iter_entities("two")] == ["c"]
        with pytest.raises(NotLoadedError, match="unknown dataset"):
            list(store.iter_entities("three"))


def test_a_read_only_store_must_exist(tmp_path) -> None:
    with pytest.raises(NotLoadedError, match="sever lists load"):
        Store(tmp_path / "absent.duckdb", read_only=True)


_HOLD_THE_STORE = """
import sys, time
from sever.entities import Store
from sever.home import Home
with Store.open(Home.resolve(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_store(home: Home, seconds: float) -> subprocess.Popen[bytes]:
    """Another process holding the store's write lock, as a ``lists load`` does while writing."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_STORE, str(home.root), str(seconds)],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"holding"
    return proc


def test_a_reader_waits_for_a_writer_in_another_process(home: Home) -> None:
    with Store.open(home) as store:
        store.write_snapshot("mine", "test", [person("a", "X")], published=None, files=[])
    writer = _hold_store(home, 2.0)
    try:
        started = time.monotonic()
        with Store.open(home, read_only=True) as store:  # waits instead of failing
            assert store.count("mine") == 1
        assert time.monotonic() - started > 0.5
        assert writer.poll() is not None or time.monotonic() - started >= 1.5
    finally:
        writer.wait(timeout=30)


def test_the_wait_is_bounded_and_says_why(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(home):
        pass
    monkeypatch.setenv(STORE_WAIT_ENV, "0.5")
    writer = _hold_store(home, 5.0)
    try:
        started = time.monotonic()
        with pytest.raises(SeverError, match="held by another sever process"):
            Store.open(home, read_only=True)
        assert time.monotonic() - started < 4
    finally:
        writer.kill()
        writer.wait(timeout=30)


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "1e9"])
def test_a_bad_wait_setting_is_a_clear_error(
    home: Home, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(STORE_WAIT_ENV, value)
    with pytest.raises(SeverError, match=STORE_WAIT_ENV):
        Store.open(home)
