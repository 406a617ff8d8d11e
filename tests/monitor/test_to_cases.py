"""`sever monitor run --to-cases` puts the alerts into the case inbox, grouped by account."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from typer.testing import CliRunner

from sever.cases.store import CaseStore
from sever.cases.workflow import list_cases, list_findings
from sever.cli import app
from sever.home import Home
from tests.monitor.test_run import plant_fan_out, save

if TYPE_CHECKING:
    from conftest import Ledger


def test_run_to_cases_opens_a_case_for_the_alerted_account(ledger: Ledger, tmp_path: Path) -> None:
    plant_fan_out(ledger, "HUB", 5)
    paths = save(ledger, tmp_path)
    home = tmp_path / "home"
    args = [
        "monitor", "run", str(paths["transactions"]), "--accounts", str(paths["accounts"]),
        "--parties", str(paths["parties"]), "--to-cases", "--home", str(home), "--json",
    ]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert [a["rule_id"] for a in json.loads(first.stdout)["alerts"]] == ["fan_out"]
    again = CliRunner().invoke(app, args)  # the same alerts twice add nothing
    assert again.exit_code == 0, again.output
    store = CaseStore.open(Home.resolve(home))
    try:
        cases = list_cases(store)
        findings = list_findings(store)
    finally:
        store.close()
    assert [(c["subject"]["id"], c["state"]) for c in cases] == [("HUB", "new")]
    assert len(findings) == 1 and findings[0]["verb"] == "monitor"
