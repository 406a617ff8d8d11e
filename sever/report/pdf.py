"""The case report as PDF: the HTML page of :mod:`sever.report.case_html` laid out by WeasyPrint.

WeasyPrint is given a resource fetcher that refuses every URL, so a report never reaches the
network (the page needs nothing from outside: styles and charts are inline, fonts are the
system's).
"""

from __future__ import annotations

from typing import Any

from sever.report.facts import ReportError


def _offline(url: str, *_: Any, **__: Any) -> dict[str, Any]:
    raise ReportError(f"the case report asked for {url[:80]!r}; reports fetch nothing")


def html_to_pdf(html: str) -> bytes:
    """The HTML document as PDF bytes."""
    import logging
    import warnings

    with warnings.catch_warnings():  # its note about an optional HarfBuzz library
        warnings.simplefilter("ignore", DeprecationWarning)
        from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its font notes are not the user's
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, url_fetcher=_offline).write_pdf()
