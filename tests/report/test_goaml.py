"""goAML: a realistic case makes an STR valid against goAML 5.0.1, with its payments as
transactions between accounts; a case without payments reports its subjects as an activity; an
FIU's own schema (--xsd) is used instead when given, its anchored patterns read as patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from sever.alerts import Alert, Subject
from sever.cases.ingest import ingest_findings
from sever.cases.store import CaseStore
from sever.report.draft import draft_report
from sever.report.facts import ReportError
from sever.report.validate import GOAML_XSD, load_schema, strip_anchors
from tests.report.conftest import ANALYST, T0, escalate


@pytest.fixture(scope="module")
def goaml() -> xmlschema.XMLSchema11:
    """goAML 5.0.1, loaded here on its own (it has no anchored pattern in force)."""
    return xmlschema.XMLSchema11(str(GOAML_XSD))


def test_the_str_of_a_realistic_case_validates_with_transactions_and_accounts(
    store: CaseStore, case_id: int, tmp_path: Path, goaml: xmlschema.XMLSchema11
) -> None:
    out = tmp_path / "str.xml"
    draft_report(store, ANALYST, case_id, "goaml", out)
    assert list(goaml.iter_errors(str(out))) == []
    tree = etree.parse(str(out))
    assert tree.findtext("report_code") == "STR"
    assert tree.findtext("rentity_id") == "1234"
    assert tree.findtext("reporting_person/last_name") == "Doe"
    transactions = tree.findall("transaction")
    assert len(transactions) == 9
    first = transactions[0]
    assert first.findtext("transactionnumber") == "tx-000"
    assert first.findtext("amount_local") == "9400.00"
    assert first.findtext("date_transaction") == "2024-03-04T09:15:00"
    # The subject's account is held at the filer; the counterparty's institution is unknown.
    assert first.findtext("t_from/from_account/account") == "ACC-100"
    assert first.findtext("t_from/from_account/institution_name") == "Example Bank, N.A."
    assert first.findtext("t_to/to_account/institution_name") == "unknown"
    assert "currency transaction report threshold" in tree.findtext("reason")


def test_a_case_without_payments_reports_its_subjects_as_an_activity(
    store: CaseStore, tmp_path: Path, goaml: xmlschema.XMLSchema11
) -> None:
    hit = Alert(
        alert_id="screen-1", typology="sanctioned_alias", rule_id="screen", severity="critical",
        accounts=(), tx_ids=(), amount=250_000.0, period_start=T0, period_end=T0, score=0.97,
        explanation="Korea Sobaeksu Trading matched KOREA SOBAEKSU TRADING COMPANY on us_ofac_sdn.",
        verb="screen",
        subjects=(Subject("company", "C-17", "Korea Sobaeksu Trading"),
                  Subject("entity", "NK-xyz", "KOREA SOBAEKSU TRADING COMPANY")),
    )  # fmt: skip
    ingest_findings(store, ANALYST, [hit], "hits.jsonl")
    escalate(store, 1)
    out = tmp_path / "str.xml"
    draft_report(store, ANALYST, 1, "goaml", out)
    assert list(goaml.iter_errors(str(out))) == []
    tree = etree.parse(str(out))
    assert tree.find("transaction") is None
    assert tree.findtext("activity/report_parties/report_party/entity/name") == (
        "Korea Sobaeksu Trading"
    )


def test_an_fiu_schema_is_used_instead_and_a_refusal_names_it(
    store: CaseStore, case_id: int, tmp_path: Path
) -> None:
    fiu = tmp_path / "FIU.xsd"
    published = GOAML_XSD.read_text()
    assert '<xs:enumeration value="STR">' in published
    fiu.write_text(
        published.replace('<xs:enumeration value="STR">', '<xs:enumeration value="STX">')
    )
    with pytest.raises(ReportError, match=r"does not validate against FIU\.xsd"):
        draft_report(store, ANALYST, case_id, "goaml", tmp_path / "str.xml", xsd=fiu)
    assert not (tmp_path / "str.xml").exists()


def test_anchored_patterns_are_read_as_patterns(tmp_path: Path) -> None:
    assert strip_anchors("^[A-Z]{3}$") == "[A-Z]{3}"
    assert strip_anchors(r"^cost\$") == r"cost\$"
    xsd = tmp_path / "anchored.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="code">'
        '<xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="^[A-Z]{3}$"/>'
        "</xs:restriction></xs:simpleType></xs:element></xs:schema>"
    )
    schema = load_schema(xsd)
    assert schema.is_valid("<code>USD</code>")
    assert not schema.is_valid("<code>usd</code>")
    assert not xmlschema.XMLSchema11(str(xsd)).is_valid("<code>USD</code>")  # why we strip
