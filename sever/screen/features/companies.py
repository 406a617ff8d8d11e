"""Names of companies, organisations, vessels and aircraft.

Front companies change legal forms and transliterations: "Co., Ltd" comes and goes, Chinyong is also
Jinyong, Korea Mining Development Trading Corporation is also KOMID. Legal forms (rigour's list of
organisation types) and the generic words of trade names are weighted down so that two names agree
on what distinguishes them; words that read as the same Korean syllables count as the same word;
an acronym matches the name it abbreviates.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations, pairwise
from typing import TYPE_CHECKING

from rigour.names import remove_org_types

from sever.screen.features import Observation, korean, spelling
from sever.screen.features.known_words import KNOWN
from sever.screen.features.tokens import align_tokens, token_similarity

if TYPE_CHECKING:
    from sever.screen.prepared import Prepared

GENERIC_WORDS = frozenset((
    "trading", "trade", "traders", "corporation", "corp", "company", "co", "general", "bureau",
    "group", "international", "intl", "industrial", "industry", "industries", "enterprise",
    "enterprises", "import", "export", "commercial", "commerce", "association", "joint",
    "venture", "stock", "holding", "holdings", "the", "of", "and", "for", "de", "la", "service",
    "services", "shipping", "management", "technology", "technologies", "development", "korea",
    "korean", "dprk", "democratic", "peoples", "people", "republic", "choson", "chosun",
    "pyongyang", "china", "chinese", "hong", "kong", "ltd", "limited", "llc", "inc", "plc", "jsc",
    "pte", "gmbh",
))  # fmt: skip
"""Words so common in DPRK-related trade names that they say little about which company it is."""

TRADE_WORDS = frozenset((
    "global", "golden", "gold", "ocean", "oceanic", "pacific", "atlantic", "maritime", "marine",
    "sea", "sky", "star", "sun", "silver", "blue", "green", "red", "white", "black", "royal",
    "imperial", "united", "universal", "national", "continental", "central", "eastern", "western",
    "northern", "southern", "east", "west", "north", "south", "orient", "oriental", "asia",
    "asian", "euro", "europe", "american", "prime", "alpha", "first", "new", "grand", "great",
    "premier", "smart", "noble", "modern", "standard", "classic", "dynamic", "allied", "metro",
    "capital", "crown", "diamond", "pearl", "summit", "horizon", "apex", "unity", "victory",
    "bright", "rising", "fortune", "lucky", "harmony", "ever", "eagle", "dragon", "phoenix",
    "energy", "power", "oil", "gas", "petroleum", "petrochemical", "chemical", "chemicals",
    "steel", "metal", "metals", "minerals", "resources", "investment", "investments",
    "finance", "financial", "partners", "ventures", "logistics", "transport", "freight", "cargo",
    "lines", "line", "tankers", "tanker", "navigation", "aviation", "construction", "engineering",
    "electronics", "electric", "systems", "solutions", "supply", "supplies", "equipment",
    "machinery", "consulting", "foods", "food", "textiles", "textile", "pharma", "imports",
    "exports", "agency", "agencies", "products", "goods", "network", "media", "energies",
))  # fmt: skip
"""Everyday words of trade names anywhere (Global, Golden, Ocean, Energy, Investment): a name
made only of these and of GENERIC_WORDS has no distinctive word, and must agree almost exactly."""

LEGAL_FORMS = frozenset((
    "corporation", "corp", "company", "co", "limited", "ltd", "incorporated", "inc", "llc", "jsc",
    "plc", "pte", "gmbh", "sa", "ag", "bv", "srl", "spa", "ooo", "zao", "oao", "pao", "fze", "fzco",
    "sas", "sarl", "sprl", "sro", "sal", "eood", "ead", "wll", "fzc", "pvt", "est", "akb", "jsb",
    "cia", "sl", "bsc", "pjs", "anonim",
))  # fmt: skip
"""Legal forms, whichever way they are abbreviated (with those the lists write that rigour's list
lacks: Bulgarian EOOD, EAD; Gulf W.L.L., FZC, Est., Bahraini B.S.C.; Pvt; Russian AKB and JSB,
joint-stock commercial bank; Spanish Cía., S.L.; Iranian PJS; Turkish Anonim Şirketi)."""

LETTERED_FORMS = frozenset(("as", "ca", "sca"))
"""Legal forms recognised only when written letter by letter (Turkish A.S., Venezuelan C.A.,
S.C.A.): as words they are other words (the Arabic article as-)."""

LEGAL_QUALIFIERS = frozenset(("private", "public", "closed", "open"))
"""Words that are part of the legal form they come before (Private Limited, Private Joint Stock
Company, Closed Joint Stock Company), which rigour's list does not always take with it: Bushra
Ship Management Private Limited is Bushra Ship Management Pvt Ltd."""

GENERIC_WORD_WEIGHT = 0.2
"""Weight of a generic word in a company name, against 1.0 for a distinctive word."""
LEGAL_FORM_WEIGHT = 0.05
"""Weight of a legal form (Ltd, LLC, JSC, Corporation): nearly none, since fronts change them."""
KOREAN_WORD_CREDIT = 0.95
"""How much two words that read as the same Korean syllables count (Chinyong, Jinyong)."""
MIN_KOREAN_WORD = 4
"""Shortest word of a company name compared by its Korean reading: shorter words read as too
many syllables alike (Sun, Son, Shoon)."""
MIN_ACRONYM = 3
"""Shortest acronym matched against a full name (shorter ones match too much)."""
MAX_ACRONYM = 8
MIN_SYLLABIC_ACRONYM = 5
"""Shortest acronym that may take more than one letter from a word (KOMID = KOrea MIning
Development). Shorter acronyms must be plain initials: otherwise 'TRO' would spell
'TRading Ocean' as well as 'Tamils Rehabilitation Organisation'."""
GENERIC_NAME_STRICTNESS = 2.0
"""When either name has no distinctive word (Golden Shipping Limited), every word but the legal
form counts in full and the agreement is raised to this power: Golden Shipping against Golden
Enterprise Shipping agrees 0.8 by words, 0.64 once raised, well under a match."""
MAX_SPELLING_FORM = 4
"""Legal forms this short (Co, Ltd, LLC, Pte, FZE, S.A.) never give a letter to an acronym: Eagle
Partners Pte Ltd does not spell EPP. Longer ones (Corporation, Company) may (KNIC)."""
DIFFERENCE_CAP = 0.5
"""Most two company names may agree when a number or a country differs: no review."""
MISSING_WORDS_CAP = 0.8
"""Most two company names may agree when one lacks MISSING_DISTINCTIVE of the other's distinctive
words, or when they agree only where one writes initials for the other's words (Western Services
/ WS Shipping): a review at most."""
MISSING_DISTINCTIVE = 2
MIN_FORGIVEN_ONE_WORD = 8
"""Shortest word that may carry a company name alone while spelled differently from its partner
(Rosoboronexport, Rosoboroneksport). A shorter word a letter or a sound away is another word as
often as the same one (Koch, Koach; Stark, Stars; Marin, Makin; Denis, Denise), and a company
named by one such word is one of a great many: the names agree as a review at most, unless the
two words read as the same Korean syllables (Taejin, Taechin), which is how the lists' own
spellings of one Korean company differ, or differ only in their vowels beside a generic word
that agrees (Nour Holding, Noor Holding)."""
ACRONYM_CREDIT = 0.87
"""How much an acronym agreeing with the initials of the other name counts: a review on its own
(about 0.57 with the default model), never a match. Three to eight letters are shared by a great
many names (Sever Vostok Retail spells SVR; a food company spells the listed SADAF), so a date, a
country or an identifier must support it."""
MAX_GENERIC_SKIPS = 4
"""At most this many generic words are tried left out when writing a name's initials."""


def is_generic(token: str) -> bool:
    """True for a generic word of trade names (trading, corporation, general…)."""
    return token in GENERIC_WORDS


@lru_cache(maxsize=65536)
def legal_form_tokens(tokens: tuple[str, ...]) -> frozenset[str]:
    """The words of a name that are a legal form: ours (LEGAL_FORMS), also when written letter by
    letter (S.A.), and those rigour's list of organisation types recognises, also once their dots
    are lost (d.o.o. read as doo; rigour misses Corporation and Corp on their own)."""
    kept = remove_org_types(" ".join(tokens), replacement=" ").split()
    dotted = {t for t in tokens if _is_dotted_legal_form(t)}
    found = (
        (set(tokens) - set(kept))
        | (set(tokens) & LEGAL_FORMS)
        | dotted
        | _spelled_legal_forms(tokens)
    )
    found |= {a for a, b in pairwise(tokens) if a in LEGAL_QUALIFIERS and b in found}
    # Most names (every person's) have none: they share one empty set, which the garbage
    # collector does not walk, rather than each caching a set of its own that it would.
    return frozenset(found) if found else NO_LEGAL_FORM


NO_LEGAL_FORM: frozenset[str] = frozenset()
"""The legal form words of a name that has none."""


@lru_cache(maxsize=65536)
def _is_dotted_legal_form(token: str) -> bool:
    """A short word that rigour's list knows as a legal form written with dots, which the names'
    tokens have lost: d.o.o. (doo), Zrt. (zrt). Two letters are left to the other checks: read
    without their dots they are as often initials or a word of the name (RT, ET, NA)."""
    if not 3 <= len(token) <= MAX_SPELLING_FORM or not token.isalpha():
        return False
    forms = (".".join(token) + ".", token + ".")
    return any(not remove_org_types(form).strip() for form in forms)


def key_words(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a company name its index keys are made of: its legal forms left out, unless
    it has no other word. A legal form written out (Limited Liability Company, Obshchestvo s
    Ogranichennoi Otvetstvennostyu) is shared by thousands of listed companies, and its words and
    word pairs outweighed the one word that names the company when candidates were ranked
    (LIMITED LIABILITY COMPANY GAZKARDSERVIS did not find GAZKARDSERVIS OOO)."""
    legal = legal_form_tokens(tokens)
    return tuple(t for t in tokens if t not in legal) or tokens


def _spelled_legal_forms(tokens: tuple[str, ...]) -> set[str]:
    """The single letters of a legal form written letter by letter (S.A. as s, a)."""
    found: set[str] = set()
    run: list[str] = []
    for token in (*tokens, ""):
        if len(token) == 1:
            run.append(token)
            continue
        if "".join(run) in LEGAL_FORMS | LETTERED_FORMS:
            found.update(run)
        run = []
    return found


def _is_trade_word(token: str) -> bool:
    """A generic word of DPRK trade names or an everyday trade word anywhere."""
    return token in GENERIC_WORDS or token in TRADE_WORDS


def is_plain_name(tokens: tuple[str, ...], legal: frozenset[str]) -> bool:
    """True when a company name has no distinctive word: only legal forms, generic words and
    everyday trade words (Global Energy Corporation, Golden Shipping Limited)."""
    return all(t in legal or _is_trade_word(t) for t in tokens)


def plain_word_weight(token: str, legal: frozenset[str]) -> float:
    """How much one word weighs when one of the names has no distinctive word: every word counts
    in full, except legal forms."""
    return LEGAL_FORM_WEIGHT if token in legal else 1.0


def word_weight(token: str, legal: frozenset[str]) -> float:
    """How much one word of a company name weighs in the comparison."""
    if token in legal:
        return LEGAL_FORM_WEIGHT
    if token in GENERIC_WORDS:
        return GENERIC_WORD_WEIGHT
    return 1.0


@lru_cache(maxsize=1 << 17)
def korean_spellings(token: str) -> frozenset[str]:
    """The readings of a word of a company name as Korean syllables, written out (jin-yong), from
    the index's table of listed words when the word is there."""
    known = KNOWN.get(token)
    if known is not None and known.korean is not None:
        return frozenset(known.korean)
    return work_out_korean_spellings(token)


@lru_cache(maxsize=65536)
def work_out_korean_spellings(token: str) -> frozenset[str]:
    """The readings of a word as Korean syllables, each written out (jin-yong); none for words
    under MIN_KOREAN_WORD letters, which are compared by spelling only."""
    if len(token) < MIN_KOREAN_WORD:
        return frozenset()
    return frozenset(
        "-".join(".".join(key) for key in reading) for reading in korean.read_romanised(token)
    )


@lru_cache(maxsize=1 << 18)
def org_word_similarity(a: str, b: str) -> float:
    """Two words of company names: the same word, a typo, or the same Korean syllables spelled
    differently (Chinyong = Jinyong, Ryonbong = Ryonpong). Words shorter than MIN_KOREAN_WORD
    letters are compared by spelling only (Sun is not Shoon)."""
    sim = token_similarity(a, b)
    if (
        sim < KOREAN_WORD_CREDIT
        and len(a) >= MIN_KOREAN_WORD
        and len(b) >= MIN_KOREAN_WORD
        and korean_spellings(a) & korean_spellings(b)
    ):
        return KOREAN_WORD_CREDIT
    return sim


def compare_org_names(
    query: tuple[str, ...], candidate: tuple[str, ...]
) -> tuple[float, list[tuple[str, str, float]]]:
    """Weighted share of the words of two company names that found a partner, and the pairs
    (see :func:`org_comparison`)."""
    value, pairs, _ = org_comparison(query, candidate)
    return value, pairs


@lru_cache(maxsize=1 << 16)
def org_comparison(
    query: tuple[str, ...], candidate: tuple[str, ...]
) -> tuple[float, list[tuple[str, str, float]], str | None]:
    """Weighted share of the words of two company names that found a partner, in any order, legal
    forms and generic words counting little, words written together on one side and apart on the
    other joined, and initials matched to the words they abbreviate (IT, Information Technology).
    Names that share only generic words score 0. When either name has no distinctive word at
    all, every word counts and the names must agree almost exactly (see
    GENERIC_NAME_STRICTNESS). Names that agree on one distinctive word only, a short one spelled
    differently, are a review at most (see MIN_FORGIVEN_ONE_WORD). Also a note, in words, of a
    difference that limits the agreement (see :func:`org_name_cap`)."""
    query, candidate = spelling.split_words(query, candidate)
    written_q, written_c = set(query), set(candidate)
    query = spelling.abbreviated_as(query, candidate)
    candidate = spelling.abbreviated_as(candidate, query)
    abbreviations = (set(query) - written_q) | (set(candidate) - written_c)
    legal = legal_form_tokens(query) | legal_form_tokens(candidate)
    plain = is_plain_name(query, legal) or is_plain_name(candidate, legal)
    usual = {t: word_weight(t, legal) for t in query + candidate}
    weights = {t: plain_word_weight(t, legal) for t in usual} if plain else usual

    def similarity(a: str, b: str) -> float:
        """A letter of a legal form written letter by letter is no initial of a word (S.A.: the
        S is not Shipping)."""
        if min(len(a), len(b)) == 1 and (a in legal) != (b in legal):
            return 0.0
        return org_word_similarity(a, b)

    lettered = any(len(t) == 1 for t in query) or any(len(t) == 1 for t in candidate)
    alignment = align_tokens(
        query,
        candidate,
        weight=weights.__getitem__,
        similarity=similarity if lettered else org_word_similarity,  # its test needs a letter
    )
    distinctive = [a for a in alignment.pairs if usual[a[0]] == 1.0]
    has_distinctive = any(w == 1.0 for w in usual.values())
    if has_distinctive and not distinctive:
        return 0.0, alignment.pairs, None
    value = alignment.score**GENERIC_NAME_STRICTNESS if plain else alignment.score
    cap, note = org_name_cap(query, candidate, alignment.pairs, usual)
    if (
        len(distinctive) == 1
        and cap > MISSING_WORDS_CAP
        and _respelled_short(*distinctive[0])
        and not _vowels_respelled_in_context(distinctive[0], alignment.pairs, usual)
    ):
        a, b, _ = distinctive[0]
        cap = MISSING_WORDS_CAP
        note = f"the names agree on one short word only, spelled differently ({a}, {b}): "
        note += "a review at most"
    if (
        distinctive
        and all(a in abbreviations or b in abbreviations for a, b, _ in distinctive)
        and cap > MISSING_WORDS_CAP
    ):
        cap, note = MISSING_WORDS_CAP, "the names agree only by initials: a review at most"
    return min(value, cap), alignment.pairs, note


def _respelled_short(a: str, b: str, similarity: float) -> bool:
    """Two words that are not the same, one shorter than MIN_FORGIVEN_ONE_WORD letters, and not
    one Korean word in two romanisations (see MIN_FORGIVEN_ONE_WORD)."""
    return (
        similarity < 1.0
        and min(len(a), len(b)) < MIN_FORGIVEN_ONE_WORD
        and not korean_spellings(a) & korean_spellings(b)
    )


_VOWELS = str.maketrans("", "", "aeiouy")


def _vowels_respelled_in_context(
    distinctive: tuple[str, str, float],
    pairs: list[tuple[str, str, float]],
    weights: dict[str, float],
) -> bool:
    """The one distinctive word differs only in its vowels, as transliterations differ (Nour,
    Noor; Zulikha, Zuleikha), and a generic word of the names agrees too (Holding, General
    Trading): forgiven. Alone, or beside a legal form only, it is not (Koch, Koach)."""
    a, b, _ = distinctive
    if a.translate(_VOWELS) != b.translate(_VOWELS):
        return False
    return any(sim == 1.0 and weights[x] == GENERIC_WORD_WEIGHT for x, _, sim in pairs)


def org_name_cap(
    query: tuple[str, ...],
    candidate: tuple[str, ...],
    pairs: list[tuple[str, str, float]],
    weights: dict[str, float],
) -> tuple[float, str | None]:
    """The most two company names may agree, whatever their shared words, and why: DIFFERENCE_CAP
    when a number or a country differs (Fund 3 / Fund 4, Bank of Chile / Bank of China),
    MISSING_WORDS_CAP when either name has MISSING_DISTINCTIVE distinctive words the other
    lacks (a review, not a match), else 1."""
    difference = spelling.number_difference(query, candidate, pairs) or spelling.place_difference(
        query, candidate, pairs
    )
    if difference:
        return DIFFERENCE_CAP, f"{difference}: another name"
    matched_q = {a for a, _, _ in pairs}
    matched_c = {b for _, b, _ in pairs}
    missing_q = sum(1 for t in set(query) - matched_q if weights.get(t) == 1.0)
    missing_c = sum(1 for t in set(candidate) - matched_c if weights.get(t) == 1.0)
    if max(missing_q, missing_c) >= MISSING_DISTINCTIVE:
        return MISSING_WORDS_CAP, (
            f"one name lacks {max(missing_q, missing_c)} of the other's distinctive words: "
            "a review at most"
        )
    return 1.0, None


def looks_like_acronym(tokens: tuple[str, ...]) -> bool:
    """A one-word name of three to eight letters may be an acronym (KOMID, OMM)."""
    return len(tokens) == 1 and MIN_ACRONYM <= len(tokens[0]) <= MAX_ACRONYM and tokens[0].isalpha()


def acronym_matches(acronym: str, tokens: tuple[str, ...]) -> bool:
    """True when the acronym is spelled by the starts of the name's words, in order: every
    distinctive word gives at least its first letter, generic words and legal forms may give
    letters or be skipped (KOMID = KOrea MIning Development trading corporation), short legal
    forms (Ltd, Pte, FZE) only skipped, and every legal form only skipped in a name without a
    distinctive word (Horizon Supplies Company does not spell HOSCO). Acronyms shorter than five
    letters must be plain initials (OMM = Ocean Maritime Management)."""
    legal = legal_form_tokens(tokens)
    plain = is_plain_name(tokens, legal)
    longest_part = 1 if len(acronym) < MIN_SYLLABIC_ACRONYM else MAX_ACRONYM
    words = [(t, t in legal or t in GENERIC_WORDS) for t in tokens]
    if sum(1 for _, skippable in words if not skippable) < 1 or len(words) < 2:
        return False
    # spells[pos]: the words after the current one can spell the acronym from ``pos`` on. Worked
    # out from the last word back to the first, so that no recursion grows with the name.
    spells = [pos == len(acronym) for pos in range(len(acronym) + 1)]
    for text, skippable in reversed(words):
        gives_letters = not (text in legal and (plain or len(text) <= MAX_SPELLING_FORM))
        spells = [
            (skippable and spells[pos])
            or (gives_letters and _spells_from(acronym, pos, text[:longest_part], spells))
            for pos in range(len(acronym) + 1)
        ]
    return spells[0]


def _spells_from(acronym: str, pos: int, word: str, after: list[bool]) -> bool:
    """True when the acronym continues at ``pos`` with the first letters of ``word`` (one or
    more) and the words after it spell the rest (``after``)."""
    for size in range(1, len(word) + 1):
        if not acronym.startswith(word[:size], pos):
            return False
        if after[pos + size]:
            return True
    return False


def acronym_keys(tokens: tuple[str, ...]) -> set[str]:
    """Index keys that bring an acronym and the name it abbreviates together: the initials of the
    name's distinctive words, and every initial sequence an acronym can spell."""
    keys: set[str] = set()
    if looks_like_acronym(tokens):
        word = tokens[0]
        for size in range(1, min(len(word), 5)):
            for rest in combinations(word[1:], size):
                keys.add("a:" + word[0] + "".join(rest))
    elif len(tokens) >= 2:
        legal = legal_form_tokens(tokens)
        words = [t for t in tokens if t not in legal]
        generic = [i for i, t in enumerate(words) if t in GENERIC_WORDS][:MAX_GENERIC_SKIPS]
        for size in range(len(generic) + 1):
            for dropped in combinations(generic, size):
                initials = "".join(w[0] for i, w in enumerate(words) if i not in dropped)
                if len(initials) >= 2:
                    keys.add("a:" + initials)
    return keys


def name_org_words(query: Prepared, candidate: Prepared) -> Observation | None:
    """The words of two company, organisation or vessel names agree, in any order, once legal forms
    (Co. Ltd, LLC, Corporation) and generic trade words (trading, general, Korea) are weighted down
    and Korean words are compared by sound (Chinyong = Jinyong)."""
    if query.is_person or candidate.is_person:
        return None
    best: tuple[float, str, str, list[tuple[str, str, float]], str | None] | None = None
    for q in query.names:
        for c in candidate.names:
            if not q.marks & c.marks:
                continue
            score, aligned, note = org_comparison(q.tokens, c.tokens)
            if best is None or score > best[0]:
                best = (score, q.original, c.original, aligned, note)
    if best is None or best[0] <= 0:
        return None
    score, q, c, aligned, note = best
    return Observation(score, lambda: _org_reason(q, c, aligned, note), q, c)


def _org_reason(q: str, c: str, aligned: list[tuple[str, str, float]], note: str | None) -> str:
    """The analyst's words for two company names compared word by word."""
    words = ", ".join(f"{a}={b}" if s == 1.0 else f"{a}≈{b}" for a, b, s in aligned)
    return f"'{q}' against '{c}', word by word: {words}" + (f" ({note})" if note else "")


def name_acronym(query: Prepared, candidate: Prepared) -> Observation | None:
    """One name is an acronym spelled by the starts of the other's words (KOMID = Korea Mining
    Development Trading Corporation): worth ACRONYM_CREDIT, a review on its own. An acronym does
    not match a name without a distinctive word: the initials of Rising Investments Limited (RIL)
    or Oriental Commercial (ORICO) are those of a great many companies."""
    if query.is_person or candidate.is_person:
        return None
    for a, b, flipped in ((query, candidate, False), (candidate, query, True)):
        for short in a.names:
            if not looks_like_acronym(short.tokens):
                continue
            for full in b.names:
                if is_plain_name(full.tokens, legal_form_tokens(full.tokens)):
                    continue
                if acronym_matches(short.tokens[0], full.tokens):
                    q, c = (
                        (full.original, short.original)
                        if flipped
                        else (short.original, full.original)
                    )
                    reason = (
                        f"'{short.original}' is an acronym of '{full.original}' "
                        "(initials alone: a review at most)"
                    )
                    return Observation(ACRONYM_CREDIT, reason, q, c)
    return None
