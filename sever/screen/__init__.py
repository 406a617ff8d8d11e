"""Screening: names, companies, vessels, aircraft, wallets and identifiers matched against the
lists, with an explanation per hit."""

from sever.screen.algorithms import ALGORITHMS, get_algorithm
from sever.screen.features.identifiers import id_keys
from sever.screen.features.names import name_keys
from sever.screen.match import (
    DEFAULT_ALGORITHM,
    THRESHOLD,
    Feature,
    MatchResult,
    Prepared,
    prepare,
    score,
)

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "THRESHOLD",
    "Feature",
    "MatchResult",
    "Prepared",
    "get_algorithm",
    "id_keys",
    "name_keys",
    "prepare",
    "score",
]

# The public screening functions the CLI and the API both call.
from sever.screen.index import ScreeningIndex, load_index
from sever.screen.search import (
    Hit,
    Screening,
    ScreenOptions,
    ScreenTimeout,
    screen_entity,
    search,
)

__all__ += [
    "Hit",
    "ScreenOptions",
    "ScreenTimeout",
    "Screening",
    "ScreeningIndex",
    "load_index",
    "screen_entity",
    "search",
]
