"""A case as a FinCEN SAR: one BSA E-Filing batch (``EFilingBatchXML``, form ``SARX``) holding one
activity, valid against ``EFL_SARXBatchSchema.xsd``.

The activity has the six parties the schema asks for (transmitter, transmitter contact, filer,
contact office, transaction location, and one subject per case subject), the suspicious activity
(amount, first and last date, the categories of :mod:`sever.report.categories`) and the narrative
in blocks of at most 4,000 characters. The filer's details come from the report settings
(:mod:`sever.report.settings`); the transmitter is the filer. Accounts appear as the subject's
affected accounts; wallets and list matches are named in the narrative, where FinCEN asks for
virtual-currency addresses (FIN-2019-A003).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count

from lxml import etree

from sever.report.categories import sar_categories
from sever.report.facts import CaseFacts, Party, require
from sever.report.settings import INSTITUTION_TYPES, REGULATORS, TIN_TYPES, Filer
from sever.report.validate import FINCEN_XSD, check

NS = "www.fincen.gov/base"
NARRATIVE_BLOCK = 4000
NARRATIVE_BLOCKS = 5
NAME_CHARS = 150


class _Doc:
    """Builds namespaced elements with unique SeqNum attributes."""

    def __init__(self) -> None:
        self.numbers: Iterator[int] = count(1)

    def el(
        self, parent: etree._Element | None, tag: str, text: str | None = None, *, seq: bool = False
    ) -> etree._Element:
        name = f"{{{NS}}}{tag}"
        node = (
            etree.Element(name, nsmap={"fc2": NS})
            if parent is None
            else etree.SubElement(parent, name)
        )
        if seq:
            node.set("SeqNum", str(next(self.numbers)))
        if text is not None:
            node.text = text
        return node


def _clean(text: str, longest: int) -> str:
    """Single-spaced, without leading or trailing space, at most ``longest`` characters (the
    schema's string types forbid the rest)."""
    return " ".join(text.split())[:longest].strip()


def _date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%d")


def _name(doc: _Doc, party: etree._Element, name: str, *, code: str = "L") -> None:
    node = doc.el(party, "PartyName", seq=True)
    doc.el(node, "PartyNameTypeCode", code)
    doc.el(node, "RawPartyFullName", _clean(name, NAME_CHARS))


def _address(doc: _Doc, party: etree._Element, filer: Filer) -> None:
    node = doc.el(party, "Address", seq=True)
    for tag, value in (
        ("RawCityText", filer.city),
        ("RawCountryCodeText", filer.country),
        ("RawStateCodeText", filer.state),
        ("RawStreetAddress1Text", filer.address),
        ("RawZIPCode", filer.zip),
    ):
        if value:
            doc.el(node, tag, value)


def _tin(doc: _Doc, party: etree._Element, number: str, code: int) -> None:
    node = doc.el(party, "PartyIdentification", seq=True)
    doc.el(node, "PartyIdentificationNumberText", number)
    doc.el(node, "PartyIdentificationTypeCode", str(code))


def _institution(doc: _Doc, activity: etree._Element, filer: Filer, role: int) -> None:
    """The filer (30) or the transaction location (34): name, address, TIN, classification."""
    party = doc.el(activity, "Party", seq=True)
    doc.el(party, "ActivityPartyTypeCode", str(role))
    doc.el(party, "PrimaryRegulatorTypeCode", str(REGULATORS[filer.regulator]))
    _name(doc, party, filer.name)
    _address(doc, party, filer)
    _tin(doc, party, filer.tin, TIN_TYPES[filer.tin_type])
    kind = doc.el(party, "OrganizationClassificationTypeSubtype", seq=True)
    doc.el(kind, "OrganizationTypeID", str(INSTITUTION_TYPES[filer.institution_type]))
    if filer.institution_type == "other":
        doc.el(kind, "OtherOrganizationTypeText", "Other financial institution")


def _subject(doc: _Doc, activity: etree._Element, subject: Party) -> None:
    party = doc.el(activity, "Party", seq=True)
    doc.el(party, "ActivityPartyTypeCode", "33")
    if subject.kind == "company":
        doc.el(party, "PartyAsEntityOrganizationIndicator", "Y")
    node = doc.el(party, "PartyName", seq=True)
    if not subject.label:  # an account or wallet whose holder's name the finding does not give
        doc.el(node, "EntityLastNameUnknownIndicator", "Y")
        doc.el(node, "FirstNameUnknownIndicator", "Y")
    doc.el(node, "PartyNameTypeCode", "L")
    if subject.label:
        doc.el(node, "RawEntityIndividualLastName", _clean(subject.label, NAME_CHARS))
    if subject.kind in ("party", "company"):
        ident = doc.el(party, "PartyIdentification", seq=True)
        doc.el(ident, "OtherPartyIdentificationTypeText", "Customer number")
        doc.el(ident, "PartyIdentificationNumberText", _clean(subject.id, 25))
        doc.el(ident, "PartyIdentificationTypeCode", "999")
    if subject.kind == "account":
        link = doc.el(party, "PartyAccountAssociation", seq=True)
        doc.el(link, "PartyAccountAssociationTypeCode", "7")
        held = doc.el(link, "Party", seq=True)
        doc.el(held, "ActivityPartyTypeCode", "41")
        account = doc.el(held, "Account", seq=True)
        doc.el(account, "AccountNumberText", _clean(subject.id, 40))
        inner = doc.el(account, "PartyAccountAssociation", seq=True)
        doc.el(inner, "PartyAccountAssociationTypeCode", "7")


def narrative_blocks(text: str) -> list[str]:
    """The narrative cut into the schema's blocks (5 of at most 4,000 characters, 17,000 in
    all); a longer one ends with a note that it was cut."""
    limit = NARRATIVE_BLOCK * (NARRATIVE_BLOCKS - 1) + 1000
    if len(text) > limit:
        marker = " [narrative cut at the SAR's 17,000 characters; see the case report]"
        text = text[: limit - len(marker)] + marker
    return [text[i : i + NARRATIVE_BLOCK] for i in range(0, len(text), NARRATIVE_BLOCK)]


def build_sar(facts: CaseFacts, filer: Filer, *, filed: datetime | None = None) -> bytes:
    """The SAR batch XML of one case, checked against the FinCEN XSD; a case that lacks a
    subject, an amount, a date or a narrative is refused naming what is missing."""
    require(facts, "a SAR")
    assert facts.start is not None and facts.end is not None
    doc = _Doc()
    amount = math.ceil(facts.amount)  # FinCEN: whole dollars, rounded up
    root = doc.el(None, "EFilingBatchXML")
    subjects = facts.subjects[:999]
    root.set("TotalAmount", str(amount))
    root.set("PartyCount", str(5 + len(subjects)))
    root.set("ActivityCount", "1")
    root.set("ActivityAttachmentCount", "0")
    root.set("AttachmentCount", "0")
    doc.el(root, "FormTypeCode", "SARX")
    activity = doc.el(root, "Activity", seq=True)
    doc.el(activity, "FilingDateText", _date(filed or datetime.now(UTC)))
    doc.el(activity, "FilingInstitutionNotetoFinCEN", f"sever case {facts.case_id}")
    association = doc.el(activity, "ActivityAssociation", seq=True)
    doc.el(association, "InitialReportIndicator", "Y")

    transmitter = doc.el(activity, "Party", seq=True)
    doc.el(transmitter, "ActivityPartyTypeCode", "35")
    _name(doc, transmitter, filer.name)
    _address(doc, transmitter, filer)
    if filer.phone:
        phone = doc.el(transmitter, "PhoneNumber", seq=True)
        doc.el(phone, "PhoneNumberText", filer.phone)
    _tin(doc, transmitter, filer.tin, 4)
    if filer.transmitter_control_code:
        _tin(doc, transmitter, filer.transmitter_control_code, 28)
    contact = doc.el(activity, "Party", seq=True)
    doc.el(contact, "ActivityPartyTypeCode", "37")
    _name(doc, contact, filer.contact_office)
    _institution(doc, activity, filer, 30)
    office = doc.el(activity, "Party", seq=True)
    doc.el(office, "ActivityPartyTypeCode", "8")
    _name(doc, office, filer.contact_office)
    if filer.phone:
        phone = doc.el(office, "PhoneNumber", seq=True)
        doc.el(phone, "PhoneNumberText", filer.phone)
    _institution(doc, activity, filer, 34)
    for subject in subjects:
        _subject(doc, activity, subject)

    suspicious = doc.el(activity, "SuspiciousActivity", seq=True)
    doc.el(suspicious, "SuspiciousActivityFromDateText", _date(facts.start))
    doc.el(suspicious, "SuspiciousActivityToDateText", _date(facts.end))
    doc.el(suspicious, "TotalSuspiciousAmountText", str(amount))
    for category in sar_categories(facts.typologies):
        node = doc.el(suspicious, "SuspiciousActivityClassification", seq=True)
        if category.other:
            doc.el(node, "OtherSuspiciousActivityTypeText", category.other)
        doc.el(node, "SuspiciousActivitySubtypeID", str(category.subtype_id))
        doc.el(node, "SuspiciousActivityTypeID", str(category.type_id))
    for number, block in enumerate(narrative_blocks(sar_narrative(facts, filer)), start=1):
        node = doc.el(activity, "ActivityNarrativeInformation", seq=True)
        doc.el(node, "ActivityNarrativeSequenceNumber", str(number))
        doc.el(node, "ActivityNarrativeText", block)
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    check(document, FINCEN_XSD, f"the SAR of case {facts.case_id}")
    return document


def sar_narrative(facts: CaseFacts, filer: Filer) -> str:
    """The case's narrative, with the wallets named (the SAR has no field for them)."""
    text = facts.narrative(filer.name)
    wallets = [p.id for p in facts.subjects if p.kind == "wallet"]
    if wallets:
        text += "\nVirtual currency addresses involved: " + ", ".join(wallets) + "."
    return text
