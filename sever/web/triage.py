"""What a hit's verdict does to its case.

Decisions are made on cases (a case groups a subject's findings), so a verdict on one hit moves
its case through the workflow:

- ``match``: the hit is the listed party. A new case is taken into review; a case already in
  review or escalated keeps its state and gets the verdict as a note.
- ``false_positive``: the case is closed as a false positive, and the hit is remembered so it is
  not raised again until the list entry or the customer record changes.
- ``escalate``: the case goes to a reviewer (escalated), through review when it is new.
"""

from __future__ import annotations

VERDICTS = {
    "match": "Match",
    "false_positive": "False positive",
    "escalate": "Escalate",
}


def moves_for(state: str, verdict: str) -> list[str]:
    """The states to move a case in ``state`` through for ``verdict`` (empty: only a note)."""
    if verdict == "false_positive":
        return ["closed_false_positive"]
    if verdict == "escalate":
        return {"new": ["in_review", "escalated"], "in_review": ["escalated"]}.get(
            state, ["escalated"]
        )
    return ["in_review"] if state == "new" else []
