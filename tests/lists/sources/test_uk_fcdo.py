"""The UK Sanctions List (FCDO) XML parser, read against a small file in the official schema."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from followthemoney import EntityProxy

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, ids_unique, sniff
from sever.lists.sources.uk_fcdo import SOURCE

REGIME = "The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019"

UK_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<Designations xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <DateGenerated>27/02/2026</DateGenerated>
  <Designation>
    <LastUpdated>15/03/2024</LastUpdated>
    <DateDesignated>02/03/2016</DateDesignated>
    <UniqueID>DPR0001</UniqueID>
    <OFSIGroupID>13340</OFSIGroupID>
    <UNReferenceNumber>KPi.041</UNReferenceNumber>
    <Names>
      <Name>
        <Name1>Chol</Name1><Name2>Su</Name2><Name6>KIM</Name6>
        <NameType>Primary Name</NameType>
      </Name>
      <Name>
        <Name1>Cheol Su</Name1><Name6>KIM</Name6>
        <NameType>Alias</NameType><AliasStrength>Good quality a.k.a</AliasStrength>
      </Name>
      <Name>
        <Name6>Chol-su</Name6>
        <NameType>Alias</NameType><AliasStrength>Low quality a.k.a</AliasStrength>
      </Name>
    </Names>
    <NonLatinNames>
      <NonLatinName>
        <NameNonLatinScript>김철수</NameNonLatinScript>
        <NonLatinScriptType>Korean</NonLatinScriptType>
        <NonLatinScriptLanguage>Korean</NonLatinScriptLanguage>
      </NonLatinName>
      <NonLatinName><NameNonLatinScript>金哲洙</NameNonLatinScript></NonLatinName>
    </NonLatinNames>
    <RegimeName>{REGIME}</RegimeName>
    <IndividualEntityShip>Individual</IndividualEntityShip>
    <DesignationSource>UN</DesignationSource>
    <SanctionsImposed>Asset freeze|Travel Ban</SanctionsImposed>
    <OtherInformation>Representative of Tanchon Commercial Bank.</OtherInformation>
    <UKStatementofReasons>Acted on behalf of a designated bank.</UKStatementofReasons>
    <Addresses>
      <Address>
        <AddressLine6>Pyongyang</AddressLine6>
        <AddressCountry>North Korea</AddressCountry>
      </Address>
    </Addresses>
    <IndividualDetails>
      <Individual>
        <DOBs><DOB>15/08/1965</DOB><DOB>dd/mm/1966</DOB></DOBs>
        <Nationalities><Nationality>North Korea</Nationality></Nationalities>
        <BirthDetails>
          <Location>
            <TownOfBirth>Hamhung</TownOfBirth><CountryOfBirth>North Korea</CountryOfBirth>
          </Location>
        </BirthDetails>
        <PassportDetails>
          <Passport>
            <PassportNumber>472310082</PassportNumber>
            <PassportAdditionalInformation>Expires 11 March 2019</PassportAdditionalInformation>
          </Passport>
        </PassportDetails>
        <NationalIdentifierDetails>
          <NationalIdentifier><NationalIdentifierNumber>KP-1965-0815</NationalIdentifierNumber></NationalIdentifier>
        </NationalIdentifierDetails>
        <Genders><Gender>Male</Gender></Genders>
        <Positions><Position>Tanchon Commercial Bank representative</Position></Positions>
      </Individual>
    </IndividualDetails>
  </Designation>
  <Designation>
    <DateDesignated>30/11/2016</DateDesignated>
    <UniqueID>DPR0062</UniqueID>
    <UNReferenceNumber>KPe.058</UNReferenceNumber>
    <Names>
      <Name><Name6>Korea United Development Bank</Name6><NameType>Primary Name</NameType></Name>
      <Name><Name6>KUDB</Name6><NameType>Alias</NameType></Name>
    </Names>
    <NonLatinNames><NonLatinName><NameNonLatinScript>조선통일발전은행</NameNonLatinScript></NonLatinName></NonLatinNames>
    <RegimeName>{REGIME}</RegimeName>
    <IndividualEntityShip>Entity</IndividualEntityShip>
    <Addresses>
      <Address>
        <AddressLine1>Haebangsan Hotel</AddressLine1>
        <AddressLine2>Central District</AddressLine2>
        <AddressLine6>Pyongyang</AddressLine6>
        <AddressCountry>North Korea</AddressCountry>
      </Address>
    </Addresses>
    <EmailAddresses><EmailAddress>kudb@star-co.net.kp; info@kudb.kp</EmailAddress></EmailAddresses>
    <PhoneNumbers>
      <PhoneNumber>+850 2 381 4410</PhoneNumber><PhoneNumber>850-2-18111</PhoneNumber>
    </PhoneNumbers>
    <Websites><Website>www.kudb.com.kp</Website></Websites>
    <EntityDetails>
      <Entity>
        <BusinessRegistrationNumbers>
          <BusinessRegistrationNumber>KP-2016-0058</BusinessRegistrationNumber>
        </BusinessRegistrationNumbers>
        <TypeOfEntities><TypeOfEntity>Bank</TypeOfEntity></TypeOfEntities>
        <ParentCompanies>
          <ParentCompany>Korea Daesong General Trading</ParentCompany>
        </ParentCompanies>
      </Entity>
    </EntityDetails>
  </Designation>
  <Designation>
    <DateDesignated>03/10/2017</DateDesignated>
    <UniqueID>DPR0075</UniqueID>
    <Names><Name><Name6>Petrel 8</Name6><NameType>Primary Name</NameType></Name></Names>
    <RegimeName>{REGIME}</RegimeName>
    <IndividualEntityShip>Ship</IndividualEntityShip>
    <ShipDetails>
      <Ship>
        <IMONumbers><IMONumber>IMO 9562233</IMONumber></IMONumbers>
        <CurrentOwnerOperators>
          <CurrentOwnerOperator>Global United Shipping India</CurrentOwnerOperator>
        </CurrentOwnerOperators>
        <CurrentBelievedFlagOfShips>
          <CurrentBelievedFlagOfShip>Comoros</CurrentBelievedFlagOfShip>
        </CurrentBelievedFlagOfShips>
        <PreviousFlags><PreviousFlag>India</PreviousFlag></PreviousFlags>
        <CallSigns><CallSign>D6FY3</CallSign></CallSigns>
        <TypeOfShipDetails><TypeOfShip>Bulk Carrier</TypeOfShip></TypeOfShipDetails>
        <TonnageOfShipDetails><TonnageOfShip>7078</TonnageOfShip></TonnageOfShipDetails>
        <YearsBuilt><YearBuilt>2011</YearBuilt></YearsBuilt>
      </Ship>
    </ShipDetails>
  </Designation>
</Designations>
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def parsed(tmp_path: Path) -> ParsedList:
    return SOURCE.parse([write(tmp_path, UK_XML)])


@pytest.fixture
def by_id(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {entity.id: entity for entity in parsed.entities}  # type: ignore[misc]


def test_registered_under_its_dataset_with_the_official_https_url() -> None:
    assert (SOURCE.name, SOURCE.dataset) == ("uk_fcdo", "gb_fcdo_sanctions")
    (url,) = SOURCE.urls
    assert urlparse(url).scheme == "https"
    assert urlparse(url).hostname == "sanctionslist.fcdo.gov.uk"


def test_detects_the_format_from_content_not_file_name(tmp_path: Path) -> None:
    path = tmp_path / "download.bin"
    path.write_text(UK_XML, encoding="utf-8")
    assert SOURCE.detect(path, sniff(path))
    other = write(tmp_path, '<?xml version="1.0"?><CONSOLIDATED_LIST/>')
    assert not SOURCE.detect(other, sniff(other))


def test_every_designation_gives_a_party_and_a_sanction(parsed: ParsedList) -> None:
    assert parsed.published == date(2026, 2, 27)
    assert sorted(e.id for e in parsed.entities if e.schema.is_a("Thing")) == [
        "gb-fcdo-DPR0001",
        "gb-fcdo-DPR0062",
        "gb-fcdo-DPR0075",
    ]
    assert ids_unique(parsed.entities)
    assert parsed.warnings == []


def test_person_names_latin_hangul_and_hanja(by_id) -> None:
    kim = by_id["gb-fcdo-DPR0001"]
    assert kim.schema.name == "Person"
    assert kim.get("name") == ["Chol Su KIM"]
    assert (kim.get("firstName"), kim.get("middleName"), kim.get("lastName")) == (
        ["Chol"],
        ["Su"],
        ["KIM"],
    )
    assert sorted(kim.get("alias")) == sorted(["Cheol Su KIM", "김철수", "金哲洙"])
    assert kim.get("weakAlias") == ["Chol-su"]


def test_person_details(by_id) -> None:
    kim = by_id["gb-fcdo-DPR0001"]
    assert sorted(kim.get("birthDate")) == ["1965-08-15", "1966"]
    assert kim.get("birthPlace") == ["Hamhung, North Korea"]
    assert kim.get("nationality") == ["kp"]
    assert kim.get("gender") == ["male"]
    assert kim.get("position") == ["Tanchon Commercial Bank representative"]
    assert kim.get("address") == ["Pyongyang, North Korea"]
    assert kim.get("country") == ["kp"]
    assert kim.get("notes") == ["Representative of Tanchon Commercial Bank."]
    assert kim.get("programId") == [REGIME]
    assert kim.get("topics") == ["sanction"]


def test_person_documents(by_id) -> None:
    kim = by_id["gb-fcdo-DPR0001"]
    assert kim.get("passportNumber") == ["472310082"]
    assert kim.get("idNumber") == ["KP-1965-0815"]
    passport, national_id = by_id["gb-fcdo-DPR0001-doc-1"], by_id["gb-fcdo-DPR0001-doc-2"]
    assert passport.schema.name == "Passport"
    assert passport.get("holder") == [kim.id]
    assert passport.get("number") == ["472310082"]
    assert passport.get("summary") == ["Expires 11 March 2019"]
    assert national_id.schema.name == "Identification"
    assert national_id.get("number") == ["KP-1965-0815"]


def test_person_sanction(by_id) -> None:
    sanction = by_id["gb-fcdo-DPR0001-sanction"]
    assert sanction.get("entity") == ["gb-fcdo-DPR0001"]
    assert sanction.get("unscId") == ["KPi.041"]
    assert sanction.get("program") == [REGIME]
    assert sanction.get("listingDate") == ["2016-03-02"]
    assert sanction.get("startDate") == ["2016-03-02"]
    assert sanction.get("modifiedAt") == ["2024-03-15"]
    assert sorted(sanction.get("provisions")) == ["Asset freeze", "Travel Ban"]
    assert sanction.get("reason") == ["Acted on behalf of a designated bank."]
    assert sanction.get("recordId") == ["DPR0001"]
    assert sanction.get("authorityId") == ["13340"]


def test_bank_with_alias_address_registration_and_contacts(by_id) -> None:
    bank = by_id["gb-fcdo-DPR0062"]
    assert bank.schema.name == "Organization"
    assert bank.get("name") == ["Korea United Development Bank"]
    assert sorted(bank.get("alias")) == ["KUDB", "조선통일발전은행"]
    assert bank.get("address") == ["Haebangsan Hotel, Central District, Pyongyang, North Korea"]
    assert bank.get("country") == ["kp"]
    assert bank.get("registrationNumber") == ["KP-2016-0058"]
    assert sorted(bank.get("email")) == ["info@kudb.kp", "kudb@star-co.net.kp"]
    assert sorted(bank.get("phone")) == ["+85023814410", "850-2-18111"]  # the second as written
    assert bank.get("website") == ["http://www.kudb.com.kp/"]
    assert bank.get("notes") == ["Parent company: Korea Daesong General Trading"]
    assert by_id["gb-fcdo-DPR0062-sanction"].get("unscId") == ["KPe.058"]


def test_ship_with_imo_number_and_flags(by_id) -> None:
    ship = by_id["gb-fcdo-DPR0075"]
    assert ship.schema.name == "Vessel"
    assert ship.get("name") == ["Petrel 8"]
    assert ship.get("imoNumber") == ["IMO9562233"]
    assert ship.get("flag") == ["km"]
    assert ship.get("pastFlags") == ["in"]
    assert ship.get("callSign") == ["D6FY3"]
    assert ship.get("type") == ["Bulk Carrier"]
    assert ship.get("tonnage") == ["7078"]
    assert ship.get("buildDate") == ["2011"]
    assert ship.get("notes") == ["Current owner/operator: Global United Shipping India"]


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(InputError, match="empty") as err:
        SOURCE.parse([path])
    assert err.value.path == str(path)


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    cut = UK_XML[: UK_XML.index("<UniqueID>DPR0062")]
    path = write(tmp_path, cut)
    with pytest.raises(InputError, match="malformed XML") as err:
        SOURCE.parse([path])
    assert err.value.path == str(path)
    assert err.value.row == cut.count("\n") + 1


def test_wrong_root_element_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?>\n<export><sanctionEntity/></export>')
    with pytest.raises(InputError, match="Designations") as err:
        SOURCE.parse([path])
    assert (err.value.row, err.value.field) == (2, "export")


def test_a_designation_without_unique_id_names_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, UK_XML.replace("<UniqueID>DPR0062</UniqueID>", ""))
    with pytest.raises(InputError) as err:
        SOURCE.parse([path])
    assert err.value.field == "UniqueID"
    assert err.value.row == UK_XML[: UK_XML.index("<DateDesignated>30/11")].count("\n")
