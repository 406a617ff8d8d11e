"""A realistic escalated case to report on, in a SQLite store over a fresh home, and the filer's
settings file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sever.alerts import Alert, Subject
from sever.cases.ingest import ingest_findings
from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.cases.workflow import decide
from sever.home import Home

ADMIN = Actor("ada", "admin")
ANALYST = Actor("ann", "analyst")
REVIEWER = Actor("rob", "reviewer")
SECOND_REVIEWER = Actor("rae", "reviewer")

T0 = datetime(2024, 3, 4, 9, 15, tzinfo=UTC)

SETTINGS = """
[filer]
name = "Example Bank, N.A."
tin = "123456789"
regulator = "occ"
address = "1 Main Street"
city = "Rockville"
state = "MD"
zip = "20852"
phone = "3015550100"

[goaml]
rentity_id = 1234
reporting_person = "Jane Doe"
"""


def structuring_alert() -> Alert:
    """A monitor alert as `sever monitor run` writes it: eight cash-like payments just under the
    USD 10,000 threshold from one account to five others, with its payments in the evidence."""
    edges = [
        {
            "tx_id": f"tx-{i:03d}",
            "src_account": "ACC-100",
            "dst_account": f"ACC-{200 + i % 5}",
            "amount_usd": 9_400.0 + 25 * i,
            "timestamp": (T0 + timedelta(hours=7 * i)).isoformat(),
        }
        for i in range(8)
    ]
    return Alert(
        alert_id="structuring-5f1c",
        typology="structuring",
        rule_id="structuring",
        severity="high",
        accounts=tuple(sorted({"ACC-100"} | {e["dst_account"] for e in edges})),
        tx_ids=tuple(e["tx_id"] for e in edges),
        amount=sum(e["amount_usd"] for e in edges),
        period_start=T0,
        period_end=T0 + timedelta(hours=49),
        score=0.8,
        evidence={"focus": "ACC-100", "edges": edges, "metrics": {"count": 8}},
        explanation=(
            "ACC-100 sent 8 payments of USD 9,400 to 9,575 within 3 days, each under the "
            "USD 10,000 currency transaction report threshold."
        ),
    )


def rapid_alert() -> Alert:
    """A second monitor alert on the same account, sharing one payment with the first."""
    edges = [
        {"tx_id": "tx-000", "src_account": "ACC-100", "dst_account": "ACC-200",
         "amount_usd": 9_400.0, "timestamp": T0.isoformat()},
        {"tx_id": "tx-900", "src_account": "ACC-200", "dst_account": "ACC-777",
         "amount_usd": 9_350.0, "timestamp": (T0 + timedelta(hours=2)).isoformat()},
    ]  # fmt: skip
    return Alert(
        alert_id="rapid-77aa",
        typology="rapid_movement",
        rule_id="rapid_movement",
        severity="medium",
        accounts=("ACC-100", "ACC-200", "ACC-777"),
        tx_ids=("tx-000", "tx-900"),
        amount=18_750.0,
        period_start=T0,
        period_end=T0 + timedelta(hours=2),
        score=0.6,
        evidence={"focus": "ACC-100", "edges": edges},
        explanation="Funds into ACC-200 left again within 2 hours to ACC-777.",
    )


def name_only_alert() -> Alert:
    """A finding whose only subject is a list entry: it names no customer."""
    return Alert(
        alert_id="entity-only",
        typology="sanctioned_alias",
        rule_id="screen",
        severity="medium",
        accounts=(),
        tx_ids=(),
        amount=0.0,
        period_start=T0,
        period_end=T0,
        score=0.5,
        explanation="A list entry was seen.",
        verb="screen",
        subjects=(Subject("entity", "NK-ABC123", "KOREA KWANGSON BANKING CORP"),),
    )


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report-template") / "cases.db"
    CaseStore.open(Home.resolve(path.parent / "home"), f"sqlite:///{path}").close()
    return path


@pytest.fixture
def store(tmp_path: Path, home: Home, _template: Path) -> Iterator[CaseStore]:
    """A migrated SQLite cases store over a fresh home holding the filer's settings."""
    path = tmp_path / "cases.db"
    shutil.copyfile(_template, path)
    (home.root / "report.toml").write_text(SETTINGS)
    opened = CaseStore.open(home, f"sqlite:///{path}")
    yield opened
    opened.close()


def escalate(store: CaseStore, case_id: int) -> None:
    decide(store, ANALYST, case_id, "in_review", "worth a look")
    decide(store, ANALYST, case_id, "escalated", "structuring below the CTR threshold")


@pytest.fixture
def case_id(store: CaseStore) -> int:
    """An escalated case about ACC-100 with two overlapping monitor alerts."""
    result = ingest_findings(store, ANALYST, [structuring_alert(), rapid_alert()], "alerts.jsonl")
    assert result.opened == [1]
    escalate(store, 1)
    return 1
