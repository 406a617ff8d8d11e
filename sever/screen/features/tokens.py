"""Word-by-word similarity shared by people's and companies' names."""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz.distance import Levenshtein

INITIAL_CREDIT = 0.6
"""How much a single initial (J.) counts when it stands for a word that starts with it (Jong)."""

Aligned = list[tuple[str, str, float]]


def token_similarity(a: str, b: str) -> float:
    """How alike two words are: 1.0 the same, a typo in a long word a little less, an initial that
    fits (J. for Jong) INITIAL_CREDIT, otherwise 0. Words under four letters must be exact."""
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL_CREDIT if a[0] == b[0] else 0.0
    longest = max(len(a), len(b))
    allowed = 0 if longest < 4 else (1 if longest < 9 else 2)
    if allowed == 0:
        return 0.0
    distance = Levenshtein.distance(a, b, score_cutoff=allowed)
    if distance > allowed:
        return 0.0
    return 1.0 - distance / longest


def align_tokens(
    query: tuple[str, ...],
    candidate: tuple[str, ...],
    weight: Callable[[str], float] = len,
    similarity: Callable[[str, str], float] = token_similarity,
) -> tuple[float, Aligned]:
    """Pair the words of two names in whatever order they are written, best pairs first, and score
    the pairing as the weighted share of words, on both sides, that found a partner (by default a
    word weighs its length in letters)."""
    pairs: list[tuple[float, int, int]] = []
    for i, q in enumerate(query):
        for j, c in enumerate(candidate):
            sim = similarity(q, c)
            if sim > 0:
                pairs.append((sim, i, j))
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    matched = 0.0
    aligned: Aligned = []
    for sim, i, j in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        matched += sim * (weight(query[i]) + weight(candidate[j]))
        aligned.append((query[i], candidate[j], sim))
    total = sum(map(weight, query)) + sum(map(weight, candidate))
    return (matched / total if total else 0.0), aligned
