"""Hostile names: very long, invisible, right-to-left, combining, punctuation only, NUL bytes, and
a stored list entry far over the name limit.

Each case runs ``sever screen`` (in a child process, or in this process for tables of names) with
a per-case timeout and asserts a clean result or one ``error`` line with exit 2, never a traceback
and never a hang. The home holds
a small watchlist, so that each child builds or loads its index in a moment: the matcher's cost
against the whole built-in index is checked in-process (``tests/screen/test_long_names.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from followthemoney import model
from typer.testing import CliRunner

from sever.cli import app
from sever.entities import Store
from sever.entities.limits import MAX_NAME_CHARS
from sever.home import Home
from sever.lists import load_files
from tests.hostile.conftest import Run, assert_clean_error, run_sever

CASE_TIMEOUT = 60
"""Seconds one command may take: starting Python and loading a small index take a few."""

WATCHLIST = [
    {"id": "wl-pak", "schema": "Person", "properties": {"name": ["Pak Chol Su"]}},
    {"id": "wl-kim", "schema": "Person", "properties": {"name": ["KIM, Jong Un"]}},
    {"id": "wl-org", "schema": "Company", "properties": {"name": ["Korea Sobaeksu Trading"]}},
]

HUGE_NAME = "Ri " + "Chol " * 200_000
"""A 1 MB name, as a list loaded before the load-time check could hold."""


def _home_with_watchlist(folder: Path) -> Path:
    """A home holding WATCHLIST as the dataset ``mylist``."""
    home = Home.resolve(folder / "home")
    path = folder / "mylist.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in WATCHLIST), encoding="utf-8")
    load_files(home, [path], dataset="mylist")
    return Path(home.root)


def _store_oversized_entry(home: Path) -> None:
    """Write a list entry with a 1 MB name straight into the store, as an older version of sever
    did before list loading checked name lengths."""
    entity = model.make_entity("Person")
    entity.id = "old-huge"
    entity.add("name", HUGE_NAME)
    entity.add("alias", "Ri Chol Ung")
    with Store.open(Home.resolve(home)) as store:
        store.write_snapshot("oldlist", "watchlist", [entity], published=None, files=[])


@pytest.fixture(scope="module")
def names_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _home_with_watchlist(tmp_path_factory.mktemp("hostile-names"))


def _screen(home: Path, *args: str | Path) -> Run:
    """``sever screen ARGS`` in a child process."""
    return run_sever("screen", *args, home=home, timeout=CASE_TIMEOUT)


def _screen_in_process(home: Path, *args: str) -> Run:
    """``sever screen ARGS`` in this process."""
    result = CliRunner().invoke(app, ["screen", "--home", str(home), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(tuple(args), result.exit_code, result.stdout, result.stderr)


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail the case, rather than hang the suite, when the block runs past ``seconds``."""

    def hang(_signum: int, _frame: object) -> None:
        pytest.fail(f"hang: ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_clean_result(run: Run) -> dict:
    """Exit 0, no traceback, no error line, and the JSON screening on stdout."""
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, str(run)
    assert run.code == 0, str(run)
    assert not [line for line in run.stderr.splitlines() if line.lower().startswith("error")]
    return json.loads(run.stdout)


@pytest.mark.parametrize("length", [1_000, 10_000])
def test_a_name_over_the_limit_is_one_line_naming_the_limit(names_home: Path, length: int) -> None:
    run = _screen(names_home, "--name", ("Kim Jong Un " * length)[:length])
    assert_clean_error(run, f"{length:,} characters", f"at most {MAX_NAME_CHARS}")


ODD_NAMES = {
    "right-to-left override": "\u202ePak Chol Su\u202c",
    "zero-width and joiners": "Pak\u200b Chol\u200d Su\ufeff",
    "combining marks": "Pa\u0301\u0301k Cho\u0308l Su\u0327",
    "arabic, right to left": "\u0645\u062d\u0645\u062f \u0639\u0644\u064a",
    "just under the limit": ("Pak Chol Su 김정은 Ким Чен Ын 金正恩 " * 30)[:MAX_NAME_CHARS],
}


NOTHING_TO_MATCH = {
    "only invisible characters": "\u200b\u200f\u202e\ufeff",
    "only combining marks": "\u0301\u0308\u0327",
    "only punctuation": "-.,;'()\"",
    "only symbols": "★☆♥ ©®",
}


@pytest.mark.parametrize("label", NOTHING_TO_MATCH)
def test_a_name_with_nothing_to_match_is_one_line(names_home: Path, label: str) -> None:
    with deadline(CASE_TIMEOUT):
        run = _screen_in_process(names_home, "--name", NOTHING_TO_MATCH[label])
    assert_clean_error(run, "no letter or digit to match on")


@pytest.mark.parametrize("label", ODD_NAMES)
def test_odd_names_screen_cleanly(names_home: Path, label: str) -> None:
    """In this process (the command's own code, without starting Python for each name)."""
    with deadline(CASE_TIMEOUT):
        run = _screen_in_process(names_home, "--name", ODD_NAMES[label], "--json")
    result = assert_clean_result(run)
    assert all(0 <= hit["score"] <= 1 for hit in result["hits"]), label


def test_an_odd_name_in_a_child_process(names_home: Path) -> None:
    name = "\u202ePak\u200b Cho\u0308l Su\u202c"
    result = assert_clean_result(_screen(names_home, "--name", name, "--json"))
    assert [hit["entity_id"] for hit in result["hits"]] == ["wl-pak"]


def test_a_name_of_only_punctuation_is_one_line_not_an_empty_screening(names_home: Path) -> None:
    run = _screen(names_home, "--name", "-.,;'()", "--json")
    assert_clean_error(run, "no letter or digit to match on")


def test_a_nul_byte_in_a_name_is_screened_or_refused_in_one_line(
    names_home: Path, tmp_path: Path
) -> None:
    """A command line cannot carry a NUL byte, so it comes in a parties file."""
    parties = tmp_path / "parties.csv"
    parties.write_text("party_id,schema,name\np1,Person,Pak\x00Chol Su\np2,Person,\x00\n")
    out = tmp_path / "hits.csv"
    run = _screen(names_home, parties, "--out", out)
    if run.code == 2:
        assert_clean_error(run, "parties.csv")
    else:
        assert run.code == 0 and "Traceback" not in run.stderr, str(run)
        assert out.exists()


def test_a_stored_entry_over_the_limit_does_not_break_screening(tmp_path: Path) -> None:
    """The reported case: one long name in a loaded list made every later screening fail."""
    home = _home_with_watchlist(tmp_path)
    _store_oversized_entry(home)
    run = _screen(home, "--name", "Ri Chol Ung", "--json")
    result = assert_clean_result(run)
    assert [hit["entity_id"] for hit in result["hits"]] == ["old-huge"]
    assert "old-huge" in run.stderr and "left out of matching" in run.stderr
    again = _screen(home, "--name", "Pak Chol Su", "--json")
    assert [hit["entity_id"] for hit in assert_clean_result(again)["hits"]] == ["wl-pak"]


def test_the_api_starts_over_such_a_store_and_refuses_long_names(tmp_path: Path) -> None:
    from sever.serve.app import create_app

    home = _home_with_watchlist(tmp_path)
    _store_oversized_entry(home)
    saved = os.environ.pop("SEVER_API_KEYS", None)
    try:
        app = create_app(Home.resolve(home))
    finally:
        if saved is not None:
            os.environ["SEVER_API_KEYS"] = saved
    with TestClient(app) as client:
        found = client.post("/match/default", json=_match_body("Ri Chol Ung"))
        assert found.status_code == 200, found.text
        results = found.json()["responses"]["q"]["results"]
        assert [r["id"] for r in results] == ["old-huge"]
        refused = client.post("/match/default", json=_match_body("K" * 10_000))
        assert refused.status_code == 400, refused.text
        assert str(MAX_NAME_CHARS) in refused.text
        with_nul = client.post("/match/default", json=_match_body("Pak\x00Chol Su"))
        assert with_nul.status_code in (200, 400), with_nul.text
        nothing = client.post("/match/default", json=_match_body("\u200b\x00-"))
        assert nothing.status_code == 400 and "no letter or digit" in nothing.text


def _match_body(name: str) -> dict:
    """A yente /match request for one person by name."""
    return {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
