"""Hostile list files: every reader refuses bad input in one line, and the store keeps what it held.

A corpus of bad files for each list reader (OFAC legacy CSV set, OFAC consolidated CSV, OFAC
advanced XML, UN XML, EU XML, UK XML, watchlist CSV and JSON lines) is offered to the real
``sever lists load`` over a home holding the built-in snapshot. Each case must exit 2 with one
``error`` line naming what is wrong, and the store must serve exactly what it served before, Lazarus
Group and its wallets included. The whole corpus runs through the real command line in-process
(a child process costs seconds to start); the worst cases also run in child processes, as a user
runs them. Property-based tests then feed the watchlist readers arbitrary bytes and rows: they
may load or refuse, never raise anything but ``InputError``.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sever.cli import app
from sever.entities import Store
from sever.errors import InputError
from sever.home import Home
from sever.lists.sources.watchlist import read_watchlist_file
from tests.hostile.conftest import Run, assert_clean_error, assert_no_partial, run_sever

LAZARUS = "ofac-27307"
UN_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
OFAC_XML_NS = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"
)
EMPTY_OFAC_XML = (
    f'{UN_HEAD}<Sanctions xmlns="{OFAC_XML_NS}"><DateOfIssue><Year>2026</Year><Month>1</Month>'
    "<Day>2</Day></DateOfIssue></Sanctions>"
)
XXE_UN_XML = (
    f'{UN_HEAD}<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    '<CONSOLIDATED_LIST dateGenerated="2026-03-01"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>'
    "<FIRST_NAME>&e;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"
)


def served(home: Path) -> dict[str, int]:
    """Entities in service per dataset, and the wallets Lazarus Group holds."""
    with Store.open(Home.resolve(home), read_only=True) as store:
        counts = {dataset: store.count(dataset) for dataset in store.datasets()}
        lazarus = store.get(LAZARUS)
        counts["lazarus"] = int(lazarus is not None and lazarus.caption == "LAZARUS GROUP")
        counts["lazarus wallets"] = sum(
            LAZARUS in wallet.get("holder")
            for wallet in store.iter_entities("us_ofac_sdn", schemata=["CryptoWallet"])
        )
    return counts


def head_lines(source: Path, lines: int) -> bytes:
    """What ``head -n LINES`` gives."""
    return b"\n".join(source.read_bytes().split(b"\n")[:lines]) + b"\n"


def cut_bytes(source: Path, share: float) -> bytes:
    """The first ``share`` of a file: a download cut short."""
    data = source.read_bytes()
    return data[: int(len(data) * share)]


CHILD_CASES = ("OFAC head -n 5000", "watchlist with a 1 MB name")
"""Cases also run in a child process exactly as a user would (the rest run in-process)."""

Case = tuple[str, Callable[[Path], list[str]], tuple[str, ...]]
"""(name, write the bad input in a folder and return the ``lists load`` arguments, error words)."""


def _file(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _cases(data: Path) -> list[Case]:
    sdn = data / "ofac/sdn-2024-05-03/sdn.csv"
    cons = data / "ofac/cons-2025-12"
    advanced = data / "ofac/cons-advanced-2020-03-17/cons_advanced.xml"
    un = data / "un/consolidated-2026-02-27.xml"
    return [
        ("OFAC head -n 5000", lambda d: [str(_file(d, "sdn.csv", head_lines(sdn, 5000)))],
         ("sdn.csv", "row 5000", "0x1A", "cut short")),
        ("OFAC cut mid-row", lambda d: [str(_file(d, "sdn.csv", cut_bytes(sdn, 0.5)))],
         ("sdn.csv", "row")),
        ("OFAC older list shrinks", lambda d: [str(data / "ofac/sdn-2022-04-12/sdn.csv")],
         ("would remove 20,843 of 49,697 entities (41.9 %)", "5 %", "--allow-shrink")),
        ("OFAC alias file for other parties",
         lambda d: [str(data / "ofac/sdn-2022-04-12/sdn.csv"),
                       str(data / "ofac/sdn-2021-07/alt.csv")],
         ("alt.csv", "ent_nums missing from sdn.csv")),
        ("OFAC consolidated cut",
         lambda d: [str(_file(d, "cons_prim.csv", head_lines(cons / "cons_prim.csv", 200)))],
         ("cons_prim.csv", "0x1A")),
        ("OFAC advanced XML cut",
         lambda d: [str(_file(d, "sdn_advanced.xml", cut_bytes(advanced, 0.6)))],
         ("sdn_advanced.xml", "malformed XML")),
        ("OFAC advanced XML without parties",
         lambda d: [str(_file(d, "sdn_advanced.xml", EMPTY_OFAC_XML))],
         ("no <DistinctParty> record",)),
        ("UN XML with no records",
         lambda d: [str(_file(d, "consolidated.xml", UN_HEAD + '<CONSOLIDATED_LIST '
                                 'dateGenerated="2026-03-01T00:00:00Z"><INDIVIDUALS/><ENTITIES/>'
                                 "</CONSOLIDATED_LIST>"))],
         ("consolidated.xml", "no INDIVIDUAL or ENTITY record")),
        ("UN XML cut", lambda d: [str(_file(d, "consolidated.xml", cut_bytes(un, 0.3)))],
         ("consolidated.xml", "malformed XML")),
        ("UN XML with an external entity (not read; a one-party list shrinks the UN list)",
         lambda d: [str(_file(d, "consolidated.xml", XXE_UN_XML))],
         ("un_sc_sanctions", "would remove 2,454 of 2,454", "--allow-shrink")),
        ("EU XML with no entries",
         lambda d: [str(_file(d, "fsf.xml", UN_HEAD + '<export xmlns="http://eu.europa.ec/fpi/'
                                 'fsd/export" generationDate="2026-08-05T00:00:00"/>'))],
         ("fsf.xml", "no <sanctionEntity> record")),
        ("UK XML with no designations",
         lambda d: [str(_file(d, "uk.xml", UN_HEAD + "<Designations><DateGenerated>01/09/2026"
                                 "</DateGenerated></Designations>"))],
         ("uk.xml", "no <Designation> record")),
        ("watchlist CSV with an unterminated quote",
         lambda d: ["--dataset", "mine", str(_file(d, "mine.csv", 'id,schema,name\n'
                       '1,Person,"Lazarus Group\n2,Person,Kim Su Il\n'))],
         ("mine.csv", "row 2", "never closed")),
        ("watchlist CSV in Latin-1",
         lambda d: ["--dataset", "mine", str(_file(d, "mine.csv", "id,schema,name,x\n1,Person,"
                       "Müller,1\n".encode("latin-1")))],
         ("mine.csv", "0xfc", "encoding")),
        ("watchlist JSON lines with invalid UTF-8",
         lambda d: ["--dataset", "mine", str(_file(d, "mine.jsonl", b'{"id":"a","schema":'
                       b'"Person","properties":{"name":["A\xff"]}}\n'))],
         ("mine.jsonl", "row 1", "0xff")),
        ("watchlist JSON nested 100,000 deep",
         lambda d: ["--dataset", "mine", str(_file(d, "mine.jsonl", "[" * 100_000))],
         ("mine.jsonl", "nested too deeply")),
        ("watchlist with a 1 MB name",
         lambda d: ["--dataset", "mine", str(_file(d, "mine.jsonl", json.dumps(
             {"id": "wl-big", "schema": "Person", "properties": {"name": ["A" * 1_000_000]}})))],
         ("mine.jsonl", "row 1", "wl-big", "1,000,000 characters", "'name'")),
        ("watchlist under an official name",
         lambda d: ["--dataset", "us_ofac_sdn", str(_file(d, "mine.jsonl", json.dumps(
             {"id": "a", "schema": "Person", "properties": {"name": ["A"]}})))],
         ("us_ofac_sdn", "reserved")),
        ("watchlist under a path-like name",
         lambda d: ["--dataset", "../../x", str(_file(d, "mine.jsonl", json.dumps(
             {"id": "a", "schema": "Person", "properties": {"name": ["A"]}})))],
         ("not a valid dataset name", "lower-case letter")),
        ("absurd --max-shrink",
         lambda d: ["--max-shrink", "nan", str(data / "ofac/sdn-2022-04-14/sdn.csv")],
         ("--max-shrink", "between 0 and 100")),
    ]  # fmt: skip


def run_in_process(*args: str | Path, home: Path) -> Run:
    """``sever ARGS --home HOME`` through the real command line, in this process (a child process
    costs seconds to start; the cases below would take minutes)."""
    argv = [str(a) for a in args]
    result = CliRunner().invoke(app, [*argv, "--home", str(home)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"sever {' '.join(argv)[:300]} raised {result.exception!r}")
    return Run(tuple(argv), result.exit_code, result.stdout, result.stderr)


def test_every_list_reader_refuses_bad_files_in_one_line_and_keeps_the_store(
    loaded_cli_home: Path, shared_data: Path, tmp_path: Path
) -> None:
    before = served(loaded_cli_home)
    assert before["lazarus"] == 1 and before["lazarus wallets"] == 8
    for index, (name, write, words) in enumerate(_cases(shared_data)):
        folder = tmp_path / f"case{index}"
        folder.mkdir()
        run = run_in_process("lists", "load", *write(folder), home=loaded_cli_home)
        try:
            assert_clean_error(run, *words)
        except AssertionError as failure:
            raise AssertionError(f"case {name!r}: {failure}") from None
    assert served(loaded_cli_home) == before
    found = run_sever("screen", "--name", "Lazarus Group", "--json", home=loaded_cli_home)
    assert found.code == 0, str(found)
    assert "ofac-27307" in found.stdout, "after the refused load, Lazarus Group is still a hit"


def test_the_worst_cases_as_a_user_runs_them(loaded_cli_home: Path, shared_data: Path) -> None:
    """The cut SDN.CSV and the 1 MB name, each in a real child process: one line, exit 2,
    nothing lost."""
    before = served(loaded_cli_home)
    cases = [c for c in _cases(shared_data) if c[0] in CHILD_CASES]
    assert len(cases) == len(CHILD_CASES)

    def attempt(index: int) -> Run:
        folder = loaded_cli_home.parent / f"child{index}"
        folder.mkdir()
        return run_sever("lists", "load", *cases[index][1](folder), home=loaded_cli_home)

    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        runs = list(pool.map(attempt, range(len(cases))))
    for (name, _, words), run in zip(cases, runs, strict=True):
        try:
            assert_clean_error(run, *words)
        except AssertionError as failure:
            raise AssertionError(f"case {name!r}: {failure}") from None
    assert served(loaded_cli_home) == before
    found = run_sever("screen", "--name", "Lazarus Group", "--json", home=loaded_cli_home)
    assert found.code == 0, str(found)
    assert "ofac-27307" in found.stdout, "after the refused load, Lazarus Group is still a hit"


def test_allow_shrink_loads_a_list_that_really_shrank(
    loaded_cli_home: Path, shared_data: Path
) -> None:
    older = shared_data / "ofac/sdn-2022-04-12/sdn.csv"
    allowed = run_in_process(
        "lists", "load", older, "--allow-shrink", "--json", home=loaded_cli_home
    )
    assert allowed.code == 0, str(allowed)
    [snapshot] = json.loads(allowed.stdout)
    assert snapshot["published"] == "2022-04-12"


def test_export_csv_escapes_formulas_and_never_leaves_a_partial_file(
    cli_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "mine.jsonl"
    entities = [
        {"id": "f1", "schema": "Person", "properties": {"name": ['=HYPERLINK("http://x","Kim")']}},
        {"id": "f2", "schema": "Company", "properties": {"name": ["@SUM(A1)"]}},
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in entities))
    loaded = run_in_process("lists", "load", "--dataset", "mine", path, home=cli_home)
    assert loaded.code == 0, str(loaded)
    out = tmp_path / "out" / "mine.csv"
    out.parent.mkdir()
    args = ("lists", "export", "--format", "csv", "--scope", "mine")
    done = run_sever(*args, "--out", out, home=cli_home)
    assert done.code == 0, str(done)
    text = out.read_text()
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    raw = run_in_process(*args, "--raw", home=cli_home)
    assert raw.code == 0 and "\n" + 'f1,Person,"=HYPERLINK' in raw.stdout, str(raw)
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me")
    for target, words in ((out.parent, "folder"), (blocker / "x.csv", "is a file")):
        assert_clean_error(run_in_process(*args, "--out", target, home=cli_home), words)
    assert blocker.read_text() == "keep me"
    assert_no_partial(out.parent)


# --- property-based: the watchlist readers never fail in any other way ------------------------


def _read(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    try:
        entities = read_watchlist_file(path)
    except InputError as error:
        assert "\n" not in str(error)
        return
    for _row, entity in entities:
        if entity.schema.is_a("LegalEntity"):
            assert entity.get("name"), "a party was read without a name"


PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY_SETTINGS
@given(content=st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_anything_but_input_error(
    tmp_path: Path, content: bytes
) -> None:
    _read(tmp_path, "any.jsonl", content)
    _read(tmp_path, "any.csv", b"id,schema,name\n" + content)
    _read(tmp_path, "obj.jsonl", b'{"id":' + content)


CELL = st.text(alphabet=string.printable + "éü김\"'", max_size=12)


@PROPERTY_SETTINGS
@given(
    header=st.lists(st.sampled_from(["id", "schema", "name", "alias", "birth_date", "x", ""]),
                    min_size=1, max_size=6),
    rows=st.lists(st.lists(CELL, max_size=7), max_size=5),
)  # fmt: skip
def test_arbitrary_csv_rows_never_raise_anything_but_input_error(
    tmp_path: Path, header: list[str], rows: list[list[str]]
) -> None:
    lines = [",".join(header), *(",".join(cells) for cells in rows)]
    _read(tmp_path, "rows.csv", "\n".join(lines).encode())


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)  # fmt: skip


@PROPERTY_SETTINGS
@given(
    entity_id=JSON_VALUES,
    schema=st.sampled_from(["Person", "Company", "CryptoWallet", "Thing", "Mars"]) | JSON_VALUES,
    properties=st.dictionaries(
        st.sampled_from(["name", "alias", "birthDate", "publicKey", "notes", "zzz"]), JSON_VALUES,
        max_size=4,
    ) | JSON_VALUES,
)  # fmt: skip
def test_arbitrary_json_entities_never_raise_anything_but_input_error(
    tmp_path: Path, entity_id: object, schema: object, properties: object
) -> None:
    line = json.dumps({"id": entity_id, "schema": schema, "properties": properties})
    _read(tmp_path, "entity.jsonl", line.encode())
