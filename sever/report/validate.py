"""Checking a report against its XML schema before it is written (``xmlschema``, XSD 1.1).

goAML schemas are published with .NET-style patterns anchored as ``^…$``; a strict XSD validator
reads those anchors as literal characters and would refuse every value. :func:`load_schema`
therefore strips a leading ``^`` and trailing ``$`` from each ``xs:pattern`` before compiling the
schema (and only those two characters: every other constraint stays strict). The shipped goAML
5.0.1 schema has no anchored pattern in force; FIUs' own schemas passed with ``--xsd`` may.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sever.report.facts import ReportError

XSD_NS = "http://www.w3.org/2001/XMLSchema"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
"""The published schemas, shipped unchanged with sever (a test compares them with the specs)."""

FINCEN_XSD = SCHEMAS / "EFL_SARXBatchSchema.xsd"
GOAML_XSD = SCHEMAS / "goAMLSchema_5.0.1.xsd"


def strip_anchors(pattern: str) -> str:
    """``^abc$`` → ``abc``: the anchors a .NET or JavaScript pattern carries, removed."""
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern


@lru_cache(maxsize=8)
def load_schema(path: Path) -> Any:
    """The schema at ``path`` compiled in XSD 1.1 mode with pattern anchors stripped; a schema
    that cannot be read is a ReportError naming the file."""
    import xmlschema
    from lxml import etree

    if not path.is_file():
        raise ReportError(f"{path}: schema not found")
    try:
        tree = etree.parse(str(path))
        for node in tree.iter(f"{{{XSD_NS}}}pattern"):
            value = node.get("value")
            if value is not None:
                node.set("value", strip_anchors(value))
        source = etree.tostring(tree, encoding="unicode")
        return xmlschema.XMLSchema11(source, base_url=str(path.parent))
    except (etree.XMLSyntaxError, xmlschema.XMLSchemaException, OSError) as exc:
        message = " ".join(str(exc).split())[:300]
        raise ReportError(f"{path}: not a usable XML schema: {message}") from None


def check(document: bytes, schema_path: Path, what: str) -> None:
    """Raise a ReportError naming the first problem unless ``document`` is valid."""
    schema = load_schema(schema_path)
    from lxml import etree

    error = next(iter(schema.iter_errors(etree.fromstring(document))), None)
    if error is not None:
        reason = " ".join(str(error.reason or error.message).split())[:300]
        raise ReportError(
            f"{what} does not validate against {schema_path.name}: {reason} (at {error.path})"
        )
