"""The EU Financial Sanctions Files XML parser, read against a small file in the official schema."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from followthemoney import EntityProxy

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, ids_unique, sniff
from sever.lists.sources.eu_xml import SOURCE

REGULATION = """<regulation regulationType="regulation" organisationType="council"
      publicationDate="{published}" entryIntoForceDate="{in_force}"
      numberTitle="2017/1509 (OJ L224)" programme="PRK" logicalId="{id}">
      <publicationUrl>https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32017R1509</publicationUrl>
    </regulation>"""

EU_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-02-26T18:02:11.123+01:00"
    globalFileId="151781">
  <sanctionEntity designationDetails="" unitedNationId="KPi.012" euReferenceNumber="EU.3412.78"
      logicalId="13126">
    <remark>Representative of the Reconnaissance General Bureau.</remark>
    {REGULATION.format(published="2017-08-30", in_force="2017-08-31", id="2001")}
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Yong Chol" middleName="" lastName="Kim" wholeName="Kim Yong Chol"
        function="Director of the Reconnaissance General Bureau" gender="M" title=""
        nameLanguage="" strong="true" regulationLanguage="en" logicalId="1"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="김영철" function="" gender="M"
        title="" nameLanguage="KO" strong="true" regulationLanguage="en" logicalId="2"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Kim Yong-chol" function=""
        gender="M" title="" nameLanguage="" strong="false" regulationLanguage="en" logicalId="3"/>
    <citizenship region="" countryIso2Code="KP" countryDescription="NORTH KOREA"
        regulationLanguage="en" logicalId="4"/>
    <birthdate circa="false" calendarType="GREGORIAN" city="Pyongyang" zipCode=""
        birthdate="1946-01-01" dayOfMonth="1" monthOfYear="1" year="1946" region="" place=""
        countryIso2Code="KP" countryDescription="NORTH KOREA" regulationLanguage="en"
        logicalId="5"/>
    <birthdate circa="false" calendarType="GREGORIAN" year="1947" countryIso2Code="00"
        countryDescription="UNKNOWN" regulationLanguage="en" logicalId="6"/>
    <identification diplomatic="false" knownExpired="false" knownFalse="false"
        reportedLost="false" revokedByIssuer="false" issuedBy="Ministry of Foreign Affairs"
        issueDate="2016-02-22" validTo="2021-02-22" latinNumber="" nameOnDocument=""
        number="836410035" region="" countryIso2Code="KP" countryDescription="NORTH KOREA"
        identificationTypeCode="passport" identificationTypeDescription="National passport"
        regulationLanguage="en" logicalId="7">
      <remark>Diplomatic passport</remark>
    </identification>
    <identification number="KP-ID-1946" identificationTypeCode="id"
        identificationTypeDescription="National identification card" countryIso2Code="KP"
        countryDescription="NORTH KOREA" logicalId="8"/>
  </sanctionEntity>
  <sanctionEntity designationDetails="" unitedNationId="KPe.003" euReferenceNumber="EU.3402.1"
      logicalId="13127" designationDate="2009-04-24">
    {REGULATION.format(published="2009-05-14", in_force="2009-05-15", id="2002")}
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Korea Kwangson Banking Corp." strong="true" logicalId="11"/>
    <nameAlias wholeName="KKBC" strong="true" logicalId="12"/>
    <nameAlias wholeName="조선광선은행" nameLanguage="KO" strong="true" logicalId="13"/>
    <address city="Pyongyang" street="Jungson-dong, Sungri Street" poBox="" zipCode=""
        region="Central District" place="" asAtListingTime="false" countryIso2Code="KP"
        countryDescription="NORTH KOREA" regulationLanguage="en" logicalId="14">
      <contactInfo key="PHONE" value="+850 2 18111"/>
      <contactInfo key="EMAIL" value="kkbc@star-co.net.kp"/>
      <contactInfo key="WEB" value="www.kkbc.com.kp"/>
    </address>
    <identification number="KKBCKPPY" identificationTypeCode="swiftbic"
        identificationTypeDescription="SWIFT BIC" logicalId="15"/>
    <identification number="KP-REG-0003" identificationTypeCode="regnumber"
        identificationTypeDescription="Registration Number" logicalId="16"/>
  </sanctionEntity>
  <sanctionEntity designationDetails="" euReferenceNumber="EU.5021.33" logicalId="13128">
    {REGULATION.format(published="2018-04-05", in_force="2018-04-06", id="2003")}
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="CHON MA SAN" strong="true" logicalId="21"/>
    <identification number="8660313" identificationTypeCode="imo"
        identificationTypeDescription="IMO number" logicalId="22"/>
  </sanctionEntity>
</export>
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "eu.xml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def parsed(tmp_path: Path) -> ParsedList:
    return SOURCE.parse([write(tmp_path, EU_XML)])


@pytest.fixture
def by_id(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {entity.id: entity for entity in parsed.entities}  # type: ignore[misc]


def test_registered_under_its_dataset_with_the_official_https_url() -> None:
    assert (SOURCE.name, SOURCE.dataset) == ("eu_xml", "eu_fsf")
    (url,) = SOURCE.urls
    assert urlparse(url).scheme == "https"
    assert urlparse(url).hostname == "webgate.ec.europa.eu"
    assert "xmlFullSanctionsList_1_1" in urlparse(url).path
    assert parse_qs(urlparse(url).query) == {"token": ["dG9rZW4tMjAxNw"]}


def test_detects_the_format_from_content_not_file_name(tmp_path: Path) -> None:
    path = tmp_path / "content"
    path.write_text(EU_XML, encoding="utf-8")
    assert SOURCE.detect(path, sniff(path))
    other = write(tmp_path, "<export><rows/></export>")  # an export of something else
    assert not SOURCE.detect(other, sniff(other))


def test_every_entry_gives_a_party_and_a_sanction(parsed: ParsedList) -> None:
    assert parsed.published == date(2026, 2, 26)
    assert sorted(e.id for e in parsed.entities if e.schema.is_a("Thing")) == [
        "eu-fsf-13126",
        "eu-fsf-13127",
        "eu-fsf-13128",
    ]
    assert ids_unique(parsed.entities)
    assert parsed.warnings == []


def test_person_names_in_latin_and_hangul(by_id) -> None:
    kim = by_id["eu-fsf-13126"]
    assert kim.schema.name == "Person"
    assert kim.get("name") == ["Kim Yong Chol"]
    assert kim.get("alias") == ["김영철"]
    assert kim.get("weakAlias") == ["Kim Yong-chol"]
    assert (kim.get("firstName"), kim.get("lastName")) == (["Yong Chol"], ["Kim"])


def test_person_details(by_id) -> None:
    kim = by_id["eu-fsf-13126"]
    assert sorted(kim.get("birthDate")) == ["1946-01-01", "1947"]
    assert kim.get("birthPlace") == ["Pyongyang, NORTH KOREA"]
    assert kim.get("nationality") == ["kp"]
    assert kim.get("gender") == ["male"]
    assert kim.get("position") == ["Director of the Reconnaissance General Bureau"]
    assert kim.get("notes") == ["Representative of the Reconnaissance General Bureau."]
    assert kim.get("programId") == ["PRK"]
    assert kim.get("topics") == ["sanction"]


def test_person_passport_and_identity_card(by_id) -> None:
    kim = by_id["eu-fsf-13126"]
    assert kim.get("passportNumber") == ["836410035"]
    assert kim.get("idNumber") == ["KP-ID-1946"]
    passport = by_id["eu-fsf-13126-doc-1"]
    assert passport.schema.name == "Passport"
    assert passport.get("holder") == [kim.id]
    assert passport.get("number") == ["836410035"]
    assert passport.get("country") == ["kp"]
    assert passport.get("type") == ["National passport"]
    assert passport.get("authority") == ["Ministry of Foreign Affairs"]
    assert (passport.get("startDate"), passport.get("endDate")) == (["2016-02-22"], ["2021-02-22"])
    assert passport.get("summary") == ["Diplomatic passport"]
    assert by_id["eu-fsf-13126-doc-2"].schema.name == "Identification"


def test_person_sanction(by_id) -> None:
    sanction = by_id["eu-fsf-13126-sanction"]
    assert sanction.get("entity") == ["eu-fsf-13126"]
    assert sanction.get("authority") == ["European Union"]
    assert sanction.get("programId") == ["PRK"]
    assert sanction.get("unscId") == ["KPi.012"]
    assert sanction.get("authorityId") == ["EU.3412.78"]
    assert sanction.get("listingDate") == ["2017-08-30"]
    assert sanction.get("startDate") == ["2017-08-31"]
    assert sanction.get("recordId") == ["13126"]


def test_bank_with_alias_address_swift_and_registration(by_id) -> None:
    bank = by_id["eu-fsf-13127"]
    assert bank.schema.name == "Company"
    assert bank.get("name") == ["Korea Kwangson Banking Corp."]
    assert sorted(bank.get("alias")) == ["KKBC", "조선광선은행"]
    assert bank.get("address") == [
        "Jungson-dong, Sungri Street, Pyongyang, Central District, NORTH KOREA"
    ]
    assert bank.get("country") == ["kp"]
    assert bank.get("swiftBic") == ["KKBCKPPY"]
    assert bank.get("registrationNumber") == ["KP-REG-0003"]
    assert bank.get("phone") == ["+850 2 18111"]
    assert bank.get("email") == ["kkbc@star-co.net.kp"]
    assert bank.get("website") == ["http://www.kkbc.com.kp/"]
    sanction = by_id["eu-fsf-13127-sanction"]
    assert sanction.get("unscId") == ["KPe.003"]
    assert sanction.get("startDate") == ["2009-04-24"]  # designationDate wins over the regulation


def test_an_enterprise_with_an_imo_number_and_no_company_name_is_a_vessel(by_id) -> None:
    ship = by_id["eu-fsf-13128"]
    assert ship.schema.name == "Vessel"
    assert ship.get("name") == ["CHON MA SAN"]
    assert ship.get("imoNumber") == ["IMO8660313"]


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(InputError, match="empty") as err:
        SOURCE.parse([path])
    assert err.value.path == str(path)


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    cut = EU_XML[: EU_XML.index('wholeName="KKBC"')]
    path = write(tmp_path, cut)
    with pytest.raises(InputError, match="malformed XML") as err:
        SOURCE.parse([path])
    assert err.value.path == str(path)
    assert err.value.row == cut.count("\n") + 1


def test_wrong_root_element_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?>\n<CONSOLIDATED_LIST/>')
    with pytest.raises(InputError, match="export") as err:
        SOURCE.parse([path])
    assert (err.value.row, err.value.field) == (2, "CONSOLIDATED_LIST")


def test_an_entry_without_logical_id_names_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, EU_XML.replace('logicalId="13127"', ""))
    with pytest.raises(InputError) as err:
        SOURCE.parse([path])
    assert err.value.field == "logicalId"
    start_tag = EU_XML[: EU_XML.index('unitedNationId="KPe.003"')].count("\n") + 1
    assert err.value.row in (start_tag, start_tag + 1)  # libxml2 names where the tag closes
