"""US-dollar prices for chain assets: the user's dated price file, or documented reference rates.

Values are traced in native units (ETH, BTC, USDT); every result also carries its value in US
dollars so that thresholds and shares across assets mean one thing. Two sources, and the output
says which was used (:attr:`Prices.source`):

- ``--prices FILE``: a CSV of ``date, asset, usd`` (one row per asset and day, dates
  ``YYYY-MM-DD``). A transfer is priced at the latest row on or before its day; a transfer before
  the first row of its asset takes that first row. An asset missing from the file falls back to
  the reference rate, and the output lists it.
- the reference rates below: fixed approximate 2024 values (ETH 3,000, BTC 60,000; 1 for dollar
  stablecoins and for ``USD``, the unit of flows already valued in dollars).
  Good enough to rank and to compare; not for a legal claim.

A token without a price (an unknown contract) is traced in its own units with ``traced_usd``
empty; it is never priced at zero silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sever.errors import InputError
from sever.tables.csv_input import CsvReader
from sever.tables.currencies import positive_number

REFERENCE_USD = {
    "ETH": 3_000.0,
    "WETH": 3_000.0,
    "BTC": 60_000.0,
    "WBTC": 60_000.0,
    "USDT": 1.0,
    "USDC": 1.0,
    "DAI": 1.0,
    "BUSD": 1.0,
    "USD": 1.0,
    "TRX": 0.12,
    "BNB": 550.0,
}
"""Reference US-dollar prices per unit (approximate mid-market, 2024)."""

MAX_USD = 1e9
"""The highest price per unit a price file may give (BTC is below 10^6): a larger one is a typo
or a unit mix-up, and would overflow dollar sums."""

REFERENCE_SOURCE = "reference rates (sever.trace.prices.REFERENCE_USD, approximate 2024)"


@dataclass
class Prices:
    """Price lookups for (asset, time); ``source`` says in words where the prices came from."""

    source: str
    daily: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """asset -> (day numbers since 1970, US dollars), sorted by day."""
    unpriced: set[str] = field(default_factory=set)
    """Assets seen with no price at all (traced in native units only)."""
    fallback: set[str] = field(default_factory=set)
    """Assets priced from the reference rates although a price file was given."""

    def usd(self, asset: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """The US-dollar price of one unit of each ``asset`` at each time (NaN when unknown)."""
        out = np.full(len(asset), np.nan)
        codes, names = pd.factorize(asset)
        for code, name in enumerate(names):
            mask = codes == code
            series = self.daily.get(str(name))
            if series is not None:
                days, prices = series
                position = np.searchsorted(days, seconds[mask] // 86_400, side="right") - 1
                out[mask] = prices[np.clip(position, 0, len(days) - 1)]
            elif str(name) in REFERENCE_USD:
                out[mask] = REFERENCE_USD[str(name)]
                if self.daily:
                    self.fallback.add(str(name))
            else:
                self.unpriced.add(str(name))
        return out

    def describe(self) -> str:
        """The price source in words, with the assets that had to fall back or had no price."""
        words = self.source
        if self.fallback:
            words += f"; reference rates for {', '.join(sorted(self.fallback))}"
        if self.unpriced:
            words += f"; no price for {', '.join(sorted(self.unpriced))} (USD left empty)"
        return words


def reference_prices() -> Prices:
    """The documented reference rates."""
    return Prices(REFERENCE_SOURCE)


def read_prices(path: str | Path) -> Prices:
    """Dated prices from a CSV of ``date, asset, usd``; a bad row is an error naming it."""
    rows: dict[str, dict[int, float]] = {}
    reader = CsvReader(path, required=("date", "asset", "usd"), lower=True, what="price file")
    for line, record in reader:
        try:
            day = datetime.strptime(record["date"][:10], "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise InputError(
                path, f"date {record['date']!r} is not YYYY-MM-DD", row=line, field="date"
            ) from None
        usd = positive_number(path, line, "usd", record["usd"], MAX_USD)
        asset = normal_asset(record["asset"])
        number = int(day.timestamp()) // 86_400
        if number in rows.setdefault(asset, {}):
            raise InputError(
                path, f"{asset} is priced twice on {record['date']}", row=line, field="date"
            )
        rows[asset][number] = usd
    if not rows:
        raise InputError(path, "the price file has no rows")
    daily = {
        asset: (np.array(sorted(days)), np.array([days[d] for d in sorted(days)]))
        for asset, days in rows.items()
    }
    return Prices(f"price file {path} ({len(daily)} assets)", daily)


def normal_asset(text: str) -> str:
    """An asset symbol as compared: upper case, OFAC's ``XBT`` read as ``BTC``; a token contract
    address in lower case."""
    symbol = text.strip()
    if symbol[:2].lower() == "0x":  # a token contract: an address, compared in lower case
        return symbol.lower()
    symbol = symbol.upper()
    return "BTC" if symbol == "XBT" else symbol
