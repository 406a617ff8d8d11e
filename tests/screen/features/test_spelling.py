"""Spelling habits: each one matches, and a number, a place or a given name that differs does not.

Every name here is made up for these tests.
"""

from __future__ import annotations

import pytest
from followthemoney import EntityProxy, model

from sever.screen import THRESHOLD, score
from sever.screen.features import spelling
from sever.screen.search import REVIEW_CUTOFF


def entity(schema: str, name: str) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = f"{schema}-{abs(hash(name))}"
    proxy.add("name", name)
    return proxy


def scored(schema: str, query: str, listed: str) -> float:
    return score(entity(schema, query), entity(schema, listed)).score


SAME = [
    # habit, schema, query, listed
    ("run together", "Vessel", "BLUEHARBOUR", "BLUE HARBOUR"),
    ("split", "Company", "Quillon Vantek Trading", "Quillonvantek Trading"),
    ("hyphen joined", "Company", "AGRI-VELTRON", "AGRIVELTRON"),
    ("one-letter typo", "Person", "Dragomir Kestavalo", "Dragomir Kestavelo"),
    ("doubled letter", "Person", "Fawwaz Qaddoumi", "Fawaz Qadoumi"),
    ("doubled letter in a short word", "Person", "Alli Zeverandi", "Ali Zeverandi"),
    ("digits for letters", "Company", "Pr1sm0tek Logistics", "Prismotek Logistics"),
    ("initial for a given name", "Person", "B. Wrexford Talloway", "Benedikt Wrexford Talloway"),
    ("patronymic dropped", "Person", "ZUBRILOV, Arkady", "ZUBRILOV, Arkady Timofeyevich"),
    ("title", "Person", "Sheikh Zayyad Qorvanti", "Zayyad Qorvanti"),
    ("honorific and rank", "Person", "Brigadier Dr. Osmar Telvanni", "Osmar Telvanni"),
    ("Wade-Giles against Pinyin", "Person", "Teng Hsiao-kuang", "Deng Xiaoguang"),
    ("Arabic transliteration", "Person", "Husayn Zarqawiyan", "Hussein Zarqawiyan"),
    (
        "al- and el-, bin and ibn",
        "Person",
        "Tariqan el-Zubaydan bin Qaswar",
        "Tariqan al-Zubaydan ibn Qaswar",
    ),
    ("French against English", "Person", "Djamel Quarvetti", "Jamal Quarvetti"),
    ("French ou against u", "Person", "Youssef Belqarvi", "Yusuf Belqarvi"),
    ("Cyrillic query", "Person", "Аркадий Зубрилов", "ZUBRILOV, Arkadiy"),
    ("Arabic-script query", "Person", "ظافر القرواني", "Zafir al-Qarwani"),
    ("Chinese-character query", "Person", "欧阳震霆", "Ouyang Zhenting"),
    ("Khmer query", "Person", "សុខ វណ្ណា", "Sok Vanna"),
    ("Ge'ez query", "Person", "ተስፋዬ ገብረመድህን", "Tesfaye Gebremedhin"),
    ("numeral against ordinal word", "Company", "First Varnholt Capital", "1st Varnholt Capital"),
    ("numeral against number words", "Vessel", "VARNHOLT FORTY-FOUR", "VARNHOLT 44"),
    ("Roman numeral against digits", "Company", "Varnholt Fund III", "Varnholt Fund 3"),
    ("branch in parentheses", "Company", "Qelvarin Bank (Paris Branch)", "Qelvarin Bank"),
    (
        "country in parentheses",
        "Company",
        "Ostravel Holdings (Cyprus) Ltd",
        "Ostravel Holdings Ltd",
    ),
    ("acronym with dots", "Company", "Q.R.V.T.", "QRVT"),
    (
        "ampersand against and",
        "Company",
        "Tarvel & Quinlok Holdings",
        "Tarvel and Quinlok Holdings",
    ),
    ("gh against q", "Person", "Farhad Sadeghvani", "Farhad Sadeqvani"),
    ("Pinyin against Wade-Giles", "Person", "Zhang Junxiao", "CHANG, Chun-hsiao"),
    ("Arabic script without short vowels", "Person", "ظافر محمد", "Zafir Muhammad"),
    ("one long company word", "Company", "Velkaro AG", "VELKARO GROUP LIMITED"),
    ("one company word spelled otherwise", "Company", "Tobrenna AG", "TOVRENNA LIMITED"),
    ("the Arabic alef maqsura", "Person", "مصطفى القرواني", "Mustafa al-Qarwani"),
    ("an acronym written spaced", "Company", "Q V T Holdings Ltd", "QVT Holdings Limited"),
    ("-i written -ee", "Person", "Tarvankeeree Somchai", "Tarvankhiri Somchai"),
    ("ع at the start of a word", "Person", "عبد الوهاب القرواني", "ABD AL-WAHHAB AL-QARWANI"),
    ("the feminine ending ة", "Person", "حمزة القرواني", "Hamza al-Qarwani"),
    ("three Arabic habits together", "Person", "خولة ظافر التكرواني", "KHAWLA ZAFIR AL-TAKRAWANI"),
]


@pytest.mark.parametrize(("habit", "schema", "query", "listed"), SAME, ids=[s[0] for s in SAME])
def test_a_spelling_habit_still_matches(habit: str, schema: str, query: str, listed: str) -> None:
    assert scored(schema, query, listed) >= THRESHOLD, habit
    assert scored(schema, listed, query) >= THRESHOLD, habit


DIFFERENT = [
    # what differs, schema, query, listed
    ("a number", "Vessel", "SNOWGALE 1", "SNOWGALE 2"),
    ("a Roman numeral", "Company", "Varnholt Fund III", "Varnholt Fund IV"),
    ("a number in words", "Vessel", "VARNHOLT FORTY-FOUR", "VARNHOLT 45"),
    ("an ordinal", "Company", "First Varnholt Capital", "Second Varnholt Capital"),
    (
        "a country",
        "Company",
        "Qelvarin Commercial Bank of Chile",
        "Qelvarin Commercial Bank of China",
    ),
    ("a given name", "Person", "Dragomir Kestavalo", "Radomir Kestavalo"),
    ("a given name read from Cyrillic", "Person", "Борис Зубрилов", "ZUBRILOV, Arkadiy"),
    ("a Chinese given name", "Person", "Zheng Xiaolong", "Zheng Xiaoming"),
    ("Hasan is not Husayn", "Person", "Hasan Zarqawiyan", "Husayn Zarqawiyan"),
    ("a short given name", "Person", "Wen Qorvantis", "Wei Qorvantis"),
    ("a name that is also a title, not leading", "Person", "Jorvel King", "Comrade Jorvel"),
    ("a surname that is also a title", "Person", "Kasimir Sultan", "Kasimir Amir"),
    ("a title before one word", "Person", "Sultan Qorvami", "QORVAMI, Tariqan"),
    ("a Chinese syllable more", "Person", "Zhou Fang", "ZHOU, Fang-Qiu"),
    ("a Chinese syllable misspelled", "Person", "Zhou Fangqiu", "ZHOU, Fangxiu"),
    ("a Chinese family name one letter off", "Person", "Ceng Lianhua", "CHENG, Lianhua"),
    ("a vowel-led run joined", "Person", "RI, Myong Tarvel", "AYE, Maung Tarvel"),
    ("a woman's form of a given name", "Person", "Rovanela Quintaro", "QUINTARO, Rovanel"),
    ("-a against -o", "Person", "Albertina Quintaro", "Albertino Quintaro"),
    ("two Pinyin syllables, not Wade-Giles", "Person", "Zhang Junxiao", "ZHANG, Chunxiao"),
    ("the Persian -i written in the script", "Person", "ظافر محمدی", "Zafir Muhammad"),
    ("a long vowel written in the script", "Person", "قاسم حمیدی", "QASIM, Ahmadi"),
    ("a consonant more, read without vowels", "Person", "ظافر محمدی", "ظافر احمدی"),
    ("a vowel before the first consonant", "Company", "Eckvarro OHG", "KHEVARRO COMPANY"),
    (
        "a given name in Arabic script",
        "Person",
        "خولة ظافر التكرواني",
        "KHALIDA ZAFIR AL-TAKRAWANI",
    ),
    ("the name after عبد", "Person", "عبد الوهاب القرواني", "Abd al-Wahid al-Qarwani"),
]


@pytest.mark.parametrize(
    ("what", "schema", "query", "listed"), DIFFERENT, ids=[d[0] for d in DIFFERENT]
)
def test_a_difference_that_tells_names_apart_does_not_match(
    what: str, schema: str, query: str, listed: str
) -> None:
    assert scored(schema, query, listed) < THRESHOLD, what
    assert scored(schema, listed, query) < THRESHOLD, what


def test_an_abbreviation_with_a_korean_romanisation_variant_matches() -> None:
    """IT for Information Technology, together with Kw/Gw and yo/yeo."""
    listed = "Kwangmyong Information Technology Company"
    assert scored("Company", "Gwangmyeong IT Co", listed) >= THRESHOLD


def test_a_company_name_missing_two_distinctive_words_is_a_review_at_most() -> None:
    listed = "Sungri Kwangmyong Pyonghwa Trading Corporation"
    assert scored("Company", "Sungri Trading Corporation", listed) < THRESHOLD
    assert scored("Company", "Sungri Pyonghwa Trading Corporation", listed) >= REVIEW_CUTOFF


def test_the_explanation_names_the_difference_in_words() -> None:
    result = score(entity("Vessel", "SNOWGALE 1"), entity("Vessel", "SNOWGALE 2"))
    assert "numbers differ" in result.explanation


@pytest.mark.parametrize(
    ("text", "latin"),
    [("Юрий", "yuriy"), ("ሰላም", "selam"), ("សុខ", "sokh"), ("毛泽东", "mao ze dong")],
)
def test_names_in_other_scripts_are_read_in_latin_letters(text: str, latin: str) -> None:
    assert spelling.latin_words(text) == latin


@pytest.mark.parametrize(
    ("tokens", "read"),
    [
        (("forty", "four"), ("44",)),
        (("1st", "star"), ("1", "star")),
        (("fund", "iii"), ("fund", "3")),
        (("iv",), ("iv",)),  # a Roman numeral is read only after another word
    ],
)
def test_numbers_are_read_whatever_the_habit(tokens: tuple, read: tuple) -> None:
    assert spelling.numbers_read(tokens) == read


def dated(name: str, birth_date: str | None = None) -> EntityProxy:
    proxy = entity("Person", name)
    if birth_date:
        proxy.add("birthDate", birth_date)
    return proxy


def test_a_given_name_the_listed_name_lacks_is_a_review_unless_the_birth_date_agrees() -> None:
    """Ignatius Pelloran Quayle may be a namesake of the listed Ignatius Quayle; Ignatius Quayle
    is the listed Ignatius Pelloran Quayle written short."""
    longer, listed = "Ignatius Pelloran Quayle", "Ignatius Quayle"
    alone = score(dated(longer), dated(listed))
    assert REVIEW_CUTOFF <= alone.score < THRESHOLD
    assert "given name the listed name lacks" in alone.explanation
    assert score(dated(longer, "1971-04-09"), dated(listed, "1971-04-09")).score >= THRESHOLD
    assert score(dated(listed), dated(longer)).score >= THRESHOLD


def test_an_added_patronymic_still_matches() -> None:
    assert score(dated("Oleg Dmitrievich Varnikov"), dated("Oleg Varnikov")).score >= THRESHOLD


@pytest.mark.parametrize(
    ("query", "listed", "same"),
    [
        ("حسن القرناوي", "Hasan al-Qarnawi", True),
        ("حسين القرناوي", "Husayn al-Qarnawi", True),
        ("حسن القرناوي", "Husayn al-Qarnawi", False),
        ("حسن القرناوي", "Husain al-Qarnawi", False),
    ],
)
def test_arabic_script_tells_hasan_from_husayn(query: str, listed: str, same: bool) -> None:
    """Arabic script leaves short vowels unwritten but writes the ي of Husayn."""
    assert (score(dated(query), dated(listed)).score >= THRESHOLD) is same


@pytest.mark.parametrize(
    ("short", "long", "left_out"),
    [("hsn", "hasan", True), ("mhmd", "mouhammad", True), ("hsn", "husayn", False),
     ("hsn", "husain", False), ("hsn", "hassan", True)],
)  # fmt: skip
def test_only_short_vowels_go_unwritten(short: str, long: str, left_out: bool) -> None:
    assert spelling.vowels_left_out(short, long) is left_out


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [("youssef", "yusuf", True), ("husayn", "hussein", True), ("muhammad", "mohammed", True),
     ("fortune", "fortiana", False), ("hlaing", "hualong", False), ("hasan", "husayn", False)],
)  # fmt: skip
def test_sound_keys_keep_the_vowels_but_the_last(a: str, b: str, alike: bool) -> None:
    """Transliterations disagree on the last vowel (Youssef, Yusuf) far more than on the others:
    Fortune is not Fortiana."""
    assert spelling.sound_alike(a, b) is alike


def test_a_listed_persons_own_name_before_the_names_queried_is_a_review() -> None:
    """In an Arabic name a person's own name comes before the father's and the grandfather's:
    the listed Lina Tariqan Hadir is a child of the Tariqan Hadir queried, or a namesake's."""
    alone = score(dated("ZARQAWIYAN, Tariqan Hadir"), dated("ZARQAWIYAN, Lina Tariqan Hadir"))
    assert REVIEW_CUTOFF <= alone.score < THRESHOLD
    assert "comes before names the query has" in alone.explanation
    # a middle name left out is still the habit of writing a name short
    assert scored("Person", "Quentin Varrow", "Quentin Aldous Varrow") >= THRESHOLD


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # one of two family names left out: before the comma, they precede no given name
        ("VARGOSSA Tobiel Anselmo", "VARGOSSA MERINDEZ, Tobiel Anselmo"),
        ("Tobiel Anselmo Vargossa", "VARGOSSA MERINDEZ, Tobiel Anselmo"),
        # the father's name left out: al-Zubarid is one name, the article is no forebear
        ("Wardan al Zubarid", "Wardan Qasimi al Zubarid"),
        # a second given name left out: it follows a name the query has, so it is no own name
        ("Tobiel Vargossa Merindez", "VARGOSSA MERINDEZ, Tobiel Anselmo"),
        # the first given name left out: the family names after it are no forebears
        ("Anselmo Vargossa Merindez", "VARGOSSA MERINDEZ, Tobiel Anselmo"),
    ],
)
def test_a_family_or_fathers_name_left_out_is_no_childs_name(query: str, listed: str) -> None:
    result = score(entity("Person", query), entity("Person", listed))
    assert result.score >= THRESHOLD, result.explanation
    assert "comes before names the query has" not in result.explanation


def test_the_first_family_name_left_out_is_a_review_at_most() -> None:
    """Tobiel Merindez keeps the second family name of VARGOSSA MERINDEZ, Tobiel and not the first,
    the one people keep: as likely someone of the Merindez family."""
    result = score(
        entity("Person", "Tobiel Merindez"), entity("Person", "VARGOSSA MERINDEZ, Tobiel")
    )
    assert REVIEW_CUTOFF <= result.score < THRESHOLD
    assert "the listed first family name, is missing" in result.explanation
    assert scored("Person", "Tobiel Vargossa", "VARGOSSA MERINDEZ, Tobiel") >= THRESHOLD


def test_chinese_characters_are_read_as_korean_only_in_traditional_forms() -> None:
    """陈 is the simplified form of 陳: a name written so is Chinese, read in Mandarin (Chen Yu),
    never in its Korean reading (Jin Yu = Ryu Jin); the Mandarin reading is no Korean
    romanisation either (金玉, Jin Yu, is not the Korean Ryu Jin)."""
    assert scored("Person", "陈瑜", "RYU JIN") < REVIEW_CUTOFF
    assert scored("Person", "金玉", "RYU JIN") < REVIEW_CUTOFF
    assert scored("Person", "金正恩", "KIM, Jong Un") >= THRESHOLD  # Hanja: read as Korean
    assert scored("Person", "龚昱澄", "GONG Yucheng") >= THRESHOLD  # simplified: in Mandarin


def test_a_childs_own_name_leads_its_given_names_and_articles_are_no_forebears() -> None:
    """Lina comes before her father's and grandfather's names however the list writes them."""
    for query, listed in [
        ("Tariqan Hadir Zarqawiyan", "Lina Tariqan Hadir Zarqawiyan"),
        ("ZARQAWIYAN, Tariqan Hadir", "ZARQAWIYAN, Lina Tariqan Hadir"),
        ("Tariqan al Hadir", "Lina Tariqan al Hadir"),
    ]:
        assert REVIEW_CUTOFF <= scored("Person", query, listed) < THRESHOLD


def test_company_names_that_agree_only_by_initials_are_a_review_at_most() -> None:
    value = scored("Company", "Quelvan Dorritsen Ltd", "QD MARINE LTD")
    assert value < THRESHOLD


def test_a_letter_of_a_spelled_legal_form_is_no_initial() -> None:
    """The S of S.A. does not stand for Shipping."""
    listed = "Golden Enterprise Shipping Limited"
    assert scored("Company", "Golden Enterprise S.A.", listed) < REVIEW_CUTOFF


def test_a_two_word_query_without_the_listed_first_given_name_is_a_review() -> None:
    """Augustin Varrondo has the second given name of VARRONDO ALBEN, Tesario Augustin and not the
    first, the one people go by: as likely another Varrondo. The first given name with the family
    name is still a match."""
    listed = "VARRONDO ALBEN, Tesario Augustin"
    result = score(entity("Person", "Augustin Varrondo"), entity("Person", listed))
    assert REVIEW_CUTOFF <= result.score < THRESHOLD
    assert "the listed first given name, is missing" in result.explanation
    assert scored("Person", "Tesario Varrondo", listed) >= THRESHOLD


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("KORVALOV, Aleksandr", "KORVALOV, Alexander"),  # x written ks, a vowel left out
        ("TRUBETSKOV, Yevgeniy", "TRUBETSKOV, Evgeny"),  # a leading ye, a final -iy
        ("ZAVRILYUK, Viktor", "ZAVRILIUK, Victor"),  # y for i, c for k
        ("Dmitrii Pelvanov", "PELVANOV, Dmitriy"),
    ],
)
def test_slavic_transliterations_of_one_name_match(query: str, listed: str) -> None:
    result = score(entity("Person", query), entity("Person", listed))
    assert result.score >= THRESHOLD, result.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("KORVALOV, Aleksandra", "KORVALOV, Alexander"),  # the woman's form is another person
        ("KORVALOV, Aleksandr 2", "KORVALOV, Alexander 3"),  # a number differs
        ("TRUBETSKOV, Yevgeniy", "TRUBETSKOV, Vasiliy"),  # another given name
        ("Yan Marvelo", "IVAN MARVELO"),  # short words: Yan folded (ian) is no slip from Ivan
        ("Toni Gravessa", "KONY GRAVESSA"),
    ],
)
def test_slavic_folding_does_not_join_other_names(query: str, listed: str) -> None:
    assert score(entity("Person", query), entity("Person", listed)).score < THRESHOLD


def test_a_whole_listed_name_within_a_longer_one_matches() -> None:
    """Every word of a listed name of three names is in the query, which adds a given name:
    the lists' own habit of writing one more name, not a namesake of part of a name."""
    result = score(dated("PALIDO VERGAS, Anselmo Renaldo"), dated("PALIDO VERGAS, Anselmo"))
    assert result.score >= THRESHOLD, result.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Tomasz Anvaro Ferelli", "FERELLI, Anvaro"),  # two listed words only: a review
        ("HADRAN, Yazid Qasrawi Ibrahim", "QASRAWI IBRAHIM HADRAN"),  # the listed man's son
        ("Yazid Qasrawi Ibrahim Hadran", "QASRAWI IBRAHIM HADRAN"),
    ],
)
def test_a_longer_name_that_may_be_another_person_is_a_review(query: str, listed: str) -> None:
    result = score(dated(query), dated(listed))
    assert REVIEW_CUTOFF <= result.score < THRESHOLD, result.explanation
