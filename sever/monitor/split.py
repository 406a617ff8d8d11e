"""A fair split of labelled data: two time slices with a gap, each scheme counted once.

The period is cut by payment time into a fit slice (older) and a test slice (newest). A gap before
the cut belongs to neither, so a pattern cannot sit half in the model's training data and half in
the data it is judged on. Features of each slice are computed from that slice's payments only, as
a monitoring system would have seen them then. The model calibrates itself and sets its threshold
on scores it did not fit, within the fit slice (:func:`sever.monitor.scorer.cross_fit`), so no
third slice is needed.

A scheme that straddles the cut is counted once, in the slice where it started: its accounts and
payments are positives there; in the later slice they are dropped (neither positive nor
negative), and in the earlier slice, before the scheme began, they count as the ordinary accounts
they then were. A scheme's start comes from the labels (``labels/schemes.parquet`` of a simulated
world, or an account's first labelled payment); labels without a start count wherever they appear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

TEST_SHARE = 0.3
"""The newest share of payments is the test slice."""
GAP_SHARE = 0.02
"""Before the cut this share of the period (about a week of a year) is left out."""


@dataclass(frozen=True)
class Cuts:
    """Where the test slice begins (seconds since 1970) and how long the gap before it is."""

    test: int
    gap: int

    def bounds(self) -> list[tuple[str, int | None, int | None]]:
        """Each slice as (name, first second, end second exclusive); None is open-ended."""
        return [("fit", None, self.test - self.gap), ("test", self.test, None)]


def time_cuts(
    times: pd.Series, test_share: float = TEST_SHARE, gap_share: float = GAP_SHARE
) -> Cuts:
    """The cut at a payment-time quantile: the newest ``test_share`` tests; ``gap_share`` of the
    period is left out before it."""
    test = int(times.quantile(1 - test_share))
    gap = int((times.max() - times.min()) * gap_share)
    return Cuts(test, gap)


@dataclass
class Labels:
    """What is known to be illicit: accounts, payments, and when each one's scheme started.

    ``account_start`` and ``tx_start`` map an id to its scheme's start (seconds); an id missing from
    them has no known start and counts as positive in every slice it appears in.
    """

    accounts: set[str] | None = None
    tx: set[str] | None = None
    account_start: dict[str, float] = field(default_factory=dict)
    tx_start: dict[str, float] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        """``accounts``, ``transactions``, ``both`` or ``none``: which labels were given."""
        if self.accounts is not None and self.tx is not None:
            return "both"
        if self.accounts is not None:
            return "accounts"
        return "transactions" if self.tx is not None else "none"


def slice_labels(
    ids: pd.Series,
    positives: set[str],
    starts: dict[str, float],
    low: int | None,
    high: int | None,
) -> tuple[pd.Series, pd.Series]:
    """Labels of one slice's rows, and which rows to keep.

    A row is positive when its id is labelled and its scheme started before the slice ended (or the
    start is unknown); it is dropped when its scheme started before the slice began, so that the
    scheme was already counted in an earlier slice.
    """
    labelled = ids.isin(positives)
    start = ids.map(starts).astype(float)
    known = start.notna()
    earlier = labelled & known & (start < low) if low is not None else labelled & False
    later = labelled & known & (start >= high) if high is not None else labelled & False
    return labelled & ~earlier & ~later, ~earlier


def scheme_starts(members: pd.DataFrame, key: str, schemes: pd.DataFrame) -> dict[str, float]:
    """Each labelled id's earliest scheme start (seconds) from ``members`` (``key, scheme_id``) and
    ``schemes`` (``scheme_id, start``)."""
    joined = members[[key, "scheme_id"]].merge(schemes[["scheme_id", "start"]], on="scheme_id")
    epoch = pd.Timestamp(0, tz="UTC")
    seconds = (pd.to_datetime(joined["start"], utc=True) - epoch) // pd.Timedelta(seconds=1)
    first = seconds.groupby(joined[key].astype(str)).min()
    return {k: float(v) for k, v in first.items()}
