"""Relations between listed parties: parsed from the real OFAC files, kept from the UK list's
parent companies, subsidiaries and ship owners, and read back from the store without SQL."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sever.entities.store import Store
from sever.lists.sources.base import ParsedList, ids_unique
from sever.lists.sources.ofac_cons import SOURCE as OFAC_CONS
from sever.lists.sources.ofac_xml import SOURCE as OFAC_XML
from sever.lists.sources.uk_fcdo import SOURCE as UK
from tests.lists.sources.test_ofac_xml import OFAC_XML as SMALL_OFAC_XML
from tests.lists.sources.test_uk_fcdo import REGIME, UK_XML


@pytest.fixture(scope="module")
def cons_advanced(shared_data: Path) -> ParsedList:
    path = shared_data / "ofac" / "cons-advanced-2020-03-17" / "cons_advanced.xml"
    return OFAC_XML.parse([path])


def test_the_real_consolidated_advanced_xml_parses_whole(cons_advanced: ParsedList) -> None:
    assert cons_advanced.dataset == "us_ofac_cons"  # a cons_* file: the consolidated list
    assert cons_advanced.published is not None
    assert cons_advanced.published.isoformat() == "2020-03-17"
    assert cons_advanced.incomplete == [] and cons_advanced.warnings == []
    assert ids_unique(cons_advanced.entities)
    counts = Counter(e.schema.name for e in cons_advanced.entities)
    # 375 DistinctParty records, 375 sanctions entries, 276 ProfileRelationship records (all
    # "Owned or Controlled By") in the published file.
    assert counts["Sanction"] == 375
    assert counts["Company"] + counts["Organization"] + counts["Person"] == 375
    assert counts["Ownership"] == 276
    # The 2020 file writes ScriptCode="Latin" (today's files: "Latn"); every party still has
    # its primary name.
    parties = [e for e in cons_advanced.entities if e.schema.name in ("Person", "Company")]
    assert all(party.has("name") for party in parties)


def test_a_known_ownership_of_the_real_file(cons_advanced: ParsedList) -> None:
    by_id = {e.id: e for e in cons_advanced.entities}
    link = by_id["ofac-link-18267-17022"]
    assert link.get("role") == ["Owned or Controlled By"]
    assert (link.get("owner"), link.get("asset")) == (["ofac-17022"], ["ofac-18267"])
    assert by_id["ofac-17022"].get("name") == ["Open Joint-Stock Company Rosneft Oil Company"]
    assert by_id["ofac-18267"].get("name") == ["OJSC ORENBURGNEFT"]
    assert by_id["ofac-18267"].schema.name == "Company"
    assert link.get("percentage") == []  # the file states no share


def test_a_share_stated_in_a_relationship_comment_is_kept(tmp_path: Path) -> None:
    body = SMALL_OFAC_XML.replace(
        'SanctionsEntryID="9003"/>',
        'SanctionsEntryID="9003"><Comment>owns 51 % of the shares</Comment></ProfileRelationship>',
    )
    path = tmp_path / "sdn_advanced.xml"
    path.write_text(body, encoding="utf-8")
    parsed = OFAC_XML.parse([path])
    assert parsed.dataset == "us_ofac_sdn"
    link = next(e for e in parsed.entities if e.id == "ofac-link-20003-20002")
    assert link.get("percentage") == ["51"]
    assert link.get("summary") == ["owns 51 % of the shares"]


def test_the_real_consolidated_csv_set_parses_with_its_links(shared_data: Path) -> None:
    paths = sorted((shared_data / "ofac" / "cons-2025-12").glob("*.csv"))
    assert [p.name for p in paths] == [
        "cons_add.csv",
        "cons_alt.csv",
        "cons_comments.csv",
        "cons_prim.csv",
    ]
    parsed = OFAC_CONS.parse(paths)
    assert parsed.dataset == "us_ofac_cons"
    assert parsed.incomplete == []
    assert ids_unique(parsed.entities)
    counts = Counter(e.schema.name for e in parsed.entities)
    parties = counts["Person"] + counts["Company"] + counts["Organization"]
    assert parties == counts["Sanction"] == 442
    assert counts["UnknownLink"] == 282
    # The one Linked To naming a party that is not on this list is reported, not invented.
    assert parsed.warnings == ["ent_num 9647: Linked To 'HAMAS' is not listed"]
    by_id = {e.id: e for e in parsed.entities}
    link = by_id["ofac-link-17017-17013"]
    assert by_id["ofac-17017"].caption == "BM BANK JSC"
    assert by_id["ofac-17013"].caption == "VTB BANK PUBLIC JOINT STOCK COMPANY"
    assert (link.get("subject"), link.get("object")) == (["ofac-17017"], ["ofac-17013"])
    # Every Linked To names a party of the same list.
    ids = {e.id for e in parsed.entities}
    for link in (e for e in parsed.entities if e.schema.name == "UnknownLink"):
        assert link.get("role") == ["Linked To"]
        assert set(link.get("subject") + link.get("object")) <= ids


UK_PARENT = f"""  <Designation>
    <DateDesignated>02/03/2016</DateDesignated>
    <UniqueID>DPR0900</UniqueID>
    <Names><Name><Name6>KOREA DAESONG GENERAL TRADING</Name6>
      <NameType>Primary Name</NameType></Name></Names>
    <RegimeName>{REGIME}</RegimeName>
    <IndividualEntityShip>Entity</IndividualEntityShip>
  </Designation>
</Designations>"""


def test_uk_parent_companies_in_the_list_become_ownership(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(UK_XML.replace("</Designations>", UK_PARENT), encoding="utf-8")
    parsed = UK.parse([path])
    by_id = {e.id: e for e in parsed.entities}
    links = [e for e in parsed.entities if e.schema.name == "Ownership"]
    assert len(links) == 1  # the ship's owner is not designated: no link, the note stays
    (link,) = links
    bank = link.get("asset")[0]
    assert link.get("owner") == ["gb-fcdo-DPR0900"]
    assert by_id[bank].caption == "Korea United Development Bank"
    assert by_id[bank].schema.name == "Company"  # an owned Organization is a Company
    assert link.get("role") == ["Parent company"]
    assert ids_unique(parsed.entities)


def test_relations_are_read_from_the_store_by_id(tmp_path: Path, cons_advanced) -> None:  # type: ignore[no-untyped-def]
    from sever.home import Home

    home = Home.resolve(tmp_path / "home")
    with Store.open(home) as store:
        store.write_snapshot(
            cons_advanced.dataset,
            cons_advanced.source,
            cons_advanced.entities,
            published=cons_advanced.published,
            files=[],
        )
    with Store.open(home, read_only=True) as store:
        every = store.relations()
        assert len(every) == 276
        rosneft = store.relations(["ofac-17022"])
    assert {r.subject for r in rosneft} == {"ofac-17022"}
    assert "ofac-18267" in {r.object for r in rosneft}
    first = rosneft[0]
    assert (first.kind, first.role, first.dataset) == (
        "Ownership",
        "Owned or Controlled By",
        "us_ofac_cons",
    )
    assert first.percentage is None
