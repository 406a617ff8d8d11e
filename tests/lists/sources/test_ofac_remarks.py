"""Reading OFAC's free-text Remarks into structured facts, one kind of segment at a time."""

from __future__ import annotations

import pytest

from sever.lists.sources.ofac_remarks import (
    LEGACY_REMARK_LIMIT,
    country_code,
    document_property,
    parse_dates,
    parse_remarks,
    split_segments,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08 Jan 1984", ["1984-01-08"]),
        ("1984", ["1984"]),
        ("Jan 1984", ["1984-01"]),
        ("circa 1958", ["1958"]),
        ("1960 to 1962", ["1960", "1962"]),
        ("circa 1958-1960", ["1958", "1960"]),
        ("01 Jan 1960 to 31 Dec 1962", ["1960-01-01", "1962-12-31"]),
        ("sometime in spring", []),
        ("31 Feb 1984", []),
    ],
)
def test_dates_in_iso_form_and_ranges_give_both_endpoints(text: str, expected: list[str]) -> None:
    assert parse_dates(text) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [("Korea, North", "kp"), ("Korea, South", "kr"), ("Burma", "mm"), ("Russia", "ru")],
)
def test_ofac_country_spellings(name: str, code: str) -> None:
    assert country_code(name) == code


def test_segments_split_on_semicolons_and_lose_the_final_full_stop() -> None:
    assert split_segments("DOB 1984; POB Pyongyang, North Korea.") == [
        "DOB 1984",
        "POB Pyongyang, North Korea",
    ]


def test_person_facts() -> None:
    facts = parse_remarks(
        "DOB 08 Jan 1984; alt. DOB 1983; POB Pyongyang, North Korea; nationality Korea, North; "
        "citizen China; Gender Male; a.k.a. 'BIG BOSS'; f.k.a. 'OLD NAME'; "
        "Email Address kim@example.kp; Phone Number 8613314257947."
    )
    assert facts.values == [
        ("birthDate", "1984-01-08"),
        ("birthDate", "1983"),
        ("birthPlace", "Pyongyang, North Korea"),
        ("nationality", "kp"),
        ("citizenship", "cn"),
        ("gender", "male"),
        ("weakAlias", "BIG BOSS"),
        ("previousName", "OLD NAME"),
        ("email", "kim@example.kp"),
        ("phone", "8613314257947"),
    ]
    assert facts.unparsed == []


def test_passport_with_country_and_dates() -> None:
    facts = parse_remarks(
        "Passport 836420186 (Korea, North) issued 28 Oct 2016 expires 28 Oct 2021."
    )
    [doc] = facts.documents
    assert (doc.label, doc.kind, doc.number, doc.country, doc.issued, doc.expires) == (
        "Passport",
        "passport",
        "836420186",
        "kp",
        "2016-10-28",
        "2021-10-28",
    )


def test_a_parenthesised_part_that_is_not_a_country_stays_in_the_number() -> None:
    [doc] = parse_remarks("Registration Number HRA 738077 (Stuttgart) (Germany).").documents
    assert (doc.number, doc.country, doc.kind) == ("HRA 738077 (Stuttgart)", "de", "registration")


@pytest.mark.parametrize(
    ("schema", "kind", "prop"),
    [
        ("Person", "passport", "passportNumber"),
        ("Person", "personal_id", "idNumber"),
        ("Company", "personal_id", "registrationNumber"),
        ("Company", "registration", "registrationNumber"),
        ("Organization", "tax", "taxNumber"),
        ("Company", "lei", "leiCode"),
    ],
)
def test_document_numbers_go_to_the_property_of_the_holder_schema(
    schema: str, kind: str, prop: str
) -> None:
    assert document_property(schema, kind) == prop


def test_vessel_bank_and_aircraft_identifiers() -> None:
    facts = parse_remarks(
        "SWIFT/BIC FTBDKPPY; Vessel Registration Identification IMO 7937317; MMSI 445123000; "
        "Aircraft Model AN24-RV; Aircraft Manufacture Date Apr 1974; "
        "Aircraft Manufacturer's Serial Number (MSN) 123; Aircraft Tail Number P-532; "
        "Organization Established Date 1969; Organization Type: Wholesale trade; "
        "Website www.example.kp."
    )
    assert facts.values == [
        ("swiftBic", "FTBDKPPY"),
        ("imoNumber", "7937317"),
        ("mmsi", "445123000"),
        ("model", "AN24-RV"),
        ("buildDate", "1974-04"),
        ("serialNumber", "123"),
        ("registrationNumber", "P-532"),
        ("incorporationDate", "1969"),
        ("sector", "Wholesale trade"),
        ("website", "www.example.kp"),
    ]


def test_wallets_never_swallow_the_separator_or_the_final_full_stop() -> None:
    facts = parse_remarks(
        "Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96; "
        "alt. Digital Currency Address - XBT 1N6XqS9ueZ2Z6jhNwYkjrC1xyrprcsQTPK."
    )
    assert [(w.asset, w.address, w.truncated) for w in facts.wallets] == [
        ("ETH", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96", False),
        ("XBT", "1N6XqS9ueZ2Z6jhNwYkjrC1xyrprcsQTPK", False),
    ]


def test_an_address_at_the_1000_character_cut_is_possibly_truncated() -> None:
    head = "Digital Currency Address - XBT 18yWCu6agTxYqAerMxiz9sgHrK3ViezzGa; "
    tail = "alt. Digital Currency Address - XBT 1N6XqS"
    remark = head + "x" * (LEGACY_REMARK_LIMIT - len(head) - len(tail) - 2) + "; " + tail
    assert len(remark) == LEGACY_REMARK_LIMIT
    wallets = parse_remarks(remark).wallets
    assert [(w.address, w.truncated) for w in wallets] == [
        ("18yWCu6agTxYqAerMxiz9sgHrK3ViezzGa", False),
        ("1N6XqS", True),
    ]
    # the same remark one character shorter is complete
    assert not parse_remarks(remark[1:]).wallets[-1].truncated


def test_linked_to_and_designation_dates() -> None:
    facts = parse_remarks(
        "Effective Date (EO 14024 Directive 1a): 24 Feb 2022; "
        "Listing Date (EO 14024 Directive 2): 26 Mar 2022; Linked To: LAZARUS GROUP."
    )
    assert facts.linked_to == ["LAZARUS GROUP"]
    assert (facts.start_dates, facts.listing_dates) == (["2022-02-24"], ["2022-03-26"])


def test_unknown_segments_are_kept() -> None:
    facts = parse_remarks("Chairman of the Workers' Party of Korea; Fax (98)(21)(22224537).")
    assert facts.unparsed == ["Chairman of the Workers' Party of Korea", "Fax (98)(21)(22224537)"]
    assert facts.values == []
