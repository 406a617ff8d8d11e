"""The findings model: one schema, writer and reader for every verb; screening hits convert."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sever.alerts import (
    Alert,
    Reason,
    Subject,
    finding_from_hit,
    read_findings,
    write_findings,
)
from sever.errors import InputError

WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)

HIT = {
    "query_id": "cust-7",
    "query_name": "Pak Chol",
    "entity_id": "ofac-1234",
    "caption": "PAK Chol Su",
    "schema": "Person",
    "list": "us_ofac_sdn",
    "programs": "DPRK3;NKSPEA",
    "dprk": True,
    "holder": None,
    "score": 0.93,
    "decision": "match",
    "explanation": "name 'Pak Chol' matches alias 'PAK Chol'",
    "party.branch": "Seoul",
}


def wallet_finding() -> Alert:
    return Alert(
        alert_id="trace_endpoint-1",
        typology="crypto_laundering",
        rule_id="trace_endpoint",
        severity="high",
        accounts=(),
        tx_ids=("0xabc", "0xdef"),
        amount=125_000.5,
        period_start=WHEN,
        period_end=WHEN,
        score=0.8,
        reasons=(Reason("traced value", 125_000.5, 10_000, ">="),),
        evidence={"asset": "ETH", "hops": [1, 2]},
        explanation="Stolen funds reached a deposit address.",
        verb="trace",
        subjects=(Subject("wallet", "0x1111", "Exchange deposit"),),
    )


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_a_finding_reads_back_as_written_in_every_format(tmp_path: Path, suffix: str) -> None:
    finding = wallet_finding()
    path = write_findings([finding], tmp_path / f"findings{suffix}")
    (back,) = read_findings(path)
    assert back.to_dict() == finding.to_dict()
    assert back.verb == "trace"
    assert back.all_subjects == (Subject("wallet", "0x1111", "Exchange deposit"),)
    assert back.reasons == finding.reasons


def test_an_alerts_file_from_before_findings_reads_with_accounts_as_subjects(
    tmp_path: Path,
) -> None:
    row = {
        "alert_id": "fan_out-1", "typology": "fan_out", "rule_id": "fan_out", "severity": "high",
        "accounts": ["acc-b", "acc-focus", "acc-a"], "tx_ids": ["t1"], "amount": 10.0,
        "period_start": WHEN, "period_end": WHEN, "score": 0.75, "explanation": "fan out",
        "evidence": json.dumps({"focus": "acc-focus", "reasons": []}),
    }  # fmt: skip
    path = tmp_path / "alerts.parquet"
    pq.write_table(pa.Table.from_pylist([row]), path)
    (finding,) = read_findings(path)
    assert finding.verb == "monitor"
    assert [s.id for s in finding.all_subjects] == ["acc-focus", "acc-a", "acc-b"]
    assert {s.kind for s in finding.all_subjects} == {"account"}


def test_a_screening_hit_becomes_a_finding_about_the_party_and_the_entry() -> None:
    finding = finding_from_hit(HIT)
    assert finding.verb == "screen"
    assert finding.severity == "critical"  # a match on a DPRK-programme entry
    assert finding.all_subjects == (
        Subject("party", "cust-7", "Pak Chol"),
        Subject("entity", "ofac-1234", "PAK Chol Su"),
    )
    assert finding.evidence["programs"] == ["DPRK3", "NKSPEA"]
    assert finding.evidence["party"] == {"branch": "Seoul"}
    assert "Pak Chol (cust-7) matched PAK Chol Su (ofac-1234) on us_ofac_sdn" in (
        finding.explanation
    )


def test_a_hit_for_review_is_a_medium_finding() -> None:
    assert finding_from_hit(HIT | {"decision": "review"}).severity == "medium"
    assert finding_from_hit(HIT | {"decision": "review", "dprk": False}).severity == "medium"
    assert finding_from_hit(HIT | {"dprk": "false"}).severity == "high"


def test_the_same_hit_is_the_same_finding_and_a_changed_record_is_a_new_one() -> None:
    entry = {"schema": "Person", "properties": {"name": ["PAK Chol Su"], "alias": ["Pak Chol"]}}
    same = {"schema": "Person", "properties": {"alias": ["Pak Chol"], "name": ["PAK Chol Su"]}}
    changed = {"schema": "Person", "properties": entry["properties"] | {"birthDate": ["1961"]}}
    first = finding_from_hit(HIT, entry)
    assert finding_from_hit(HIT, same).alert_id == first.alert_id
    assert finding_from_hit(HIT, changed).alert_id != first.alert_id
    assert finding_from_hit(HIT | {"party.branch": "Busan"}, entry).alert_id != first.alert_id


def test_a_hits_table_with_a_match_flag_converts_too(tmp_path: Path) -> None:
    path = tmp_path / "hits.csv"
    path.write_text("party_id,entity_id,score,match\np1,e1,0.9,true\np2,e2,0.6,false\n")
    found = read_findings(path)
    assert [f.evidence["decision"] for f in found] == ["match", "review"]
    assert [f.all_subjects[0].id for f in found] == ["p1", "p2"]


@pytest.mark.parametrize(
    ("text", "row", "field"),
    [
        ("alert_id,typology,rule_id,severity\nx,fan_out,r,extreme\n", 2, "severity"),
        ("alert_id,typology,rule_id,severity,verb\nx,fan_out,r,low,spy\n", 2, "verb"),
        ("alert_id,typology,rule_id,severity,amount\nx,fan_out,r,low,lots\n", 2, "amount"),
        ("alert_id,typology,rule_id,severity,evidence\nx,fan_out,r,low,{oops\n", 2, "evidence"),
        ("alert_id,typology,rule_id,severity\n,fan_out,r,low\n", 2, "alert_id"),
    ],
)
def test_a_bad_row_is_named_by_file_row_and_field(
    tmp_path: Path, text: str, row: int, field: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_findings(path)
    assert (caught.value.path, caught.value.row, caught.value.field) == (str(path), row, field)


def test_a_file_that_is_neither_findings_nor_hits_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="neither findings"):
        read_findings(path)


def test_an_overlong_id_is_refused_by_field(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"alert_id,typology,rule_id,severity\n{'x' * 201},fan_out,r,low\n")
    with pytest.raises(InputError) as caught:
        read_findings(path)
    assert caught.value.field == "alert_id"
