"""The demo's last stage: the hits and alerts become an inbox of cases, and two are worked through.

An admin, an analyst and a reviewer are created in the demo home; the analyst moves two monitoring
cases to escalated, drafts the SAR and a PDF report of each, and a reviewer who did not draft them
files them. ``sever audit verify`` then checks the chain of every action.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sever.cases.audit import verify
from sever.cases.ingest import ingest_files
from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.cases.users import add_user, list_users
from sever.cases.workflow import add_note, decide, list_cases
from sever.cli.output import console, print_table
from sever.home import Home
from sever.report.draft import draft_report

PEOPLE = (("demo-admin", "admin"), ("ana", "analyst"), ("rae", "reviewer"))
"""Who works the demo's cases: the first user of a store must be an admin."""

FILER = """[filer]
name = "Demo Bank, N.A."
tin = "123456789"
regulator = "occ"
address = "1 Main Street"
city = "Rockville"
state = "MD"
zip = "20852"
phone = "3015550100"
"""
"""A fictional filer for the demo's SARs (a real institution writes its own report.toml)."""


def _people(store: CaseStore) -> dict[str, Actor]:
    """The demo's users, created on the first run and reused on later ones."""
    known = {u["name"]: u for u in list_users(store)}
    admin = Actor(*PEOPLE[0])
    for name, role in PEOPLE:
        if name not in known:
            add_user(store, admin, name, role)
    return {name: Actor(name, role) for name, role in PEOPLE}


def _pick(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two new monitoring cases, the most severe first, of different kinds where possible.

    A SAR needs an amount and a period of activity: a screening match alone has neither, so its
    case is worked once payments are attached to it, not here."""
    order = ("critical", "high", "medium", "low")
    fresh = [c for c in cases if c["state"] == "new" and c["subject"]["kind"] == "account"]
    fresh.sort(key=lambda c: (order.index(c["severity"]) if c["severity"] in order else 9, c["id"]))
    chosen: list[dict[str, Any]] = []
    for case in fresh:
        if not chosen or case["title"].split(":")[0] != chosen[0]["title"].split(":")[0]:
            chosen.append(case)
        if len(chosen) == 2:
            break
    return chosen


def work_cases(home: Home, files: list[Path]) -> dict[str, Any]:
    """Ingest ``files`` into the home's case store, work two cases to a filed SAR, verify."""
    store = CaseStore.open(home)
    people = _people(store)
    analyst, reviewer = people["ana"], people["rae"]
    settings = home.root / "report.toml"
    if not settings.exists():
        settings.write_text(FILER, encoding="utf-8")
    ingested = ingest_files(store, analyst, files)
    counts = ingested.to_dict()
    console.print(
        f"{counts['added']:,} findings ingested ({counts['known']:,} already known): "
        f"{len(counts['cases_opened']):,} cases opened, {len(counts['cases_grown']):,} grown "
        f"({store.dialect}); users: " + ", ".join(f"{n} ({a.role})" for n, a in people.items())
    )
    worked = []
    reports = home.root / "reports"
    reports.mkdir(exist_ok=True)
    for case in _pick(list_cases(store, state="open")):
        number = case["id"]
        decide(store, analyst, number, "in_review", "demo: opened for review")
        add_note(store, analyst, number, f"Reviewed the evidence of: {case['title']}")
        decide(store, analyst, number, "escalated", "demo: the red flags hold on review")
        sar = draft_report(store, analyst, number, "sar", reports / f"case-{number}-sar.xml")
        pdf = draft_report(store, analyst, number, "pdf", reports / f"case-{number}.pdf")
        decide(store, reviewer, number, "reported", "demo: reviewed the draft; filed")
        worked.append(
            {
                "case": number,
                "title": case["title"],
                "sar": str(sar.path),
                "pdf": str(pdf.path),
                "drafted_by": analyst.name,
                "filed_by": reviewer.name,
            }
        )
    print_table(
        "Cases worked through to a filed SAR (drafted by the analyst, filed by a reviewer)",
        ["case", "title", "SAR XML", "PDF"],
        [(w["case"], w["title"], w["sar"], w["pdf"]) for w in worked],
    )
    with store.read() as session:
        verdict = verify(session)
    console.print(f"sever audit verify: {verdict.sentence()}", highlight=False)
    return {"ingest": ingested.to_dict(), "worked": worked, "audit": verdict.to_dict()}
