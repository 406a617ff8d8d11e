"""Reports of a case in the formats regulators take: FinCEN SAR batch XML (:mod:`.sar`), goAML
STR XML (:mod:`.goaml`), and a case report as HTML and PDF (:mod:`.case_html`, :mod:`.pdf`).

:func:`sever.report.draft.draft_report` is the one entry point the CLI and the API call. Every
report is drawn from the same facts of the case (:mod:`.facts`); XML is checked against its schema
before it is written (:mod:`.validate`); the typologies map to SAR categories in
:mod:`.categories`. lxml, xmlschema, Matplotlib and WeasyPrint are imported only when a report is
made.
"""
