"""Drafting a report of a case: the one service the CLI (``sever report``) and the API call.

A SAR or goAML draft needs an escalated case and an analyst or above. The document is built from
the case, checked against its schema, and only then written (atomically: whole or not at all).
The draft is recorded in the case's name (:func:`sever.cases.workflow.record_draft`, which makes
the drafter unable to file it: four-eyes) and the file is kept with the case as an attachment;
both go to the audit chain with the file's SHA-256. Filing stays a reviewer's decision
(``sever cases decide CASE reported``).

A PDF case report can be made at any state; it is kept with the case (with its HTML twin) but is
not a filing, so it records no draft.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.errors import InputError
from sever.report.facts import CaseFacts, case_facts
from sever.report.settings import ReportSettings, load_settings
from sever.tables.atomic import atomic_output, check_output_path

KINDS = ("sar", "goaml", "pdf")
FILINGS = ("sar", "goaml")
"""The kinds that are filed with a regulator (and so recorded as drafts)."""

MEDIA_TYPES = {"sar": "application/xml", "goaml": "application/xml", "pdf": "application/pdf"}


@dataclass(frozen=True)
class Drafted:
    """A report written: where, its SHA-256 and size, and the case as it now is."""

    kind: str
    case: int
    path: Path
    sha256: str
    size: int
    html: Path | None
    state: str
    drafted_by: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "case": self.case,
            "path": str(self.path),
            "sha256": self.sha256,
            "size": self.size,
            "html": str(self.html) if self.html else None,
            "state": self.state,
            "drafted_by": self.drafted_by,
        }


def render(
    kind: str, facts: CaseFacts, settings: ReportSettings | None, xsd: Path | None = None
) -> tuple[bytes, str | None]:
    """The document of ``kind`` (and, for a PDF, its HTML), validated where a schema applies."""
    if kind == "sar":
        from sever.report.sar import build_sar

        assert settings is not None
        return build_sar(facts, settings.filer), None
    if kind == "goaml":
        from sever.report.goaml import build_goaml

        assert settings is not None
        return build_goaml(facts, settings.filer, settings.goaml, xsd=xsd), None
    from sever.report.case_html import case_html
    from sever.report.pdf import html_to_pdf

    filer = settings.filer.name if settings is not None else ""
    html = case_html(facts, filer=filer)
    return html_to_pdf(html), html


def draft_report(
    store: CaseStore,
    actor: Actor,
    case_id: int,
    kind: str,
    out: Path,
    *,
    settings_file: Path | None = None,
    xsd: Path | None = None,
) -> Drafted:
    """Write the ``kind`` report of a case to ``out``, record it and keep it with the case."""
    from sever.cases.workflow import BadMove, attach, record_draft, show_case

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    actor.require("analyst", "drafting a report")
    check_output_path(out)
    if kind == "pdf" and out.suffix.lower() in (".html", ".htm"):
        raise InputError(
            out, "name the PDF file; its HTML twin is written beside it", field="--out"
        )
    view = show_case(store, case_id)
    if kind in FILINGS and view["state"] != "escalated":
        raise BadMove(f"case {case_id} is {view['state']}; escalate it before drafting a report")
    settings_path = settings_file or store.home.root / "report.toml"
    settings = (
        load_settings(store.home, settings_file)
        if kind in FILINGS or settings_path.is_file()
        else None
    )
    document, html = render(kind, case_facts(view), settings, xsd)
    html_path = out.with_suffix(".html") if html is not None else None
    with atomic_output(out) as temp:
        temp.write_bytes(document)
    if html_path is not None and html is not None:
        with atomic_output(html_path) as temp:
            temp.write_text(html, encoding="utf-8")
    digest = hashlib.sha256(document).hexdigest()
    if kind in FILINGS:
        view = record_draft(store, actor, case_id, kind, digest)
    attach(store, actor, case_id, out)
    if html_path is not None:
        attach(store, actor, case_id, html_path)
    return Drafted(
        kind, case_id, out, digest, len(document), html_path, view["state"], view["drafted_by"]
    )
