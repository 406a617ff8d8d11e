"""The store and the workflow, on SQLite and PostgreSQL alike: migrations, idempotent ingest,
the grouping rule, the allowed moves, reasons, due dates, attachments, roles and four-eyes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from sever.alerts import write_findings
from sever.cases.ingest import GROUP_DAYS, ingest_files, ingest_findings
from sever.cases.roles import Actor, NotAllowed
from sever.cases.store import CaseStore, utc
from sever.cases.workflow import (
    MOVES,
    STATES,
    BadMove,
    CaseNotFound,
    add_note,
    assign,
    attach,
    attachment_path,
    decide,
    list_cases,
    record_draft,
    show_case,
)
from sever.errors import InputError
from sever.home import Home
from tests.cases.conftest import ADMIN, ANALYST, REVIEWER, VIEWER, new_postgres_database
from tests.cases.findings import DAY0, account_alert, wallet_alert


def test_the_schema_is_migrated_to_the_newest_revision_on_first_use(store: CaseStore) -> None:
    with store.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == "0005"
    store.migrate()  # a second time is a no-op


def test_ingesting_the_same_file_twice_adds_nothing(store: CaseStore, tmp_path: Path) -> None:
    path = write_findings(
        [account_alert("a1", "acc-1"), account_alert("a2", "acc-2")], tmp_path / "alerts.parquet"
    )
    first = ingest_files(store, ANALYST, [path])
    again = ingest_files(store, ANALYST, [path])
    assert (first.added, first.known, len(first.opened)) == (2, 0, 2)
    assert (again.added, again.known, again.opened) == (0, 2, [])
    assert len(list_cases(store)) == 2


def test_findings_about_one_subject_within_30_days_share_a_case(store: CaseStore) -> None:
    near = DAY0 + timedelta(days=GROUP_DAYS)
    far = near + timedelta(days=GROUP_DAYS + 1)
    result = ingest_findings(
        store,
        ANALYST,
        [
            account_alert("a1", "acc-1", DAY0),
            account_alert("a2", "acc-1", near),  # within 30 days of a1: joins
            account_alert("a3", "acc-1", far),  # 31 days after a2: a new case
            account_alert("a4", "acc-2", DAY0, others=("acc-1",)),  # acc-1 only a counterparty
        ],
        "test",
    )
    by_subject = sorted((c["subject"]["id"], c["finding_count"]) for c in list_cases(store))
    assert by_subject == [("acc-1", 1), ("acc-1", 2), ("acc-2", 1)]
    assert len(result.opened) == 3


def test_a_shared_list_entry_alone_does_not_group(store: CaseStore) -> None:
    ingest_findings(
        store,
        ANALYST,
        [wallet_alert("w1", "0xaaa", "ofac-1"), wallet_alert("w2", "0xbbb", "ofac-1")],
        "t",
    )
    assert sorted(c["subject"]["id"] for c in list_cases(store)) == ["0xaaa", "0xbbb"]


def test_a_closed_case_takes_no_new_findings(store: CaseStore) -> None:
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    decide(store, ANALYST, 1, "closed_no_action", "known payroll pattern")
    result = ingest_findings(
        store, ANALYST, [account_alert("a2", "acc-1", DAY0 + timedelta(1))], "t"
    )
    assert result.opened == [2]


def test_a_case_is_due_30_days_after_detection(store: CaseStore) -> None:
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    (case,) = list_cases(store)
    assert utc_of(case["due_at"]) - utc_of(case["detected_at"]) == timedelta(days=30)
    assert case["overdue"] is False


def utc_of(text_: str) -> datetime:
    return utc(datetime.fromisoformat(text_))


def test_every_state_and_move_follows_the_documented_graph(store: CaseStore) -> None:
    assert set(MOVES) == set(STATES)
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    with pytest.raises(BadMove, match="it can move to in_review"):
        decide(store, ANALYST, 1, "escalated", "skip review")
    decide(store, ANALYST, 1, "in_review", "looking")
    decide(store, ANALYST, 1, "escalated", "structuring below 10k")
    with pytest.raises(BadMove, match="no drafted report"):
        decide(store, REVIEWER, 1, "reported", "filed")
    with pytest.raises(InputError, match="choose one of"):
        decide(store, ANALYST, 1, "done", "x")
    with pytest.raises(CaseNotFound):
        decide(store, ANALYST, 99, "in_review", "x")


@pytest.mark.parametrize("reason", ["", "   "])
def test_every_decision_carries_a_reason(store: CaseStore, reason: str) -> None:
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    with pytest.raises(InputError, match="reason"):
        decide(store, ANALYST, 1, "in_review", reason)
    assert show_case(store, 1)["state"] == "new"


def test_the_drafter_cannot_file_their_own_report(store: CaseStore) -> None:
    drafter = Actor("dee", "reviewer")
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    decide(store, ANALYST, 1, "in_review", "looking")
    decide(store, ANALYST, 1, "escalated", "suspicious")
    record_draft(store, drafter, 1, "sar", "0" * 64)
    with pytest.raises(NotAllowed, match="four-eyes"):
        decide(store, drafter, 1, "reported", "filed")
    with pytest.raises(NotAllowed, match="reviewer role"):
        decide(store, ANALYST, 1, "reported", "filed")
    view = decide(store, REVIEWER, 1, "reported", "filed with FinCEN")
    assert view["state"] == "reported"
    assert [d["actor"] for d in show_case(store, 1)["decisions"]] == ["ann", "ann", "rob"]


def test_a_viewer_reads_but_changes_nothing(store: CaseStore) -> None:
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    for change in (
        lambda: decide(store, VIEWER, 1, "closed_no_action", "x"),
        lambda: add_note(store, VIEWER, 1, "x"),
        lambda: assign(store, VIEWER, 1, "val"),
        lambda: ingest_findings(store, VIEWER, [account_alert("a2", "acc-2")], "t"),
    ):
        with pytest.raises(NotAllowed, match="viewer"):
            change()
    assert show_case(store, 1)["version"] == list_cases(store)[0]["version"]
    assert len(list_cases(store)) == 1


def test_reopening_a_closed_case_needs_a_reviewer(store: CaseStore) -> None:
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    decide(store, ANALYST, 1, "closed_no_action", "nothing unusual")
    with pytest.raises(NotAllowed):
        decide(store, ANALYST, 1, "in_review", "reopen")
    assert decide(store, ADMIN, 1, "in_review", "new information")["state"] == "in_review"


def test_assignment_notes_and_attachments_are_kept(store: CaseStore, tmp_path: Path) -> None:
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    evidence = tmp_path / "export.csv"
    evidence.write_bytes(b"tx_id,amount\nt1,9500\n")
    assign(store, ANALYST, 1, "ann")
    add_note(store, ANALYST, 1, "Called the branch.")
    kept = attach(store, ANALYST, 1, evidence)
    evidence.write_bytes(b"changed afterwards")
    view = show_case(store, 1)
    assert view["assignee"] == "ann"
    assert [n["text"] for n in view["notes"]] == ["Called the branch."]
    assert view["attachments"][0]["sha256"] == kept["sha256"]
    assert attachment_path(store, kept["sha256"]).read_bytes() == b"tx_id,amount\nt1,9500\n"
    assert list_cases(store, assignee="ann")[0]["id"] == 1


def test_a_stale_version_is_refused(store: CaseStore) -> None:
    ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
    version = show_case(store, 1)["version"]
    add_note(store, ANALYST, 1, "someone else wrote first")
    with pytest.raises(BadMove, match="changed since version"):
        decide(store, ANALYST, 1, "in_review", "x", version=version)


def test_a_new_database_is_migrated_when_first_opened(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    home = Home.resolve(tmp_path / "fresh")
    if database.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url = new_postgres_database(request.getfixturevalue("postgres_server"))
    store = CaseStore.open(home, url)
    try:
        ingest_findings(store, ANALYST, [account_alert("a1", "acc-1")], "t")
        assert len(list_cases(store)) == 1
    finally:
        store.close()


def test_a_finding_without_a_subject_is_refused_and_nothing_is_added(store: CaseStore) -> None:
    from dataclasses import replace

    from sever.cases.ingest import NoSubject

    orphan = replace(account_alert("a2", "acc-2"), accounts=(), evidence={})
    with pytest.raises(NoSubject, match="names no subject"):
        ingest_findings(store, ANALYST, [account_alert("a1", "acc-1"), orphan], "t")
    assert list_cases(store) == []
