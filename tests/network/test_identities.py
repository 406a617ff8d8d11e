"""Entity resolution: records of one person merged with their reasons, the rest kept apart, and
every decision stored, undoable and seen by the analyses."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sever.cli import app
from sever.home import Home
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph
from sever.network.identities import Comparer, Record, ResolveSettings
from sever.network.merge_store import MergeStore
from sever.network.proximity import ProximitySettings, nearest_listed
from tests.network import identity_world

runner = CliRunner()


def cli(*args: str) -> dict | list:
    result = runner.invoke(app, ["network", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def world(tmp_path):  # type: ignore[no-untyped-def]
    files = identity_world.write(tmp_path / "in")
    home = Home.resolve(tmp_path / "home")
    summary = build_graph(home, GraphSources(files))
    return home, summary


def live(home: Home) -> dict[tuple[str, str], str]:
    with MergeStore.of(home, read_only=True) as store:
        return store.judged("same_as")


def identities(home: Home) -> dict[str, str]:
    con = duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)
    return dict(con.execute("SELECT node_id, identity_id FROM identities").fetchall())


# -- the comparison ------------------------------------------------------------------------

KIM = Record("C1", "parties", "Person", "Kim Chol-su", birth_date="1971-03-02", email="k@x.cn")


@pytest.mark.parametrize(
    ("other", "verdict"),
    [
        # the pay account says it: automatic
        (Record("E1", "employment", "Person", "Chol Su Kim", pay_holder="C1"), "positive"),
        # the same name and birth date: automatic
        (Record("C9", "parties", "Person", "KIM Chol Su", birth_date="1971-03-02"), "positive"),
        # the same e-mail, the given name written joined: automatic
        (Record("C8", "parties", "Person", "Kim Cholsu", email="k@x.cn"), "positive"),
        # the same name and nothing else: an analyst decides
        (Record("RD1", "officer", "Person", "KIM Chol Su"), "unsure"),
        # the same name, born fourteen years apart: two men
        (Record("C2", "parties", "Person", "Kim Chol Su", birth_date="1985-07-19"), None),
        # one e-mail, another name: nothing (a shared family mailbox)
        (Record("C7", "parties", "Person", "Ri Yong Ho", email="k@x.cn"), None),
        # a person is not a company
        (Record("X1", "registry", "Company", "Kim Chol Su Ltd", email="k@x.cn"), None),
    ],
)
def test_a_pair_is_judged_on_its_names_and_attributes(other: Record, verdict: str | None) -> None:
    found = Comparer(ResolveSettings()).compare(KIM, other)
    assert found.judgement == verdict, found.reasons


def test_every_reason_is_kept_in_words() -> None:
    other = Record("E1", "employment", "Person", "Chol Su Kim", pay_holder="C1")
    found = Comparer(ResolveSettings()).compare(KIM, other)
    assert found.reasons[0] == "Kim Chol-su (customer C1) and Chol Su Kim (HR record E1)"
    assert found.reasons[1].startswith("names score 0.9")
    assert "same name: 'Kim Chol-su' = 'Chol Su Kim'" in found.reasons[1]
    assert found.reasons[2] == "E1's pay goes to an account C1 holds (+4)"


def test_a_zero_weight_switches_an_attribute_off() -> None:
    other = Record("C9", "parties", "Person", "KIM Chol Su", birth_date="1971-03-02")
    found = Comparer(ResolveSettings(birth_date=0.0)).compare(KIM, other)
    assert found.judgement == "unsure"


# -- in the graph --------------------------------------------------------------------------


def test_build_merges_the_hr_record_and_leaves_the_bare_name_to_an_analyst(world) -> None:  # type: ignore[no-untyped-def]
    home, summary = world
    judged = live(home)
    assert judged[("C1", "E1")] == "positive"
    assert judged[("C1", "RD1")] == "unsure"
    assert ("C1", "C2") not in judged
    assert identities(home) == {"C1": "C1", "E1": "C1"}
    assert summary.edges["same_as"] == 1
    assert summary.identities["new_decisions"] == {"positive": 1, "unsure": 3}


def test_the_queue_drops_pairs_other_decisions_have_settled(world) -> None:  # type: ignore[no-untyped-def]
    home, _ = world
    root = ["--home", str(home.root)]
    queue = cli("resolve", "candidates", *root)
    assert {(d["left_id"], d["right_id"]) for d in queue} == {
        ("C1", "RD1"),
        ("C2", "RD1"),
        ("E1", "RD1"),
    }
    cli(
        "resolve", "decide", "RD1", "C1", "--judgement", "positive", "--why", "same passport", *root
    )
    queue = cli("resolve", "candidates", *root)
    assert {(d["left_id"], d["right_id"]) for d in queue} == {("C2", "RD1")}
    history = cli("resolve", "history", "RD1", *root)
    replaced, analyst = [d for d in history if d["left_id"] == "C1"]
    assert (replaced["automatic"], replaced["live"], replaced["retired_how"]) == (
        True,
        False,
        "replaced",
    )
    assert (analyst["judgement"], analyst["reasons"], analyst["supersedes"]) == (
        "positive",
        ["same passport"],
        replaced["decision_id"],
    )


def test_a_merge_the_50_percent_rule_depends_on_is_undone_exactly(world, loaded_home) -> None:  # type: ignore[no-untyped-def]
    home, _ = world
    # The lists live in the loaded home; the world's graph and decisions move there.
    (loaded_home.root / "network").mkdir(exist_ok=True)
    for name in ("graph.duckdb", "decisions.duckdb"):
        (loaded_home.root / "network" / name).write_bytes(
            (home.root / "network" / name).read_bytes()
        )
    root = ["--home", str(loaded_home.root)]

    def verdict() -> dict:
        report = cli("blocked", *root)
        return {v["entity"]: v for v in report["verdicts"]}.get(identity_world.COMPANY, {})

    # KIM Chol Su the registry director is not known to be listed: Amber Harbour is not blocked.
    assert verdict() == {}

    why = "the registry filing shows the customer's passport"
    args = ["RD1", "C1", "--judgement", "positive", "--why", why, "--user", "alice"]
    decided = cli("resolve", "decide", *args, *root)
    assert decided["decision"]["decided_by"] == "alice"
    assert decided["graph_identities"] == 1
    found = verdict()
    assert found["status"] == "blocked"
    assert found["arithmetic"] == "Kim Chol-su 60 % = 60 % ≥ 50 %"

    findings = loaded_home.root / "findings.jsonl"
    cli("blocked", "--alerts", str(findings), *root)
    [finding] = [json.loads(line) for line in findings.read_text().splitlines()]
    assert "is one identity of Kim Chol-su (C1)" in finding["explanation"]
    assert "KIM Chol Su (RD1)" in finding["explanation"]

    # An analyst rejects the screening hit itself: the identity is no longer listed.
    args = ["C1", identity_world.ENTITY, "--relation", "list_link", "--judgement", "negative"]
    rejected = cli("resolve", "decide", *args, "--why", "the listed man died in 2011", *root)
    assert verdict() == {}
    cli("resolve", "undo", str(rejected["decision"]["decision_id"]), *root)
    assert verdict()["status"] == "blocked"

    undone = cli("resolve", "undo", str(decided["decision"]["decision_id"]), *root)
    assert undone["restored"]["judgement"] == "unsure"  # the automatic verdict it replaced
    assert verdict() == {}


def test_proximity_follows_a_merge_and_stops_after_undo(world) -> None:  # type: ignore[no-untyped-def]
    home, _ = world
    root = ["--home", str(home.root)]
    settings = ProximitySettings(least_risk=0.1)

    def near() -> set[str]:
        con = duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)
        with con:
            return {p.node_id for p in nearest_listed(con, settings)}

    assert identity_world.COMPANY not in near()
    decided = cli("resolve", "decide", "C1", "RD1", "--judgement", "positive", "--why", "x", *root)
    assert {"RD1", identity_world.COMPANY} <= near()
    cli("resolve", "undo", str(decided["decision"]["decision_id"]), *root)
    assert identity_world.COMPANY not in near()


def test_a_rebuild_keeps_the_analysts_word_and_never_redecides_an_undone_pair(world) -> None:  # type: ignore[no-untyped-def]
    home, _ = world
    root = ["--home", str(home.root)]
    files = identity_world.write(home.root.parent / "again")
    automatic = next(d for d in cli("resolve", "candidates", "--judgement", "positive", *root))
    cli("resolve", "undo", str(automatic["decision_id"]), *root)
    cli("resolve", "decide", "C2", "RD1", "--judgement", "negative", "--why", "born 1985", *root)
    summary = build_graph(home, GraphSources(files))
    assert summary.identities["new_decisions"] == {}
    judged = live(home)
    assert ("C1", "E1") not in judged
    assert judged[("C2", "RD1")] == "negative"
    assert identities(home) == {}


# -- the store -----------------------------------------------------------------------------


def test_undo_brings_back_exactly_the_decision_replaced(home) -> None:  # type: ignore[no-untyped-def]
    from sever.network.merge_store import Proposal

    with MergeStore.of(home) as store:
        store.record_automatic([Proposal("same_as", "B", "A", "positive", 0.99, ("why",))])
        first = store.live()[0]
        second = store.decide("A", "B", "negative", why="different fathers", user="bob")
        third = store.decide("B", "A", "unsure", why="ask the bank", user="carol")
        assert [d.decision_id for d in store.live()] == [third.decision_id]
        assert store.undo(third.decision_id, user="carol") == store.get(second.decision_id)
        assert store.undo(second.decision_id, user="bob") == store.get(first.decision_id)
        assert store.live()[0].judgement == "positive" and store.live()[0].automatic
        history = store.history("A")
        assert [d.retired_how for d in history] == [None, "undone", "undone"]
        with pytest.raises(Exception, match="not in force"):
            store.undo(third.decision_id)


def test_committed_decisions_survive_a_process_that_dies(home) -> None:  # type: ignore[no-untyped-def]
    script = (
        "import os\n"
        "from sever.home import Home\n"
        "from sever.network.merge_store import MergeStore\n"
        f"store = MergeStore.of(Home.resolve({str(home.root)!r}))\n"
        "store.decide('A', 'B', 'positive', why='same passport', user='alice')\n"
        "os._exit(9)\n"
    )
    died = subprocess.run([sys.executable, "-c", script], check=False)
    assert died.returncode == 9
    with MergeStore.of(home, read_only=True) as store:
        assert store.judged("same_as") == {("A", "B"): "positive"}


def test_big_blocks_are_not_paired(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"party_id": f"P{i:04d}", "schema": "Person", "name": "James Smith", "address": "1 Main St"}
        for i in range(400)
    ]
    path = tmp_path / "parties.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    summary = build_graph(Home.resolve(tmp_path / "home"), GraphSources({"parties": path}))
    assert summary.identities["candidate_pairs"] == 0
    assert summary.identities["skipped_blocks"] >= 1


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decide", "RD1", "NOPE", "--judgement", "positive", "--why", "x"], "RIGHT: no record"),
        (["decide", "RD1", "C1", "--judgement", "maybe", "--why", "x"], "judgement must be one"),
        (["decide", "RD1", "C1", "--judgement", "positive", "--why", " "], "say why"),
        (["decide", "C1", "C1", "--judgement", "positive", "--why", "x"], "against itself"),
        (["undo", "999"], "no decision 999"),
        (["candidates", "--judgement", "maybe"], "--judgement: use one of"),
    ],
)
def test_bad_requests_are_one_line(world, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    home, _ = world
    result = runner.invoke(app, ["network", "resolve", *args, "--home", str(home.root)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.count("error:") == 1 and message in result.output.replace("\n", " ")


def test_build_without_resolution_records_nothing_new(tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = identity_world.write(tmp_path / "in")
    root = ["--home", str(tmp_path / "home")]
    built = runner.invoke(
        app, ["network", "build", "--world", str(tmp_path / "in"), "--no-resolve", *root]
    )
    assert built.exit_code == 0, built.output
    assert files and live(Home.resolve(tmp_path / "home")) == {}


def test_one_holding_stated_by_two_records_of_a_company_is_counted_once() -> None:
    from sever.network.blocked import _per_identity

    identity = {"RD1": "C1", "C1": "C1", "A9": "A1", "A1": "A1"}
    # The registry (A1) and the bank's own file (A9) both state the director's 30 %.
    twice = [("RD1", "A1", 0.3, None, None, "registry"), ("C1", "A9", 0.3, None, None, "kyc")]
    assert [(s.owner, s.asset, s.share) for s in _per_identity(twice, identity)] == [
        ("C1", "A1", 0.3)
    ]
    # One record naming the same man twice, under two spellings: two blocks of shares, summed.
    split = [("RD1", "A1", 0.2, None, None, "registry"), ("C1", "A1", 0.1, None, None, "registry")]
    assert sum(s.share for s in _per_identity(split, identity)) == pytest.approx(0.3)
