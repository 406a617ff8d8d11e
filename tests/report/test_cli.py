"""``sever report`` at the command line: a draft needs an escalated case; its drafter cannot
file it (four-eyes) and another reviewer can; every mistake is one line and exit 2; the PDF case
report and its HTML twin carry the narrative, the payments and the charts, and fetch nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sever.alerts import write_findings
from sever.cli import app
from tests.report.conftest import SETTINGS, rapid_alert, structuring_alert

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def sever(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``sever …`` over a fresh home holding the filer's settings, as the local user ``ada``."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "report.toml").write_text(SETTINGS)
    monkeypatch.setenv("SEVER_HOME", str(home))
    monkeypatch.setenv("SEVER_USER", "ada")
    monkeypatch.delenv("SEVER_DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str, user: str = "ada") -> tuple[int, str, str]:
        result = runner.invoke(app, list(args), env={"SEVER_USER": user})
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture
def case(sever: Run, tmp_path: Path) -> str:
    alerts = write_findings([structuring_alert(), rapid_alert()], tmp_path / "alerts.jsonl")
    assert sever("cases", "ingest", str(alerts))[0] == 0
    return "1"


def test_a_draft_needs_an_escalated_case(sever: Run, case: str, tmp_path: Path) -> None:
    code, out, err = sever("report", "sar", case, "--out", str(tmp_path / "sar.xml"))
    assert code == 2 and out == ""
    assert err.strip() == "error: case 1 is new; escalate it before drafting a report"
    assert not (tmp_path / "sar.xml").exists()


def test_the_drafter_cannot_file_and_another_reviewer_can(
    sever: Run, case: str, tmp_path: Path
) -> None:
    assert sever("users", "add", "ada", "--role", "admin")[0] == 0
    assert sever("users", "add", "rob", "--role", "reviewer")[0] == 0
    assert sever("users", "add", "rae", "--role", "reviewer")[0] == 0
    for state in ("in_review", "escalated"):
        assert sever("cases", "decide", case, state, "--reason", "pattern", user="rob")[0] == 0
    code, out, _ = sever("report", "sar", case, "--out", str(tmp_path / "sar.xml"), "--json",
                         user="rob")  # fmt: skip
    assert code == 0 and json.loads(out)["drafted_by"] == "rob"
    code, _, err = sever("cases", "decide", case, "reported", "--reason", "file", user="rob")
    assert code == 2 and "four-eyes: rob drafted the report of case 1" in err
    code, out, _ = sever("cases", "decide", case, "reported", "--reason", "reviewed", "--json",
                         user="rae")  # fmt: skip
    assert code == 0 and json.loads(out)["state"] == "reported"
    code, out, _ = sever("audit", "export", "--out", str(tmp_path / "audit.json"))
    chain = json.loads((tmp_path / "audit.json").read_text())
    actions = [record["action"] for record in chain["records"]]
    assert "report.draft" in actions and "case.attach" in actions


def test_missing_settings_are_one_line_naming_the_file(
    sever: Run, case: str, tmp_path: Path
) -> None:
    settings = tmp_path / "bad.toml"
    settings.write_text('[filer]\nname = "Example Bank"\n')
    sever("cases", "decide", case, "in_review", "--reason", "r")
    sever("cases", "decide", case, "escalated", "--reason", "r")
    code, _, err = sever("report", "sar", case, "--out", str(tmp_path / "s.xml"),
                         "--settings", str(settings))  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.strip() == f"error: {settings}, field 'filer.tin': missing (required)"
    code, _, err = sever("report", "goaml", case, "--out", str(tmp_path / "s.xml"),
                         "--xsd", str(tmp_path / "nowhere.xsd"))  # fmt: skip
    assert code == 2 and "nowhere.xsd: schema not found" in err


def test_the_pdf_report_carries_narrative_payments_and_charts_offline(
    sever: Run, case: str, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    code, printed, err = sever("report", "pdf", case, "--out", str(out), "--json")
    assert code == 0, err
    written = json.loads(printed)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000 and pdf.rstrip().endswith(b"%%EOF")
    html = Path(written["html"]).read_text()
    assert written["html"] == str(tmp_path / "report.html")
    assert "each under the USD 10,000 currency transaction report threshold" in html
    assert html.count("<svg") == 2  # amount over time, flow of funds
    assert "<td>tx-900</td>" in html and "9,350.00" in html
    references = re.findall(r'(?:href|src)="([^"]*)"|url\(([^)]*)\)', html)
    assert references and all((a or b).startswith("#") for a, b in references)  # all inline
    assert "@import" not in html
