"""Batch screening of a parties file: hits, bad rows reported, every output format."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sever.errors import InputError, SeverError
from sever.home import Home
from sever.screen.batch import check_hits_path, screen_file, write_hits
from sever.screen.index import load_index
from sever.tables.atomic import OutputError

PARTIES = [
    ["party_id", "schema", "name", "birth_date", "country", "imo_number", "segment"],
    ["c1", "Person", "Pak Chol-su", "1961-03-04", "kp", "", "retail"],
    ["c2", "Person", "Jane Smith", "1980-01-01", "gb", "", "retail"],
    ["c3", "Vessel", "Unknown Star", "", "", "9123453", "shipping"],
    ["", "Person", "No Id", "", "", "", "retail"],
    ["c5", "Spaceship", "Enterprise", "", "", "", "retail"],
    ["c6", "Person", "Maria Elena Ruiz", "not a date", "", "", "private"],
]


def _parties(tmp_path: Path) -> Path:
    path = tmp_path / "parties.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(PARTIES)
    return path


def test_hits_carry_party_entity_list_score_decision_and_why(
    watchlist_home: Home, tmp_path: Path
) -> None:
    result = screen_file(load_index(watchlist_home), _parties(tmp_path))
    by_party = {row["query_id"]: row for row in result.rows}
    assert set(by_party) == {"c1", "c3", "c6"}
    assert by_party["c1"]["entity_id"] == "wl-pak"
    assert by_party["c1"]["list"] == "mylist"
    assert by_party["c1"]["programs"] == "DPRK3"
    assert by_party["c1"]["decision"] == "match"
    assert by_party["c1"]["explanation"]
    assert by_party["c3"]["entity_id"] == "wl-vessel" and by_party["c3"]["score"] == 1.0
    assert by_party["c1"]["party.segment"] == "retail"


def test_bad_rows_are_reported_with_row_and_field_and_the_batch_goes_on(
    watchlist_home: Home, tmp_path: Path
) -> None:
    result = screen_file(load_index(watchlist_home), _parties(tmp_path))
    problems = sorted(str(p) for p in result.problems)
    assert result.parties == 6 and result.screened == 4
    assert any("row 5" in p and "'party_id'" in p for p in problems)
    assert any("row 6" in p and "'schema'" in p for p in problems)
    assert any("row 7" in p and "'birth_date'" in p for p in problems)


def test_a_birth_date_in_the_future_is_a_reported_problem(
    watchlist_home: Home, tmp_path: Path
) -> None:
    path = tmp_path / "future.csv"
    path.write_text("party_id,schema,name,birth_date\nc1,Person,Pak Chol-su,2999-01-01\n")
    result = screen_file(load_index(watchlist_home), path)
    assert result.screened == 1
    assert "future" in str(result.problems[0]) and "'birth_date'" in str(result.problems[0])


def test_strict_stops_at_the_first_bad_row(watchlist_home: Home, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="row 5"):
        screen_file(load_index(watchlist_home), _parties(tmp_path), strict=True)


def test_a_file_without_the_required_columns_is_refused(
    watchlist_home: Home, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,full_name\n1,Pak Chol Su\n")
    with pytest.raises(InputError, match="party_id"):
        screen_file(load_index(watchlist_home), path)


def test_parquet_parties_are_read_too(watchlist_home: Home, tmp_path: Path) -> None:
    import pyarrow as pa

    header, *rows = PARTIES
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(header)})
    path = tmp_path / "parties.parquet"
    pq.write_table(table, path)
    result = screen_file(load_index(watchlist_home), path)
    assert {r["query_id"] for r in result.rows} == {"c1", "c3", "c6"}


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_hits_are_written_in_every_format(
    watchlist_home: Home, tmp_path: Path, suffix: str
) -> None:
    result = screen_file(load_index(watchlist_home), _parties(tmp_path))
    out = tmp_path / f"hits{suffix}"
    write_hits(out, result.rows)
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    elif suffix == ".parquet":
        rows = pq.read_table(out).to_pylist()
    else:
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert rows[0]["features"]
    assert len(rows) == len(result.rows)
    for column in ("query_id", "entity_id", "list", "programs", "score", "decision", "explanation"):
        assert column in rows[0]


def test_several_workers_give_the_same_hits_in_file_order(
    watchlist_home: Home, tmp_path: Path
) -> None:
    header, *rows = PARTIES
    path = tmp_path / "many.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(2_500):
            party_id, *rest = rows[i % len(rows)]
            writer.writerow([f"{party_id}-{i}" if party_id else "", *rest])
    index = load_index(watchlist_home)
    alone = screen_file(index, path)
    shared = screen_file(index, path, workers=2)
    assert shared.workers == 2
    assert [r["query_id"] for r in shared.rows] == [r["query_id"] for r in alone.rows]
    assert [str(p) for p in shared.problems] == [str(p) for p in alone.problems]
    assert shared.parties == 2_500


# -- hostile parties files ------------------------------------------------------------------

HEADER = "party_id,schema,name,birth_date\n"


def _write(tmp_path: Path, text: str | bytes, name: str = "parties.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_a_quote_that_swallows_rows_is_a_reported_skip_never_a_merge(
    watchlist_home: Home, tmp_path: Path
) -> None:
    """The reported case: an unterminated quote before the Pak row hid it from screening."""
    path = _write(
        tmp_path,
        HEADER + 'c1,Person,"Jane Smith,1980-01-01\nc2,Person,Pak Chol-su,1961-03-04\n'
        'c3,Person,Maria Elena Ruiz",1975-06-01\nc4,Person,Jane Doe,\n',
    )
    result = screen_file(load_index(watchlist_home), path)
    problems = [str(p) for p in result.problems]
    assert any("row 2" in p and "quote" in p for p in problems), problems
    assert result.to_dict()["problems"] == problems
    assert result.summary()["problems"] == len(problems) >= 1
    with pytest.raises(InputError, match=r"row 2.*quote"):
        screen_file(load_index(watchlist_home), path, strict=True)


def test_a_quote_never_closed_stops_the_batch_in_both_modes(
    watchlist_home: Home, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + 'c1,Person,"Pak Chol-su,1961-03-04\nc2,Person,Jane,\n')
    stray = _write(
        tmp_path,
        HEADER + 'c1,Person,"Jane,\nc2,Person,Pak Chol-su,\nc3,Person,"Maria Ruiz",\n',
        "stray.csv",
    )
    for strict in (False, True):
        with pytest.raises(InputError, match="never closed"):
            screen_file(load_index(watchlist_home), path, strict=strict)
        with pytest.raises(InputError, match="row 2"):
            screen_file(load_index(watchlist_home), stray, strict=strict)


def test_a_ragged_row_is_skipped_and_reported(watchlist_home: Home, tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "c1,Person,Pak Chol-su,1961-03-04,extra\nc2,Person,Jane,\n")
    result = screen_file(load_index(watchlist_home), path)
    assert result.parties == 2 and result.screened == 1
    assert "row 2" in str(result.problems[0]) and "5 cells" in str(result.problems[0])


def test_a_latin1_file_is_refused_naming_the_file_unless_declared(
    watchlist_home: Home, tmp_path: Path
) -> None:
    path = _write(tmp_path, (HEADER + "c1,Person,José Pak,\n").encode("latin-1"))
    with pytest.raises(InputError, match=r"parties\.csv.*row 2.*latin"):
        screen_file(load_index(watchlist_home), path)
    result = screen_file(load_index(watchlist_home), path, encoding="latin-1")
    assert result.screened == 1 and not result.problems


def test_a_utf16_file_with_its_mark_is_read(watchlist_home: Home, tmp_path: Path) -> None:
    path = _write(tmp_path, (HEADER + "c1,Person,Pak Chol-su,1961-03-04\n").encode("utf-16"))
    result = screen_file(load_index(watchlist_home), path)
    assert [r["entity_id"] for r in result.rows][:1] == ["wl-pak"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],
        lambda b: b[:4] + b"\0" * (len(b) - 8) + b[-4:],
        lambda b: b"PAR1",
        lambda b: b"",
    ],
)
def test_a_corrupt_or_truncated_parquet_is_one_input_error(
    watchlist_home: Home, tmp_path: Path, damage: object
) -> None:
    import pyarrow as pa

    header, *rows = PARTIES
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({c: [r[i] for r in rows] for i, c in enumerate(header)}), good)
    path = _write(tmp_path, damage(good.read_bytes()), "bad.parquet")  # type: ignore[operator]
    with pytest.raises(InputError, match=r"bad\.parquet.*Parquet"):
        screen_file(load_index(watchlist_home), path)


def test_a_parquet_cell_that_is_not_text_is_a_reported_problem(
    watchlist_home: Home, tmp_path: Path
) -> None:
    import pyarrow as pa

    table = pa.table(
        {
            "party_id": ["c1", "c2"],
            "schema": ["Person", "Person"],
            "name": ["Pak Chol-su", "Jane Smith"],
            "alias": [["a", "b"], None],
        }
    )
    path = tmp_path / "lists.parquet"
    pq.write_table(table, path)
    result = screen_file(load_index(watchlist_home), path)
    assert result.screened == 2
    assert any("row 1" in str(p) and "'alias'" in str(p) for p in result.problems)


# -- hits files ---------------------------------------------------------------------------


def test_hits_csv_cells_are_escaped_against_formulas_unless_raw(tmp_path: Path) -> None:
    rows = [{"query_id": "=HYPERLINK(1)", "query_name": "@SUM(A1)", "score": -1.0}]
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    write_hits(safe, rows)
    write_hits(raw, rows, raw=True)
    escaped = next(csv.DictReader(safe.open(encoding="utf-8")))
    assert escaped["query_id"] == "'=HYPERLINK(1)" and escaped["query_name"] == "'@SUM(A1)"
    assert escaped["score"] == "-1.0"  # a number is never escaped
    assert next(csv.DictReader(raw.open(encoding="utf-8")))["query_id"] == "=HYPERLINK(1)"


def test_a_bad_hits_path_is_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    for bad in (tmp_path, tmp_path / "afile" / "hits.csv", tmp_path / "hits.xlsx"):
        with pytest.raises(OutputError):
            check_hits_path(bad)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_full_disk_leaves_no_hits_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    import errno
    import os

    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / f"hits{suffix}"
    with pytest.raises(OutputError, match="no space"):
        write_hits(out, [{"query_id": "c1", "score": 0.9}])
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert list(tmp_path.iterdir()) == []


# -- workers ------------------------------------------------------------------------------


def _many(tmp_path: Path, count: int = 2_500) -> Path:
    lines = [HEADER.strip()] + [f"c{i},Person,Person Number {i},1970-01-01" for i in range(count)]
    return _write(tmp_path, "\n".join(lines) + "\n", "many.csv")


@contextlib.contextmanager
def _within(seconds: int) -> Iterator[None]:
    """Fail (rather than hang the suite) when the block runs past ``seconds``."""

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"hang: still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _no_children_left() -> None:
    import multiprocessing

    assert multiprocessing.active_children() == []
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if children.exists():
        assert children.read_text().split() == []


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (lambda: (_ for _ in ()).throw(RuntimeError("disk gremlin")), "RuntimeError: disk gremlin"),
        (lambda: (_ for _ in ()).throw(InputError("x.csv", "bad byte", row=1500)), "row 1500"),
        (lambda: os._exit(9), "stopped unexpectedly"),
    ],
)
def test_a_failing_worker_stops_the_batch_with_its_message_and_leaves_no_child(
    watchlist_home: Home,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: object,
    message: str,
) -> None:
    """Any failure in a worker after row 1,000 (an exception, an error that must cross the
    process boundary, a worker that dies) reaches the parent; nothing hangs or lingers."""
    from sever.screen import batch

    real = batch.screen_entity

    def screen_entity(index: object, query: object, options: object, query_id: str) -> object:
        if query_id == "c1498":  # row 1,500
            failure()  # type: ignore[operator]
        return real(index, query, options, query_id=query_id)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "screen_entity", screen_entity)
    with _within(60), pytest.raises(SeverError, match=message):
        screen_file(load_index(watchlist_home), _many(tmp_path), workers=2)
    _no_children_left()
