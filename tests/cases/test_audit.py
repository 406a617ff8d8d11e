"""The audit chain names the first bad record: edited, deleted, reordered or inserted, tampered
with directly in the database, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from sever.cases import audit
from sever.cases.ingest import ingest_findings
from sever.cases.store import CaseStore
from sever.cases.workflow import add_note, decide
from sever.cli import app
from tests.cases.conftest import ANALYST
from tests.cases.findings import account_alert


def worked(store: CaseStore) -> int:
    """A store with some history; returns how many audit records it holds."""
    ingest_findings(
        store, ANALYST, [account_alert("a1", "acc-1"), account_alert("a2", "acc-2")], "t"
    )
    for n in range(3):
        add_note(store, ANALYST, 1, f"note {n}")
    decide(store, ANALYST, 2, "closed_no_action", "seen before")
    with store.read() as session:
        return len(list(audit.records(session)))


def verdict(store: CaseStore, anchor: str | None = None) -> audit.Verdict:
    with store.read() as session:
        return audit.verify(session, anchor)


def tamper(store: CaseStore, *statements: str) -> None:
    with store.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_an_untouched_chain_verifies(store: CaseStore) -> None:
    count = worked(store)
    result = verdict(store)
    assert result.ok and result.records == count == result.head_seq


def test_one_edited_byte_is_named(store: CaseStore) -> None:
    worked(store)
    tamper(store, "UPDATE audit SET payload = replace(payload, 'note 1', 'note 7') WHERE seq = 7")
    result = verdict(store)
    assert (result.ok, result.bad_seq) == (False, 7)
    assert "edited" in result.problem


def test_a_deleted_record_is_named(store: CaseStore) -> None:
    worked(store)
    tamper(store, "DELETE FROM audit WHERE seq = 4")
    result = verdict(store)
    assert (result.ok, result.bad_seq) == (False, 4)
    assert "missing" in result.problem


def test_a_record_deleted_from_the_end_is_named(store: CaseStore) -> None:
    count = worked(store)
    tamper(store, f"DELETE FROM audit WHERE seq = {count}")
    assert verdict(store).bad_seq == count


def test_two_reordered_records_are_named(store: CaseStore) -> None:
    worked(store)
    tamper(
        store,
        "UPDATE audit SET seq = -1 WHERE seq = 5",
        "UPDATE audit SET seq = 5 WHERE seq = 6",
        "UPDATE audit SET seq = 6 WHERE seq = -1",
    )
    result = verdict(store)
    assert (result.ok, result.bad_seq) == (False, 5)
    assert "out of place" in result.problem


def test_an_inserted_record_is_named(store: CaseStore) -> None:
    count = worked(store)
    with store.read() as session:
        third = session.execute(text("SELECT hash FROM audit WHERE seq = 3")).scalar()
    shift = [f"UPDATE audit SET seq = {seq + 1} WHERE seq = {seq}" for seq in range(count, 3, -1)]
    forged = (
        "INSERT INTO audit (seq, at, actor, action, target, payload, prev_hash, hash) VALUES "
        f"(4, '2024-01-01T00:00:00+00:00', 'mallory', 'case.note', 'case:1', '{{}}', "
        f"'{third}', '{'f' * 64}')"
    )
    tamper(store, *shift, forged)
    result = verdict(store)
    assert (result.ok, result.bad_seq) == (False, 4)


def test_a_record_appended_past_the_head_is_named(store: CaseStore) -> None:
    count = worked(store)
    with store.read() as session:
        last = session.execute(text(f"SELECT hash FROM audit WHERE seq = {count}")).scalar()
    at = "2024-01-01T00:00:00+00:00"
    sealed = audit.record_hash(last, count + 1, at, "mallory", "case.note", "case:1", "{}")
    tamper(
        store,
        "INSERT INTO audit (seq, at, actor, action, target, payload, prev_hash, hash) VALUES "
        f"({count + 1}, '{at}', 'mallory', 'case.note', 'case:1', '{{}}', '{last}', '{sealed}')",
    )
    assert verdict(store).bad_seq == count + 1


def test_an_anchored_head_must_be_in_the_chain(store: CaseStore) -> None:
    worked(store)
    head = verdict(store).head_hash
    assert verdict(store, head).ok
    assert not verdict(store, "a" * 64).ok


def test_the_cli_verifies_exports_and_exits_1_on_a_broken_chain(
    store: CaseStore, database: str, tmp_path: Path
) -> None:
    worked(store)
    home = ["--home", str(store.home.root), "--database", database]
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", *home])
    assert ok.exit_code == 0 and "audit chain intact" in ok.output
    out = tmp_path / "chain.json"
    exported = runner.invoke(app, ["audit", "export", "--out", str(out), *home, "--json"])
    assert exported.exit_code == 0
    chain = json.loads(out.read_text())
    assert chain["head"]["hash"] == chain["records"][-1]["hash"]
    tamper(store, "UPDATE audit SET actor = 'mallory' WHERE seq = 2")
    broken = runner.invoke(app, ["audit", "verify", *home, "--json"])
    assert broken.exit_code == 1
    assert json.loads(broken.stdout)["bad_seq"] == 2
