"""``sever cases``, ``sever users`` and ``sever audit`` at the command line: JSON for scripts, one
line and exit 2 for every mistake a user can make."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sever.alerts import write_findings
from sever.cli import app
from tests.cases.findings import account_alert

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def sever(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run ``sever …`` over a fresh home as the local user ``ada``; returns (code, stdout,
    stderr)."""
    monkeypatch.setenv("SEVER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SEVER_USER", "ada")
    monkeypatch.delenv("SEVER_DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture
def alerts(tmp_path: Path) -> Path:
    return write_findings(
        [account_alert("a1", "acc-1"), account_alert("a2", "acc-1"), account_alert("a3", "acc-2")],
        tmp_path / "alerts.jsonl",
    )


def test_ingest_list_show_and_decide(sever: Run, alerts: Path) -> None:
    code, out, _ = sever("cases", "ingest", str(alerts), "--json")
    assert code == 0 and json.loads(out)["cases_opened"] == [1, 2]
    code, out, _ = sever("cases", "ingest", str(alerts), "--json")
    assert json.loads(out)["added"] == 0 and json.loads(out)["known"] == 3
    code, out, _ = sever("cases", "list", "--json")
    assert [(c["id"], c["finding_count"]) for c in json.loads(out)] == [(1, 2), (2, 1)]
    assert sever("cases", "assign", "1", "ada")[0] == 0
    assert sever("cases", "note", "1", "Asked the branch for KYC.")[0] == 0
    code, out, _ = sever("cases", "decide", "1", "in_review", "--reason", "reviewing", "--json")
    assert code == 0 and json.loads(out)["state"] == "in_review"
    code, out, _ = sever("cases", "close", "2", "--as", "no_action", "--reason", "payroll")
    assert code == 0 and "closed_no_action" in out
    code, out, _ = sever("cases", "show", "1", "--json")
    shown = json.loads(out)
    assert shown["assignee"] == "ada" and shown["notes"][0]["author"] == "ada"
    assert len(shown["findings"]) == 2
    code, out, _ = sever("cases", "list", "--state", "open", "--json")
    assert [c["id"] for c in json.loads(out)] == [1]
    assert sever("audit", "verify")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cases", "decide", "1", "escalated", "--reason", "x"], "it can move to in_review"),
        (["cases", "decide", "1", "in_review", "--reason", " "], "reason"),
        (["cases", "close", "1", "--as", "maybe", "--reason", "x"], "false_positive or no_action"),
        (["cases", "show", "7"], "case 7: no such case"),
        (["cases", "list", "--state", "pending"], "choose one of"),
        (["cases", "ingest", "missing.csv"], "missing.csv"),
        (["users", "add", "bob", "--role", "viewer"], "first user must be an admin"),
        (["users", "add", "bob", "--role", "boss"], "choose one of"),
        (["cases", "list", "--database", "nosuch://x"], "cases database"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    sever: Run,
    alerts: Path,
    args: list[str],
    message: str,
) -> None:
    sever("cases", "ingest", str(alerts))
    code, _, err = sever(*args)
    assert code == 2
    assert err.startswith("error:") and message in err and len(err.strip().splitlines()) == 1


def test_users_get_a_key_once_and_then_every_command_names_one(sever: Run, alerts: Path) -> None:
    code, out, _ = sever("users", "add", "ada", "--role", "admin", "--json")
    assert code == 0 and json.loads(out)["api_key"].startswith("sev_")
    assert sever("users", "add", "vic", "--role", "viewer")[0] == 0
    code, out, _ = sever("users", "list", "--json")
    assert [(u["name"], u["role"]) for u in json.loads(out)] == [
        ("ada", "admin"),
        ("vic", "viewer"),
    ]
    assert "api_key" not in out and "key_hash" not in out
    code, _, err = sever("cases", "ingest", str(alerts), "--user", "vic")
    assert code == 2 and "needs the analyst role" in err
    code, _, err = sever("cases", "ingest", str(alerts), "--user", "eve")
    assert code == 2 and "not a sever user" in err
    assert sever("users", "disable", "vic")[0] == 0
    code, _, err = sever("cases", "list", "--json")
    assert code == 0
    code, _, err = sever("cases", "note", "1", "x", "--user", "vic")
    assert code == 2 and "disabled" in err
