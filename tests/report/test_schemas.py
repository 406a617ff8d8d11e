"""The report schemas sever ships are the published ones in ../shared/specs, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sever.report.validate import FINCEN_XSD, GOAML_XSD, SCHEMAS

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"


@pytest.mark.parametrize(
    ("shipped", "published"),
    [
        (FINCEN_XSD, "fincen/EFL_SARXBatchSchema.xsd"),
        (GOAML_XSD, "goaml/goAMLSchema_5.0.1.xsd"),
        (SCHEMAS / "goAMLReportDataSchema_5.0.1.xsd", "goaml/goAMLReportDataSchema_5.0.1.xsd"),
    ],
)
def test_the_shipped_schema_is_the_published_one(shipped: Path, published: str) -> None:
    source = SPECS / published
    if not source.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{source} not found (CI must have ../shared/specs)")
        pytest.skip(f"{source} not found")
    assert shipped.read_bytes() == source.read_bytes()
