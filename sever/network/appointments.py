"""Boards joined together: one officer appointed to several tied companies within weeks.

Front companies are often older companies taken over by a nominee shortly before they are used
(TYPOLOGIES.md section B; nominee directors and shelf companies bought ready-made: FATF and
Egmont Group, Concealment of Beneficial Ownership, 2018). A registry that gives each director's
appointment date (the ``appointments`` table of :mod:`sever.network.graph`) shows it: the nominee
the companies share joined their boards within weeks of each other, recently, and months or
years after they were formed. Boards also change together for ordinary reasons (a company group
restructured, a family's companies handed to a successor, a client's vehicles moved to a new
registered agent), so this is one sign among others, never enough alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import duckdb


@dataclass(frozen=True)
class Appointment:
    """One officer joining one company's board."""

    officer: str
    company: str
    appointed: date
    formed: date | None
    """The company's incorporation date, where the registry gives it."""

    def after_formation(self) -> int | None:
        """Days from the company's formation to this appointment (None when not known)."""
        return None if self.formed is None else (self.appointed - self.formed).days


_RECENT = """
SELECT m.cluster, a.director, a.company, a.appointed, n.since
FROM appointments a
JOIN members m ON m.node_id = a.company
LEFT JOIN (SELECT node_id, min(since) AS since FROM nodes GROUP BY node_id) n
  ON n.node_id = a.company
WHERE date_diff('day', a.appointed, ?) < ?
ORDER BY ALL
"""


def joined_together(
    con: duckdb.DuckDBPyConnection, last: date | None, recent_days: int, window_days: int
) -> dict[int, list[Appointment]]:
    """Per cluster (the temporary table ``members(node_id, cluster)``), the most members one
    officer joined within ``window_days`` of each other, all less than ``recent_days`` before
    ``last`` (the newest company of the graph): two or more, or none. Empty when the registry
    gives no appointment dates (or the graph was built before they were read)."""
    if last is None or not _has_appointments(con):
        return {}
    runs: dict[tuple[int, str], list[Appointment]] = defaultdict(list)
    for cluster, officer, company, appointed, formed in con.execute(
        _RECENT, [last, recent_days]
    ).fetchall():
        runs[(int(cluster), officer)].append(Appointment(officer, company, appointed, formed))
    best: dict[int, list[Appointment]] = {}
    for (cluster, _), seats in sorted(runs.items()):
        run = _widest_run(sorted(seats, key=lambda s: (s.appointed, s.company)), window_days)
        if len(run) >= 2 and len(run) > len(best.get(cluster, ())):
            best[cluster] = run
    return best


_PAIRS = """
WITH recent AS (
    SELECT director, company, appointed FROM appointments
    WHERE date_diff('day', appointed, (SELECT max(since) FROM nodes WHERE kind = 'company')) < ?
)
SELECT DISTINCT a.company, b.company FROM recent a JOIN recent b
  ON b.director = a.director AND a.company < b.company
 AND abs(date_diff('day', a.appointed, b.appointed)) <= ?
"""


def joined_pairs(
    con: duckdb.DuckDBPyConnection, recent_days: int, window_days: int
) -> set[tuple[str, str]]:
    """Pairs of companies (the smaller id first) that took one officer onto their boards within
    ``window_days`` of each other, less than ``recent_days`` before the newest company of the
    graph was formed. Empty without appointment dates."""
    if not _has_appointments(con):
        return set()
    return {(a, b) for a, b in con.execute(_PAIRS, [recent_days, window_days]).fetchall()}


def _has_appointments(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'appointments'"
        ).fetchone()[0]
    )


def _widest_run(seats: list[Appointment], window_days: int) -> list[Appointment]:
    """The most appointments (sorted by day) within ``window_days`` of the first of them."""
    widest: list[Appointment] = []
    start = 0
    for end, seat in enumerate(seats):
        while (seat.appointed - seats[start].appointed).days > window_days:
            start += 1
        if end + 1 - start > len(widest):
            widest = seats[start : end + 1]
    return widest
