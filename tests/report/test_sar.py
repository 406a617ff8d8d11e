"""FinCEN SAR: a realistic case makes a SAR valid against FinCEN's XSD that says who, how much,
when, which categories and why; a case missing a part is refused, naming it, and nothing is
written."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from sever.alerts import TYPOLOGIES
from sever.cases.ingest import ingest_findings
from sever.cases.store import CaseStore
from sever.cases.workflow import show_case
from sever.report.categories import SAR_CATEGORIES, sar_categories
from sever.report.draft import draft_report
from sever.report.facts import ReportError, case_facts
from sever.report.sar import narrative_blocks
from sever.report.validate import FINCEN_XSD, check
from tests.report.conftest import ANALYST, escalate, name_only_alert, structuring_alert

NS = {"fc2": "www.fincen.gov/base"}


@pytest.fixture(scope="module")
def fincen() -> xmlschema.XMLSchema11:
    """FinCEN's schema, loaded here on its own (not through the code under test)."""
    return xmlschema.XMLSchema11(str(FINCEN_XSD))


def test_the_sar_of_a_realistic_case_validates_and_says_who_how_much_when_and_why(
    store: CaseStore, case_id: int, tmp_path: Path, fincen: xmlschema.XMLSchema11
) -> None:
    out = tmp_path / "sar.xml"
    drafted = draft_report(store, ANALYST, case_id, "sar", out)
    assert list(fincen.iter_errors(str(out))) == []
    tree = etree.parse(str(out))
    text = lambda path: tree.xpath(path, namespaces=NS)  # noqa: E731
    assert text("//fc2:FormTypeCode/text()") == ["SARX"]
    roles = text("//fc2:Activity/fc2:Party/fc2:ActivityPartyTypeCode/text()")
    assert sorted(roles) == sorted(["35", "37", "30", "8", "34", "33"])
    # tx-000 is in both alerts and counts once: 8 structuring payments + tx-900, rounded up.
    total = sum(9_400.0 + 25 * i for i in range(8)) + 9_350.0
    assert text("//fc2:TotalSuspiciousAmountText/text()") == [str(int(total))]
    assert text("//fc2:SuspiciousActivityFromDateText/text()") == ["20240304"]
    assert text("//fc2:SuspiciousActivityToDateText/text()") == ["20240306"]
    subtypes = text("//fc2:SuspiciousActivitySubtypeID/text()")
    assert sorted(subtypes) == ["114", "805", "812"]  # structuring; rapid movement
    accounts = text("//fc2:Party[fc2:ActivityPartyTypeCode='33']//fc2:AccountNumberText/text()")
    assert accounts == ["ACC-100"]
    narrative = "".join(text("//fc2:ActivityNarrativeText/text()"))
    assert "each under the USD 10,000 currency transaction report threshold" in narrative
    assert "Example Bank, N.A. reports suspicious activity by account ACC-100" in narrative
    assert drafted.drafted_by == ANALYST.name
    case = show_case(store, case_id)
    assert [a["name"] for a in case["attachments"]] == ["sar.xml"]
    assert case["attachments"][0]["sha256"] == drafted.sha256


@pytest.mark.parametrize(
    ("findings", "missing"),
    [
        ([name_only_alert()], "a subject"),
        ([replace(structuring_alert(), amount=0.0, evidence={"focus": "ACC-100"})], "an amount"),
    ],
    ids=["no subject", "no amount"],
)
def test_a_case_missing_a_part_is_refused_naming_it_and_nothing_is_written(
    store: CaseStore, tmp_path: Path, findings: list, missing: str
) -> None:
    ingest_findings(store, ANALYST, findings, "t")
    escalate(store, 1)
    out = tmp_path / "sar.xml"
    with pytest.raises(ReportError, match=f"case 1: cannot draft a SAR: missing {missing}"):
        draft_report(store, ANALYST, 1, "sar", out)
    assert not out.exists() and list(tmp_path.glob(".sar.xml*")) == []
    assert show_case(store, 1)["drafted_by"] is None


def test_the_schema_check_refuses_an_invalid_document(tmp_path: Path) -> None:
    broken = b'<fc2:EFilingBatchXML xmlns:fc2="www.fincen.gov/base"/>'
    with pytest.raises(ReportError, match=r"does not validate against EFL_SARXBatchSchema\.xsd"):
        check(broken, FINCEN_XSD, "the SAR")


def test_every_typology_maps_to_categories_the_fincen_schema_knows() -> None:
    schema = FINCEN_XSD.read_text()
    block = schema[schema.index('name="ValidateSuspiciousActivitySubtypeID"') :]
    known = set(re.findall(r'enumeration value="(\d+)"', block[: block.index("</xsd:simpleType>")]))
    assert set(TYPOLOGIES) <= set(SAR_CATEGORIES)
    used = {str(c.subtype_id) for cats in SAR_CATEGORIES.values() for c in cats}
    assert used <= known
    for category in sar_categories(TYPOLOGIES):  # each subtype once, texts within 50 characters
        assert len(category.other) <= 50
    assert len({c.subtype_id for c in sar_categories(TYPOLOGIES)}) == len(
        sar_categories(TYPOLOGIES)
    )


def test_a_long_narrative_is_cut_into_the_schemas_blocks() -> None:
    blocks = narrative_blocks("x" * 30_000)
    assert len(blocks) == 5 and all(len(b) <= 4000 for b in blocks)
    assert blocks[-1].endswith("see the case report]")
    assert narrative_blocks("short") == ["short"]


def test_facts_count_a_payment_shared_by_two_findings_once(store: CaseStore, case_id: int) -> None:
    facts = case_facts(show_case(store, case_id))
    assert [p.tx_id for p in facts.payments].count("tx-000") == 1
    assert len(facts.payments) == 9
