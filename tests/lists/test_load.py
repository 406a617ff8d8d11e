"""Loading official files: format detected from content, bad files rejected whole and clearly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from sever.entities import Store
from sever.errors import InputError
from sever.home import Home
from sever.lists import ensure_loaded, load_files
from sever.lists.load import detect, published_from_name


def test_formats_are_detected_from_content_not_the_name(tmp_path: Path, shared_data: Path) -> None:
    sdn = tmp_path / "download.bin"
    sdn.write_bytes((shared_data / "ofac/sdn-2022-04-12/sdn.csv").read_bytes())
    un = tmp_path / "list.dat"
    un.write_bytes((shared_data / "un/consolidated-2026-02-27.xml").read_bytes())
    assert detect(sdn).name == "ofac_csv"
    assert detect(un).name == "un_xml"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\r\n\x1a", "empty"),
        (b"hello, this is not a sanctions list\n", "not a recognised sanctions list format"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a recognised"),
    ],
)
def test_unrecognised_files_are_rejected_naming_the_file(
    tmp_path: Path, home: Home, content: bytes, message: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        load_files(home, [path])
    assert str(path) in str(error.value)
    assert not home.store_path.exists() or not Store.open(home).current_snapshots()


def test_a_truncated_file_stores_nothing_and_keeps_the_previous_snapshot(
    tmp_path: Path, home: Home, shared_data: Path
) -> None:
    good = shared_data / "ofac/sdn-2022-04-12/sdn.csv"
    [before] = load_files(home, [good])
    cut = tmp_path / "sdn.csv"
    raw = (shared_data / "ofac/sdn-2022-04-14/sdn.csv").read_bytes()
    cut.write_bytes(raw[: raw.index(b'"LAZARUS GROUP"') + 8])  # ends inside a quoted field
    with pytest.raises(InputError) as error:
        load_files(home, [cut])
    assert "row" in str(error.value) and str(cut) in str(error.value)
    with Store.open(home, read_only=True) as store:
        assert store.current("us_ofac_sdn") == before
        assert store.count("us_ofac_sdn") == before.entity_count


def test_the_publication_date_comes_from_the_file_or_its_folder_name() -> None:
    assert published_from_name([Path("ofac/sdn-2022-04-14/sdn.csv")]) == date(2022, 4, 14)
    assert published_from_name([Path("us_ofac_sdn-20240503.csv")]) == date(2024, 5, 3)
    assert published_from_name([Path("sdn.csv")]) is None


def test_the_built_in_snapshot_serves_an_empty_home_and_says_its_dates(home: Home) -> None:
    snapshots = ensure_loaded(home)
    dates = {s.dataset: s.published.isoformat() for s in snapshots}
    assert dates == {"us_ofac_sdn": "2024-05-03", "un_sc_sanctions": "2026-02-27"}
    assert ensure_loaded(home) == Store.open(home, read_only=True).current_snapshots()


_INTERRUPTED_LOAD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sever.home import Home
    from sever.lists import load_files
    print("started", flush=True)
    load_files(Home.resolve(sys.argv[1]), [Path(sys.argv[2])])
    print("finished", flush=True)
    """
)


@pytest.mark.parametrize("delay", [0.5, 2.0, 3.5])
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_load_leaves_the_previous_snapshot_intact_and_served(
    home: Home, shared_data: Path, delay: float, how: signal.Signals
) -> None:
    [before] = load_files(home, [shared_data / "ofac/sdn-2022-04-12/sdn.csv"])
    newer = shared_data / "ofac/sdn-2024-05-03/sdn.csv"
    proc = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_LOAD, str(home.root), str(newer)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"started"
    time.sleep(delay)
    proc.send_signal(how)
    finished = b"finished" in proc.communicate(timeout=60)[0]
    with Store.open(home, read_only=True) as store:
        current = store.current("us_ofac_sdn")
        assert current is not None
        if not finished:
            assert current == before
        # Whatever happened, what is served is one whole snapshot.
        assert store.count("us_ofac_sdn") == current.entity_count
        [(statements,)] = store.sql(
            "SELECT count(DISTINCT entity_id) FROM statements WHERE snapshot_id = ?",
            [current.snapshot_id],
        )
        assert statements == current.entity_count
