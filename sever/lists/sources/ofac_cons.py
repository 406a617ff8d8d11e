"""OFAC's consolidated non-SDN list, legacy CSV: CONS_PRIM.CSV, CONS_ALT.CSV, CONS_ADD.CSV and
CONS_COMMENTS.CSV.

The files have exactly the SDN set's layout, so they are read by ``ofac_csv.parse_csv_set``; only
the dataset differs. Content alone cannot tell the two lists apart, so a file of that layout is
claimed here when its name starts with ``cons_`` (the SDN source claims the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sever.lists.sources.base import ParsedList, Source
from sever.lists.sources.ofac_csv import is_cons_name, looks_like_csv_set_file, parse_csv_set

_BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


def detect_cons(path: Path, head: bytes) -> bool:
    """A legacy CSV set file named ``cons_*``."""
    return looks_like_csv_set_file(head) and is_cons_name(path)


def parse_cons(paths: Sequence[Path]) -> ParsedList:
    """Parse OFAC's consolidated non-SDN legacy CSV set into the ``us_ofac_cons`` dataset."""
    return parse_csv_set(paths, dataset="us_ofac_cons", source="ofac_cons")


SOURCE = Source(
    name="ofac_cons",
    dataset="us_ofac_cons",
    title="OFAC consolidated non-SDN list (legacy CSV: CONS_PRIM, _ALT, _ADD, _COMMENTS)",
    detect=detect_cons,
    parse=parse_cons,
    urls=tuple(
        _BASE_URL + name
        for name in ("CONS_PRIM.CSV", "CONS_ALT.CSV", "CONS_ADD.CSV", "CONS_COMMENTS.CSV")
    ),
)
