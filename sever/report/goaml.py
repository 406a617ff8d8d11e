"""A case as a goAML suspicious transaction report (``report_code`` STR), valid against the UNODC
goAML 5.0.1 schema or the FIU's own schema (``--xsd``).

The report names the reporting entity (``rentity_id``, branch, reporting person and address from
the report settings), gives the narrative as its ``reason``, and lists each payment of the case
as a ``transaction`` from one account to another (``t_from``/``t_to``) in USD. An account that is
a subject of the case is reported as held at the filer; a counterparty's institution is not
known to sever and is reported as ``unknown``. A case whose findings list no payments (e.g. a
screening match alone) is reported as an ``activity`` naming its subjects instead. Lookup codes
(``transmode_code``, ``funds_code``, ``address_type``, ``indicators``) are the FIU's: set them in
the settings; goAML's generic ``-`` is used until then. Only elements that goAML 5.0.1 supports
are written (none marked ``supportedIn`` 5.1 or later).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from sever.report.facts import CaseFacts, Party, Payment, ReportError, require
from sever.report.settings import Filer, GoamlSettings
from sever.report.validate import GOAML_XSD, check

COMMENT_CHARS = 8000
UNKNOWN = "unknown"


def _el(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = text
    return node


def _when(value: datetime) -> str:
    """goAML's ``sql_date``: a date and time without a zone, here in UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _cut(text: str, longest: int) -> str:
    return text if len(text) <= longest else text[: longest - 1] + "…"


def _account(
    parent: etree._Element, tag: str, number: str, filer: Filer, goaml: GoamlSettings, ours: bool
) -> None:
    node = _el(parent, tag)
    _el(node, "institution_name", _cut(filer.name if ours else UNKNOWN, 255))
    if ours and goaml.swift:
        _el(node, "swift", goaml.swift)
    else:
        _el(node, "institution_code", _cut(filer.tin if ours else UNKNOWN, 50))
    _el(node, "account", _cut(number, 255))


def _transaction(
    report: etree._Element, payment: Payment, facts: CaseFacts, filer: Filer, goaml: GoamlSettings
) -> None:
    ours = {p.id for p in facts.subjects if p.kind == "account"}
    node = _el(report, "transaction")
    _el(node, "transactionnumber", _cut(payment.tx_id, 100))
    _el(node, "transaction_location", _cut(filer.name, 255))
    _el(
        node,
        "transaction_description",
        f"Payment of USD {payment.amount:,.2f} from {payment.source} to {payment.target}, "
        f"named in sever case {facts.case_id}",
    )
    _el(node, "date_transaction", _when(payment.when or facts.start or datetime.now(UTC)))
    _el(node, "transmode_code", goaml.transmode_code)
    _el(node, "amount_local", f"{payment.amount:.2f}")
    for side, account in (("from", payment.source), ("to", payment.target)):
        party = _el(node, f"t_{side}")
        _el(party, f"{side}_funds_code", goaml.funds_code)
        held = account in ours
        _account(party, f"{side}_account", account or UNKNOWN, filer, goaml, held)
        _el(party, f"{side}_country", filer.country if held else "-")


def _report_party(
    parties: etree._Element, subject: Party, filer: Filer, goaml: GoamlSettings
) -> None:
    node = _el(parties, "report_party")
    if subject.kind == "account":
        _account(node, "account", subject.id, filer, goaml, True)
    else:
        entity = _el(node, "entity")
        _el(entity, "name", _cut(subject.name, 255))
    _el(node, "reason", _cut(f"{subject.kind} {subject.id} is a subject of the case", 8000))


def build_goaml(
    facts: CaseFacts,
    filer: Filer,
    goaml: GoamlSettings | None,
    *,
    xsd: Path | None = None,
    submitted: datetime | None = None,
) -> bytes:
    """The goAML STR XML of one case, checked against ``xsd`` (default goAML 5.0.1)."""
    if goaml is None:
        raise ReportError(
            "report settings: a goAML report needs a [goaml] table with rentity_id and "
            "reporting_person"
        )
    require(facts, "a goAML report")
    report = etree.Element("report")
    _el(report, "rentity_id", str(goaml.rentity_id))
    _el(report, "rentity_branch", _cut(goaml.rentity_branch, 255))
    _el(report, "submission_code", "E")
    _el(report, "report_code", "STR")
    _el(report, "entity_reference", f"sever-case-{facts.case_id}")
    _el(report, "submission_date", _when(submitted or datetime.now(UTC)))
    _el(report, "currency_code_local", "USD")
    person = _el(report, "reporting_person")
    first, _, last = goaml.reporting_person.rpartition(" ")
    _el(person, "first_name", _cut(first, 100))
    _el(person, "last_name", _cut(last, 100))
    location = _el(report, "location")
    _el(location, "address_type", goaml.address_type)
    _el(location, "address", _cut(filer.address or filer.name, 100))
    _el(location, "city", _cut(filer.city or UNKNOWN, 255))
    _el(location, "country_code", filer.country)
    _el(report, "reason", _cut(facts.narrative(filer.name), COMMENT_CHARS))
    if facts.payments:
        for payment in facts.payments:
            _transaction(report, payment, facts, filer, goaml)
    else:
        activity = _el(report, "activity")
        parties = _el(activity, "report_parties")
        for subject in facts.subjects:
            _report_party(parties, subject, filer, goaml)
    indicators = _el(report, "report_indicators")
    for code in goaml.indicators:
        _el(indicators, "indicator", code)
    document = etree.tostring(report, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    check(document, xsd or GOAML_XSD, f"the goAML report of case {facts.case_id}")
    return document
