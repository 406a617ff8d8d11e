"""The OFAC SDN advanced XML parser, read against a small file in the official schema."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from followthemoney import EntityProxy

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, ids_unique, sniff
from sever.lists.sources.ofac_xml import SOURCE

NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"
ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"


def ymd(year: int, month: int, day: int) -> str:
    return f"<Year>{year}</Year><Month>{month}</Month><Day>{day}</Day>"


def period(start: tuple[int, int, int], end: tuple[int, int, int]) -> str:
    edge = 'Approximate="false" YearFixed="false" MonthFixed="false" DayFixed="false"'
    return (
        f'<DatePeriod CalendarTypeID="1" YearFixed="false" MonthFixed="false" DayFixed="false">'
        f"<Start {edge}><From>{ymd(*start)}</From><To>{ymd(*start)}</To></Start>"
        f"<End {edge}><From>{ymd(*end)}</From><To>{ymd(*end)}</To></End></DatePeriod>"
    )


def feature(type_id: int, body: str) -> str:
    return (
        f'<Feature ID="7{type_id}" FeatureTypeID="{type_id}">'
        f'<FeatureVersion ID="8{type_id}" ReliabilityID="1"><Comment/>{body}</FeatureVersion>'
        f"</Feature>"
    )


def name_part(group: int, value: str, script: int = 215) -> str:
    return (
        f'<DocumentedNamePart><NamePartValue NamePartGroupID="{group}" ScriptID="{script}" '
        f'ScriptStatusID="1" Acronym="false">{value}</NamePartValue></DocumentedNamePart>'
    )


def alias(type_id: int, primary: bool, low: bool, *names: str) -> str:
    documented = "".join(
        f'<DocumentedName ID="1" FixedRef="1" DocNameStatusID="1">{parts}</DocumentedName>'
        for parts in names
    )
    return (
        f'<Alias FixedRef="1" AliasTypeID="{type_id}" Primary="{str(primary).lower()}" '
        f'LowQuality="{str(low).lower()}">{documented}</Alias>'
    )


def groups(*pairs: tuple[int, int]) -> str:
    inner = "".join(
        f'<MasterNamePartGroup><NamePartGroup ID="{g}" NamePartTypeID="{t}"/></MasterNamePartGroup>'
        for g, t in pairs
    )
    return f"<NamePartGroups>{inner}</NamePartGroups>"


def reg_doc(doc_id: int, type_id: int, identity: int, number: str, extra: str = "") -> str:
    return (
        f'<IDRegDocument ID="{doc_id}" IDRegDocTypeID="{type_id}" IdentityID="{identity}" '
        f'IssuedBy-CountryID="11089" ValidityID="1"><Comment/>'
        f"<IDRegistrationNo>{number}</IDRegistrationNo>{extra}</IDRegDocument>"
    )


def location(loc_id: int, *parts: tuple[int, str]) -> str:
    inner = "".join(
        f'<LocationPart LocPartTypeID="{t}"><LocationPartValue Primary="true" '
        f'LocPartValueTypeID="1" LocPartValueStatusID="1"><Comment/><Value>{v}</Value>'
        f"</LocationPartValue></LocationPart>"
        for t, v in parts
    )
    return (
        f'<Location ID="{loc_id}"><LocationCountry CountryID="11089" CountryRelevanceID="1"/>'
        f"{inner}</Location>"
    )


def entry(entry_id: int, profile: int, *programs: str) -> str:
    measures = "".join(
        f'<SanctionsMeasure ID="{entry_id}{i}" SanctionsTypeID="1"><Comment>{p}</Comment>'
        f"<DatePeriod/></SanctionsMeasure>"
        for i, p in enumerate(programs)
    )
    return (
        f'<SanctionsEntry ID="{entry_id}" ProfileID="{profile}" ListID="1550">'
        f'<EntryEvent ID="{entry_id}" EntryEventTypeID="1" LegalBasisID="1">'
        f"<Date>{ymd(2017, 9, 26)}</Date><Comment/></EntryEvent>"
        f'{measures}<SanctionsMeasure ID="{entry_id}9" SanctionsTypeID="2"><Comment/>'
        f"</SanctionsMeasure></SanctionsEntry>"
    )


REFERENCES = """<ReferenceValueSets>
  <AliasTypeValues><AliasType ID="1400">A.K.A.</AliasType><AliasType ID="1401">F.K.A.</AliasType>
    <AliasType ID="1403">Name</AliasType></AliasTypeValues>
  <AreaCodeValues/>
  <CountryValues><Country ID="11089" ISO2="KP">Korea, North</Country></CountryValues>
  <DetailReferenceValues><DetailReference ID="91526">Male</DetailReference>
    <DetailReference ID="91600">Korea, North</DetailReference></DetailReferenceValues>
  <FeatureTypeValues>
    <FeatureType ID="8" FeatureTypeGroupID="1">Birthdate</FeatureType>
    <FeatureType ID="9" FeatureTypeGroupID="1">Place of Birth</FeatureType>
    <FeatureType ID="10" FeatureTypeGroupID="1">Nationality Country</FeatureType>
    <FeatureType ID="25" FeatureTypeGroupID="1">Location</FeatureType>
    <FeatureType ID="224" FeatureTypeGroupID="1">Gender</FeatureType>
    <FeatureType ID="344" FeatureTypeGroupID="1">Digital Currency Address - ETH</FeatureType>
    <FeatureType ID="1" FeatureTypeGroupID="1">Vessel Flag</FeatureType>
    <FeatureType ID="2" FeatureTypeGroupID="1">Vessel Tonnage</FeatureType>
    <FeatureType ID="3" FeatureTypeGroupID="1">Vessel Call Sign</FeatureType>
    <FeatureType ID="4" FeatureTypeGroupID="1">Vessel Type</FeatureType>
    <FeatureType ID="14" FeatureTypeGroupID="1">Website</FeatureType>
    <FeatureType ID="504" FeatureTypeGroupID="1">Secondary sanctions risk:</FeatureType>
  </FeatureTypeValues>
  <IDRegDocDateTypeValues><IDRegDocDateType ID="1480">Issue Date</IDRegDocDateType>
    <IDRegDocDateType ID="1481">Expiration Date</IDRegDocDateType></IDRegDocDateTypeValues>
  <IDRegDocTypeValues><IDRegDocType ID="1571">Passport</IDRegDocType>
    <IDRegDocType ID="1596">SWIFT/BIC</IDRegDocType>
    <IDRegDocType ID="1619">Registration Number</IDRegDocType>
    <IDRegDocType ID="1626">Vessel Registration Identification</IDRegDocType>
    <IDRegDocType ID="91264">MMSI</IDRegDocType></IDRegDocTypeValues>
  <ListValues><List ID="1550">SDN List</List></ListValues>
  <LocPartTypeValues><LocPartType ID="1451">ADDRESS1</LocPartType>
    <LocPartType ID="1454">CITY</LocPartType></LocPartTypeValues>
  <NamePartTypeValues><NamePartType ID="1520">Last Name</NamePartType>
    <NamePartType ID="1521">First Name</NamePartType>
    <NamePartType ID="1525">Entity Name</NamePartType>
    <NamePartType ID="1526">Vessel Name</NamePartType></NamePartTypeValues>
  <PartySubTypeValues><PartySubType ID="1" PartyTypeID="3">Vessel</PartySubType>
    <PartySubType ID="3" PartyTypeID="2">Unknown</PartySubType>
    <PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType></PartySubTypeValues>
  <PartyTypeValues><PartyType ID="1">Individual</PartyType><PartyType ID="2">Entity</PartyType>
    <PartyType ID="3">Asset</PartyType></PartyTypeValues>
  <RelationTypeValues><RelationType ID="15003">Owned or Controlled By</RelationType>
    <RelationType ID="91725">Linked To</RelationType></RelationTypeValues>
  <SanctionsTypeValues><SanctionsType ID="1">Program</SanctionsType>
    <SanctionsType ID="2">Block</SanctionsType></SanctionsTypeValues>
  <ScriptValues><Script ID="215" ScriptCode="Latn">Latin</Script>
    <Script ID="220" ScriptCode="Kore">Korean</Script></ScriptValues>
</ReferenceValueSets>"""

PERSON = (
    '<DistinctParty FixedRef="20001"><Comment/><Profile ID="20001" PartySubTypeID="4">'
    '<Identity ID="4001" FixedRef="20001" Primary="true" False="false">'
    + alias(
        1403,
        True,
        False,
        name_part(61, "KIM") + name_part(62, "Yong Chol"),
        name_part(61, "김영철", 220),
    )
    + alias(1400, False, True, name_part(61, "KIM") + name_part(62, "Yong-chol"))
    + groups((61, 1520), (62, 1521))
    + "</Identity>"
    + feature(8, period((1946, 1, 1), (1946, 1, 1)))
    + feature(8, period((1947, 1, 1), (1947, 12, 31)))
    + feature(9, '<VersionDetail DetailTypeID="1432">Pyongyang, North Korea</VersionDetail>')
    + feature(10, '<VersionLocation LocationID="2002"/>')
    + feature(224, '<VersionDetail DetailTypeID="1431" DetailReferenceID="91526"/>')
    + feature(344, f'<VersionDetail DetailTypeID="1432">{ETH}</VersionDetail>')
    + "</Profile></DistinctParty>"
)
BANK = (
    '<DistinctParty FixedRef="20002"><Comment/><Profile ID="20002" PartySubTypeID="3">'
    '<Identity ID="4002" FixedRef="20002" Primary="true" False="false">'
    + alias(1403, True, False, name_part(71, "KOREA KWANGSON BANKING CORP."))
    + alias(1400, False, False, name_part(71, "KKBC"))
    + alias(1401, False, False, name_part(71, "KWANGSON BANK"))
    + groups((71, 1525))
    + "</Identity>"
    + feature(25, '<VersionLocation LocationID="2001"/>')
    + feature(14, '<VersionDetail DetailTypeID="1432">www.kkbc.com.kp</VersionDetail>')
    + feature(
        504, '<VersionDetail DetailTypeID="1432">Subject to Secondary Sanctions</VersionDetail>'
    )
    + "</Profile></DistinctParty>"
)
SHIP = (
    '<DistinctParty FixedRef="20003"><Comment/><Profile ID="20003" PartySubTypeID="1">'
    '<Identity ID="4003" FixedRef="20003" Primary="true" False="false">'
    + alias(1403, True, False, name_part(81, "CHON MA SAN"))
    + groups((81, 1526))
    + "</Identity>"
    + feature(1, '<VersionDetail DetailTypeID="1431" DetailReferenceID="91600"/>')
    + feature(2, '<VersionDetail DetailTypeID="1432">2,734</VersionDetail>')
    + feature(3, '<VersionDetail DetailTypeID="1432">HMYN</VersionDetail>')
    + feature(4, '<VersionDetail DetailTypeID="1432">Oil Tanker</VersionDetail>')
    + "</Profile></DistinctParty>"
)
AGENCY = (
    '<DistinctParty FixedRef="20004"><Comment/><Profile ID="20004" PartySubTypeID="3">'
    '<Identity ID="4004" FixedRef="20004" Primary="true" False="false">'
    + alias(1403, True, False, name_part(91, "GREEN PINE ASSOCIATED"))
    + groups((91, 1525))
    + "</Identity></Profile></DistinctParty>"
)

ISSUED = (
    f'<DocumentDate IDRegDocDateTypeID="1480">{period((2016, 6, 3), (2016, 6, 3))}</DocumentDate>'
)

OFAC_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="{NS}">
<DateOfIssue>{ymd(2024, 5, 3)}</DateOfIssue>
{REFERENCES}
<Locations>
{location(2001, (1451, "Jungson-dong, Sungri Street"), (1454, "Pyongyang"))}
{location(2002)}
</Locations>
<IDRegDocuments>
{reg_doc(3001, 1571, 4001, "836410035", ISSUED)}
{reg_doc(3002, 1596, 4002, "KKBCKPPY")}
{reg_doc(3003, 1619, 4002, "KP-REG-0003")}
{reg_doc(3004, 1626, 4003, "IMO 8660313")}
{reg_doc(3005, 91264, 4003, "445116000")}
</IDRegDocuments>
<DistinctParties>
{PERSON}
{BANK}
{SHIP}
{AGENCY}
</DistinctParties>
<ProfileRelationships>
<ProfileRelationship ID="8001" From-ProfileID="20003" To-ProfileID="20002" RelationTypeID="15003"
  RelationQualityID="1" Former="false" SanctionsEntryID="9003"/>
<ProfileRelationship ID="8002" From-ProfileID="20001" To-ProfileID="20002" RelationTypeID="91725"
  RelationQualityID="1" Former="false" SanctionsEntryID="9001"/>
<ProfileRelationship ID="8003" From-ProfileID="20004" To-ProfileID="20001" RelationTypeID="15003"
  RelationQualityID="1" Former="false" SanctionsEntryID="9004"/>
</ProfileRelationships>
<SanctionsEntries>
{entry(9001, 20001, "DPRK3", "DPRK-NKSPEA")}
{entry(9002, 20002, "DPRK")}
{entry(9003, 20003, "DPRK4")}
{entry(9004, 20004, "DPRK")}
</SanctionsEntries>
</Sanctions>
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sdn_advanced.xml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def parsed(tmp_path: Path) -> ParsedList:
    return SOURCE.parse([write(tmp_path, OFAC_XML)])


@pytest.fixture
def by_id(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {entity.id: entity for entity in parsed.entities}  # type: ignore[misc]


def test_registered_under_its_dataset_with_the_official_https_url() -> None:
    assert (SOURCE.name, SOURCE.dataset) == ("ofac_xml", "us_ofac_sdn")
    (url,) = SOURCE.urls
    assert urlparse(url).scheme == "https"
    assert urlparse(url).hostname == "sanctionslistservice.ofac.treas.gov"
    assert urlparse(url).path.endswith("/SDN_ADVANCED.XML")


def test_detects_both_namespaces_from_content_not_file_name(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_text(OFAC_XML, encoding="utf-8")
    assert SOURCE.detect(path, sniff(path))
    path.write_text(OFAC_XML.replace(NS, "http://www.un.org/sanctions/1.0"), encoding="utf-8")
    assert SOURCE.detect(path, sniff(path))
    other = write(tmp_path, '<?xml version="1.0"?><Sanctions><Row/></Sanctions>')
    assert not SOURCE.detect(other, sniff(other))


def test_the_older_namespace_parses_the_same(tmp_path: Path, parsed: ParsedList) -> None:
    older = write(tmp_path, OFAC_XML.replace(NS, "http://www.un.org/sanctions/1.0"))
    again = SOURCE.parse([older])
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in parsed.entities]


def test_parties_and_their_companions(parsed: ParsedList) -> None:
    assert parsed.published == date(2024, 5, 3)
    schemata = sorted((e.id, e.schema.name) for e in parsed.entities)
    assert schemata == [
        ("ofac-20001", "Person"),
        ("ofac-20001-passport-1", "Passport"),
        ("ofac-20001-sanction", "Sanction"),
        ("ofac-20002", "Company"),
        ("ofac-20002-sanction", "Sanction"),
        ("ofac-20003", "Vessel"),
        ("ofac-20003-sanction", "Sanction"),
        ("ofac-20004", "Company"),  # an Organization that is owned
        ("ofac-20004-sanction", "Sanction"),
        ("ofac-link-20001-20002", "UnknownLink"),
        ("ofac-link-20003-20002", "Ownership"),
        ("ofac-link-20004-20001", "Ownership"),
        (f"ofac-wallet-eth-{ETH.lower()}", "CryptoWallet"),
    ]
    assert ids_unique(parsed.entities)
    assert parsed.warnings == []


def test_person_names_latin_and_hangul(by_id) -> None:
    kim = by_id["ofac-20001"]
    assert kim.get("name") == ["KIM, Yong Chol"]
    assert (kim.get("firstName"), kim.get("lastName")) == (["Yong Chol"], ["KIM"])
    assert kim.get("alias") == ["김영철"]
    assert kim.get("weakAlias") == ["KIM, Yong-chol"]


def test_person_features_and_passport(by_id) -> None:
    kim = by_id["ofac-20001"]
    assert sorted(kim.get("birthDate")) == ["1946-01-01", "1947"]
    assert kim.get("birthPlace") == ["Pyongyang, North Korea"]
    assert kim.get("nationality") == ["kp"]
    assert kim.get("gender") == ["male"]
    assert kim.get("passportNumber") == ["836410035"]
    assert sorted(kim.get("programId")) == ["DPRK-NKSPEA", "DPRK3"]
    passport = by_id["ofac-20001-passport-1"]
    assert passport.get("holder") == [kim.id]
    assert passport.get("number") == ["836410035"]
    assert passport.get("country") == ["kp"]
    assert passport.get("startDate") == ["2016-06-03"]


def test_person_sanction(by_id) -> None:
    sanction = by_id["ofac-20001-sanction"]
    assert sanction.get("entity") == ["ofac-20001"]
    assert sanction.get("authority") == ["US Office of Foreign Assets Control"]
    assert sorted(sanction.get("program")) == ["DPRK-NKSPEA", "DPRK3"]
    assert sanction.get("listingDate") == ["2017-09-26"]
    assert sanction.get("recordId") == ["20001"]
    assert sanction.get("provisions") == ["Block"]


def test_digital_currency_address_becomes_a_wallet(by_id) -> None:
    wallet = by_id[f"ofac-wallet-eth-{ETH.lower()}"]
    assert wallet.get("publicKey") == [ETH]  # exactly as written
    assert wallet.get("currencySymbol") == ["ETH"]
    assert wallet.get("holder") == ["ofac-20001"]
    assert sorted(wallet.get("programId")) == ["DPRK-NKSPEA", "DPRK3"]


def test_bank_alias_address_swift_registration(by_id) -> None:
    bank = by_id["ofac-20002"]
    assert bank.get("name") == ["KOREA KWANGSON BANKING CORP."]
    assert bank.get("alias") == ["KKBC"]
    assert bank.get("previousName") == ["KWANGSON BANK"]
    assert bank.get("address") == ["Jungson-dong, Sungri Street, Pyongyang, Korea, North"]
    assert bank.get("country") == ["kp"]
    assert bank.get("swiftBic") == ["KKBCKPPY"]
    assert bank.get("registrationNumber") == ["KP-REG-0003"]
    assert bank.get("website") == ["http://www.kkbc.com.kp/"]
    assert bank.get("notes") == ["Secondary sanctions risk: Subject to Secondary Sanctions"]


def test_vessel_imo_mmsi_flag_and_owner(by_id) -> None:
    ship = by_id["ofac-20003"]
    assert ship.get("name") == ["CHON MA SAN"]
    assert ship.get("imoNumber") == ["IMO8660313"]
    assert ship.get("mmsi") == ["445116000"]
    assert ship.get("flag") == ["kp"]
    assert ship.get("callSign") == ["HMYN"]
    assert ship.get("type") == ["Oil Tanker"]
    assert ship.get("tonnage") == ["2,734"]
    owned = by_id["ofac-link-20003-20002"]
    assert (owned.get("owner"), owned.get("asset")) == (["ofac-20002"], ["ofac-20003"])
    assert owned.get("role") == ["Owned or Controlled By"]


def test_linked_to_becomes_an_unknown_link(by_id) -> None:
    link = by_id["ofac-link-20001-20002"]
    assert (link.get("subject"), link.get("object")) == (["ofac-20001"], ["ofac-20002"])
    assert link.get("role") == ["Linked To"]


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(InputError, match="empty") as err:
        SOURCE.parse([path])
    assert err.value.path == str(path)


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    cut = OFAC_XML[: OFAC_XML.index('<DistinctParty FixedRef="20003"') + 20]
    path = write(tmp_path, cut)
    with pytest.raises(InputError, match="malformed XML") as err:
        SOURCE.parse([path])
    assert err.value.path == str(path)
    assert err.value.row == cut.count("\n") + 1


def test_wrong_root_element_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?>\n<sdnList><sdnEntry/></sdnList>')
    with pytest.raises(InputError, match="Sanctions") as err:
        SOURCE.parse([path])
    assert (err.value.row, err.value.field) == (2, "sdnList")


def test_a_party_without_fixed_ref_names_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, OFAC_XML.replace('<DistinctParty FixedRef="20002">', "<DistinctParty>"))
    with pytest.raises(InputError) as err:
        SOURCE.parse([path])
    assert err.value.field == "FixedRef"
    assert err.value.row == OFAC_XML[: OFAC_XML.index('FixedRef="20002"')].count("\n") + 1
