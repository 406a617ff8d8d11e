"""The strict CSV reader: every way a CSV can say something other than what its author meant."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sever.errors import InputError
from sever.tables.csv_input import CsvReader

SWALLOWING = 'id,schema,name\n1,Person,"Kim\n2,Company,Lazarus Group\n3,Person,Park"\n4,Person,Ri\n'


def _write(tmp_path: Path, text: str | bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_rows_come_with_their_line_numbers_and_stripped_cells(tmp_path: Path) -> None:
    path = _write(tmp_path, 'id,name\n1, Kim Jong Un \n\n2,"Ri, Pyong Chol"\n')
    reader = CsvReader(path, required=("id", "name"))
    assert list(reader) == [
        (2, {"id": "1", "name": "Kim Jong Un"}),
        (4, {"id": "2", "name": "Ri, Pyong Chol"}),
    ]


def test_a_legitimate_multiline_cell_is_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, 'id,name,address\n1,Kim,"Street 1\nPyongyang"\n2,Ri,Dandong\n')
    rows = list(CsvReader(path))
    assert rows[0][1]["address"] == "Street 1\nPyongyang"
    assert rows[1] == (4, {"id": "2", "name": "Ri", "address": "Dandong"})


def test_a_quote_that_swallows_rows_is_an_error_when_strict(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="quote is probably not closed") as caught:
        list(CsvReader(_write(tmp_path, SWALLOWING)))
    assert caught.value.row == 2


def test_a_quote_that_swallows_rows_is_a_reported_skip_when_not_strict(tmp_path: Path) -> None:
    reader = CsvReader(_write(tmp_path, SWALLOWING), strict=False)
    assert [cells["id"] for _, cells in reader] == ["4"]
    assert [e.row for e in reader.skipped] == [2]


def test_a_quote_never_closed_is_always_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, 'id,name\n1,Kim\n2,"Lazarus Group\n3,Park\n')
    with pytest.raises(InputError, match="never closed") as caught:
        list(CsvReader(path, strict=False))
    assert caught.value.row == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,name\n1,Kim,extra\n", "3 cells where the header has 2"),
        ("id,name,country\n1,Kim\n", "2 cells where the header has 3"),
    ],
)
def test_ragged_rows_are_errors_or_reported_skips(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=message):
        list(CsvReader(path))
    reader = CsvReader(path, strict=False)
    assert list(reader) == []
    assert len(reader.skipped) == 1


def test_a_repeated_header_is_refused_rather_than_keeping_the_last_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="appears twice") as caught:
        CsvReader(_write(tmp_path, "id,name,name\n1,Kim,Ri\n"))
    assert (caught.value.row, caught.value.field) == (1, "name")


def test_missing_required_columns_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing required column"):
        CsvReader(_write(tmp_path, "id,nom\n1,Kim\n"), required=("id", "name"))
    with pytest.raises(InputError, match="no header"):
        CsvReader(_write(tmp_path, "\n\n", "empty.csv"))


def test_encodings_utf16_with_a_mark_is_read_latin1_is_refused_with_the_line(
    tmp_path: Path,
) -> None:
    utf16 = _write(tmp_path, "id,name\n1,Ri Pyong Chol\n".encode("utf-16"), "u16.csv")
    assert list(CsvReader(utf16)) == [(2, {"id": "1", "name": "Ri Pyong Chol"})]
    latin1 = _write(tmp_path, "id,name\n1,Ri\n2,Société Générale\n".encode("latin-1"), "l1.csv")
    with pytest.raises(InputError, match="not valid utf-8") as caught:
        CsvReader(latin1)
    assert caught.value.row == 3
    declared = CsvReader(latin1, encoding="latin-1")
    assert [c["name"] for _, c in declared][-1] == "Société Générale"


def test_nul_bytes_and_unknown_encodings_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        list(CsvReader(_write(tmp_path, b"id,name\n1,K\x00im\n")))
    with pytest.raises(InputError, match="unknown text encoding"):
        CsvReader(_write(tmp_path, "id\n1\n", "x.csv"), encoding="klingon")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_rows_or_an_input_error(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            reader = CsvReader(path, strict=False)
            for _line, cells in reader:
                assert set(cells) <= set(reader.header)
        except InputError:
            pass
