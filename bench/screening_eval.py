"""Screening evaluation: sever's matcher against nomenklatura's logic-v2 on the same labelled pairs.

GENERATED: the variants and negatives below are made by sever's own code (its Korean reading, its
common-name and trade-word tables), and the matcher was tuned on this seed. Its figures are kept as
a generated section; the figures that count come from ``bench/screening_alias_eval.py``, on the
lists' own aliases.

The pairs are built from the real lists (the built-in OFAC SDN 2024-05-03 + UN 2026-02-27
snapshot, read through the entity store):

* true variants of listed names — other romanisations (Revised Romanization, McCune–Reischauer with
  breves, the DPRK's 1992 system), other scripts (Hangul, Chinese characters, Cyrillic), given name
  first, syllables joined or hyphenated, English-habit surnames (Lee, Park, Choi, Oh, Yoo), one
  typo, a missing middle name, company legal forms changed, acronyms, Korean words re-spelled;
* hard negatives — common Korean and Chinese names of people who are not listed, each paired with
  the listed person whose name is closest by a neutral string measure (rapidfuzz token-sort
  ratio); different listed people whose names differ by one syllable (Kim Jong Un / Kim Jong Man);
  the listed name with a date of birth that contradicts the list;
* common-name hard negatives — everyday Western, Arabic and Chinese-with-English-given-name full
  names of unlisted people, and company names made of two generic trade words and a legal form
  (Golden Shipping Limited), each paired with its nearest listed person or company and screened
  against every listed person or company (their own random stream, so the other categories are
  drawn exactly as before).

A generated name counts as "not listed" only if no listed name reads as the same Korean syllables
or has the same words: an exact homonym of a listed person is a hit any screening must raise.

Both matchers run in this process on the same pairs, each at its own documented threshold (ours
``sever.screen.THRESHOLD``, logic-v2's 0.70). Results go to ``bench/results/screening_eval.json``.

    .venv/bin/python bench/screening_eval.py [--negatives 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import icu
from followthemoney import EntityProxy, model
from ko_pron import romanise
from nomenklatura.matching import ScoringConfig, get_algorithm
from rapidfuzz import fuzz, process
from rigour.names import remove_org_types

from sever.screen import THRESHOLD, name_keys, prepare, score
from sever.screen.features import korean
from sever.screen.features.companies import GENERIC_WORDS
from sever.screen.features.names import prepare_name
from sever.screen.prepared import Prepared

RESULTS = Path(__file__).resolve().parent / "results" / "screening_eval.json"
LOGIC_V2_THRESHOLD = 0.70
"""logic-v2's match threshold as yente applies it by default."""
MAX_POSTINGS = 400
"""Blocking keys shared by more listed entities than this are skipped in the harness's own
candidate search (the product index has its own rules)."""

SURNAMES = (
    "김리박최정강조윤장림한오서신권황안송전홍류고문량손배백허남심로하곽성차주우"
    "구민진지엄채원천방공현함변염려추도소석선설마길연위표명기반왕금옥육인맹제모탁"
)
"""Korean surnames, most frequent first (North Korean spelling: 리, 림, 류, 로)."""
GIVEN = (
    "철수영일성민정호광명남국혁진준현석용룡학길춘금순희옥미경은혜선화숙자향란림봉"
    "삼식만복동원태훈기상종규환우무하송세창덕근범건웅택표익재지한해청평찬연작심강"
    "군산유윤영락열렬"
)
"""Syllables of Korean given names, most frequent first."""


def spelled(text: str) -> list[str]:
    """Space-separated spellings as a list."""
    return text.split()


HANJA = {
    "김": "金", "리": "李", "박": "朴", "최": "崔", "정": "鄭", "강": "姜", "조": "趙", "윤": "尹",
    "장": "張", "림": "林", "한": "韓", "오": "吳", "서": "徐", "신": "申", "권": "權", "황": "黃",
    "안": "安", "송": "宋", "전": "全", "홍": "洪", "류": "柳", "고": "高", "문": "文", "량": "梁",
    "철": "哲", "수": "秀", "영": "英", "일": "日", "성": "成", "민": "民", "호": "浩", "광": "光",
    "명": "明", "남": "南", "국": "國", "혁": "赫", "진": "眞", "준": "俊", "현": "賢", "석": "石",
    "용": "勇", "룡": "龍", "학": "學", "길": "吉", "춘": "春", "금": "金", "순": "順", "희": "熙",
    "옥": "玉", "미": "美", "경": "京", "은": "恩", "혜": "惠", "선": "善", "화": "花", "숙": "淑",
    "봉": "鳳", "삼": "三", "식": "植", "만": "萬", "복": "福", "동": "東", "원": "元", "태": "泰",
    "훈": "勳", "기": "基", "상": "相", "종": "鍾", "규": "奎", "환": "煥", "우": "宇", "무": "武",
    "하": "河", "세": "世", "창": "昌", "덕": "德", "근": "根", "범": "範", "건": "建", "웅": "雄",
    "택": "澤", "익": "益", "재": "在", "지": "志", "해": "海", "청": "淸", "평": "平", "찬": "燦",
}  # fmt: skip
"""Common Chinese characters of Korean names, by their Hangul reading."""
KONTSEVICH_INITIAL = spelled("к кк н т тт р м п пп с сс - чж чч ч кх тх пх х")
KONTSEVICH_VOWEL = spelled("а э я йя о е ё йе о ва вэ ве ё у во ве ви ю ы ый и")
KONTSEVICH_FINAL = ["", *spelled("к к к н н н т ль к м ль ль ль п ль м п п т т н т т к т п т")]
"""The Kontsevich system (the Russian standard for Korean): 김정은 → Ким Чжон Ын."""
DPRK_ASPIRATES = {"k'": "kh", "t'": "th", "p'": "ph", "ch'": "chh"}
"""The DPRK's 1992 romanisation writes aspirates with h where McCune–Reischauer has apostrophes."""
ENGLISH_SURNAMES = {
    "ri": "Lee", "pak": "Park", "choe": "Choi", "o": "Oh", "ryu": "Yoo", "jon": "Jeon",
    "jong": "Chung", "rim": "Lim", "ro": "Roh", "yun": "Yoon", "mun": "Moon", "ko": "Koh",
    "so": "Suh", "kang": "Kang", "han": "Hahn", "an": "Ahn", "sin": "Shin", "hwang": "Whang",
    "yang": "Yang", "hyon": "Hyun",
}  # fmt: skip
"""How English habit writes listed Korean surnames (RI → Lee, PAK → Park, O → Oh, RYU → Yoo)."""
CHINESE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓"
    "曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏卢丁任沈姚"
)
CHINESE_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂华建国志文海玉兰红英林云飞鹏辉晓春宁龙波"
)
HAN_LATIN = icu.Transliterator.createInstance("Han-Latin")
TRADE_ADJECTIVES = spelled(
    "Global Golden Ocean Pacific Atlantic Maritime United General Royal Imperial Star Sun "
    "Silver Blue Green Prime Alpha First New Grand Great Eastern Western Northern Southern "
    "Asia Euro International Universal Dragon Eagle Phoenix Crown Diamond Pearl Summit "
    "Horizon Apex Unity Victory Bright Rising Continental National Metro Capital Premier "
    "Smart Noble Ever Fortune Lucky Harmony Sea Sky Orient Oriental Central Allied Modern "
    "Standard Classic Dynamic"
)
"""First words of generic trade names."""
TRADE_NOUNS = spelled(
    "Energy Shipping Trading Investment Investments Holdings Group Logistics Marine Maritime "
    "Petroleum Oil Gas Steel Metals Mining Resources Development Technology Technologies "
    "Industries Industrial Enterprise Enterprises Commerce Commercial Imports Exports "
    "Services Solutions Systems Finance Capital Partners Ventures Construction Engineering "
    "Electronics Chemicals Pharma Foods Textiles Shipping Navigation Lines Tankers Freight "
    "Cargo Transport Aviation Minerals Metal Supply Supplies Equipment Machinery Power "
    "Consulting Management"
)
"""Second words of generic trade names."""
COMPANY_FORMS = [
    "Limited", "Ltd", "Co., Ltd", "Company", "Corporation", "Corp.", "LLC", "Inc.", "S.A.",
    "GmbH", "FZE", "Pte Ltd", "JSC", "S.A.S.",
]  # fmt: skip
COMPANY_FORM_WORDS = frozenset(
    spelled(
        "limited ltd co company corporation corp llc inc s a sa sas gmbh fze pte jsc plc jv sro "
        "r o sprl sarl liability"
    )
)
"""The words of legal forms (S.A.S. as s a s), to tell whether a generated company is listed."""
LEGAL_FORMS = ["Co., Ltd", "Company Limited", "LLC", "Corp.", "Corporation", "Co", "Limited"]

ENGLISH_ENDINGS = ("tion", "ing", "al", "ics", "ment", "ry", "er", "ity", "ea", "ies", "ce")
"""Endings that mark a word of a company name as English rather than Korean."""

WESTERN_GIVEN = spelled(
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Frank Gregory Raymond Patrick Alexander Jack Dennis Jerry "
    "Peter Henry Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen "
    "Nancy Lisa Betty Margaret Sandra Ashley Emily Donna Michelle Carol Amanda Melissa "
    "Deborah Stephanie Laura Rebecca Sharon Cynthia Kathleen Amy Anna Emma Olivia Sophie "
    "Julia Maria Hans Klaus Jan Lars Erik Anders Pierre Jean Luc Marco Luca Giovanni Carlos "
    "Juan Jose Luis Miguel Pedro Antonio Manuel Francisco Javier Ana Carmen Isabel Laura "
    "Marta Sofia Lucia Claire Marie Nathalie"
)
"""Common given names of people in Europe and the Americas."""
WESTERN_SURNAMES = spelled(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
    "Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright "
    "Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell "
    "Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson "
    "Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes "
    "Price Sanders Myers Long Ross Foster Muller Schmidt Schneider Fischer Weber Meyer Wagner "
    "Becker Schulz Hoffmann Koch Richter Klein Wolf Andersson Johansson Karlsson Nilsson "
    "Larsson Olsson Persson Hansen Jensen Nielsen Garcia Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez Diaz Rossi Russo Ferrari "
    "Esposito Bianchi Romano Colombo Ricci Dubois Durand Leroy Moreau Simon Laurent Lefebvre "
    "Michel Bernard Petit Roux Fournier Girard Bonnet"
)
"""Common family names in Europe and the Americas."""
ARABIC_GIVEN = spelled(
    "Mohammed Muhammad Mohamed Mohammad Ahmed Ahmad Ali Hassan Hasan Hussein Husain Omar Umar "
    "Abdullah Abdallah Ibrahim Youssef Yousef Yusuf Khalid Khaled Mahmoud Mustafa Mostafa "
    "Said Saeed Hamza Tariq Karim Kareem Nasser Nasir Salim Salem Samir Sami Walid Waleed "
    "Yasser Yasir Ziad Rashid Faisal Fahad Fahd Majid Adel Adil Amir Ayman Bilal Imran Jamal "
    "Kamal Nabil Osama Rami Sultan Tamer Zaid Zayed Anas Bashir Farid Hadi Hani Jalal Mansour "
    "Marwan Mazen Munir Qasim Raed Riyad Sharif Talal Wael Fatima Aisha Maryam Mariam Khadija "
    "Zainab Zeinab Noor Nour Layla Leila Amina Huda Hana Salma Rania Reem Sara Yasmin Dina "
    "Lina Mona Nadia Samira"
)
"""Common Arabic given names, in their usual English spellings."""
ARABIC_SURNAMES = spelled(
    "Hassan Ali Ahmed Mohamed Ibrahim Abdullah Mahmoud Hussein Khalil Haddad Khoury Nasser "
    "Saleh Salem Mansour Hamdan Qasim Rahman Aziz Karim Omar Yousef Farouk Hamid Rashid Saeed "
    "Suleiman Mustafa Sharif Jaber Darwish Habib Othman Osman Zaki Fathi Amin Najjar Masri "
    "Shami Tamimi Al-Masri Al-Shami Al-Hassan Al-Ahmad Al-Ali Al-Rashid Al-Saleh Al-Khatib "
    "Al-Harbi Al-Otaibi Al-Qahtani Al-Ghamdi Al-Zahrani Al-Dosari Al-Mutairi Al-Shehri Al- "
    "Amin Al-Sayed El-Sayed Abdelaziz Abdelrahman Abdelkader Benali Bensaid Belkacem Bouzid "
    "Hamadi Trabelsi Jaziri"
)
"""Common Arabic family and father's names."""
CHINESE_LATIN_SURNAMES = spelled(
    "Li Lee Wang Wong Zhang Cheung Chang Liu Lau Chen Chan Yang Yeung Huang Wong Zhao Chiu Wu "
    "Ng Zhou Chow Xu Tsui Sun Ma Zhu Chu Hu Wu Guo Kwok Lin Lam He Ho Gao Ko Luo Law Zheng "
    "Cheng Liang Leung Xie Tse Song Tang Tong Han Hon Feng Fung Deng Tang Cao Tsao Peng Pang "
    "Zeng Tsang Xiao Siu Tian Dong Pan Poon Yuan Yuen Cai Choi Jiang Chiang Yu Yue Du To Ye "
    "Yip Cheng Wei Ngai Su So Lu Loo Ding Ting Shen Sham Yao Yiu Tan Teo Lim Goh Ong Koh Chua "
    "Low"
)
"""Common Chinese family names in Pinyin, Cantonese and Hokkien spellings."""

KOREAN_CATEGORIES = (
    "kr_romanization", "kr_script", "kr_order", "kr_spacing", "kr_surname_habit", "kr_typo",
    "neg_kr_common", "neg_kr_namesake", "neg_same_name_other_dob",
)  # fmt: skip

CHINESE_CATEGORIES = ("cn_order", "neg_cn_common")
COMMON_NAME_CATEGORIES = (
    "neg_western_common", "neg_arabic_common", "neg_cn_western_common", "neg_company_generic",
)  # fmt: skip


@dataclass
class Pair:
    """One labelled comparison: a query against a listed entity."""

    category: str
    label: bool
    query: EntityProxy
    candidate: EntityProxy
    ours: float = 0.0
    logic_v2: float = 0.0


@dataclass
class Tally:
    """Confusion counts of one matcher on one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, label: bool, predicted: bool) -> None:
        if label and predicted:
            self.tp += 1
        elif label:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    def report(self) -> dict[str, float | int | None]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        fpr = self.fp / (self.fp + self.tn) if self.fp + self.tn else None
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
            "precision": p, "recall": r, "f1": f1, "fpr": fpr,
        }  # fmt: skip


@dataclass
class Listed:
    """The listed entities the evaluation draws from."""

    entities: list[EntityProxy]
    persons: list[EntityProxy] = field(default_factory=list)
    korean: list[EntityProxy] = field(default_factory=list)
    chinese: list[EntityProxy] = field(default_factory=list)
    companies: list[EntityProxy] = field(default_factory=list)
    korean_keys: set[tuple] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)


def load_listed() -> list[EntityProxy]:
    """Every entity of the built-in snapshot, read through the entity store of a fresh home."""
    from sever.entities import Store
    from sever.home import Home
    from sever.lists import ensure_loaded

    home = Home.resolve(Path(tempfile.mkdtemp(prefix="sever-eval-")) / "home")
    ensure_loaded(home)
    with Store.open(home, read_only=True) as store:
        return list(store.iter_entities("default"))


def is_dprk(entity: EntityProxy) -> bool:
    """Listed under a DPRK program or with North Korean nationality."""
    programs = " ".join(entity.get("programId", quiet=True)).upper()
    return "DPRK" in programs or "kp" in entity.get("nationality", quiet=True)


def korean_name_key(name: str) -> set[tuple]:
    """(family, given) syllable readings of a name, to tell whether a generated name is listed."""
    keys: set[tuple] = set()
    for prepared in prepare_name(name):
        for split in prepared.korean:
            for family in split.family or ((),):
                for given in split.given:
                    keys.add((family, given))
    return keys


def form_of(name: str) -> str:
    """A name's words sorted, case and accents folded."""
    text = unicodedata.normalize("NFKD", name.lower())
    words = "".join(ch if ch.isalnum() else " " for ch in text if not unicodedata.combining(ch))
    return " ".join(sorted(words.split()))


def classify(entities: list[EntityProxy]) -> Listed:
    """Sort the listed entities into Korean people, Chinese people, other people and companies."""
    listed = Listed(entities)
    for entity in entities:
        if entity.schema.name == "Person":
            listed.persons.append(entity)
            names = entity.get("name") + entity.get("alias", quiet=True)
            for name in names:
                listed.korean_keys |= korean_name_key(name)
                listed.forms.add(form_of(name))
            nationality = entity.get("nationality", quiet=True)
            if is_dprk(entity) and any(prepare_name(n)[0].korean for n in entity.get("name")):
                listed.korean.append(entity)
            elif "cn" in nationality:
                listed.chinese.append(entity)
        elif entity.schema.name in ("Company", "Organization"):
            listed.companies.append(entity)
    return listed


# --- rendering Korean names -------------------------------------------------------------------


def strip_breves(text: str) -> str:
    """McCune–Reischauer without breves and apostrophes, as the lists write it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("'", "")


def lists_syllable(syllable: str, family: bool) -> str:
    """One Hangul syllable as the DPRK lists write it (정 → Jong, 리 → Ri)."""
    latin = strip_breves(romanise(syllable, "mr"))
    if (
        latin.startswith("ch")
        and korean.hangul_key(syllable)[0] == "j"
        and syllable not in "철춘찬창청최채천차추"
    ):
        latin = "j" + latin[2:]
    if family and latin == "i" and syllable == "리":
        latin = "ri"
    return latin


def reverse_table(syllables: str, family: bool) -> dict[str, str]:
    """Lists-style spelling → the most frequent Hangul syllable spelled that way."""
    table: dict[str, str] = {}
    for syllable in syllables:
        table.setdefault(lists_syllable(syllable, family), syllable)
    return table


FAMILY_TABLE = reverse_table(SURNAMES, True)
GIVEN_TABLE = reverse_table(GIVEN, False)


def guess_hangul(name: str) -> tuple[str, str] | None:
    """The likely Hangul of a listed 'FAMILY, Given Name' (KIM, Jong Un → 김, 정은), or None."""
    if "," not in name:
        return None
    family, given = (part.strip() for part in name.split(",", 1))
    family_h = FAMILY_TABLE.get(korean.strip_marks(family))
    syllables = [korean.strip_marks(s) for s in given.replace("-", " ").split()]
    given_h = [GIVEN_TABLE.get(s) for s in syllables]
    if not family_h or not syllables or None in given_h or len(syllables) > 3:
        return None
    return family_h, "".join(given_h)  # type: ignore[arg-type]


def render(family: str, given: str, style: str) -> str:
    """A Hangul name written in one style: rr, mr, dprk1992, hangul, hanja, cyrillic."""
    if style == "hangul":
        return family + given
    if style == "hanja":
        return "".join(HANJA[s] for s in family + given)
    if style == "cyrillic":
        return " ".join(
            "".join(cyrillic_syllable(s) for s in part).capitalize() for part in (family, given)
        )
    system = "rr" if style == "rr" else "mr"
    fam = "".join(romanise(s, system) for s in family).capitalize()
    parts = [romanise(s, system) for s in given]
    if style == "dprk1992":
        for mr, dprk in DPRK_ASPIRATES.items():
            parts = [p.replace(mr, dprk) for p in parts]
            fam = fam.replace(mr.capitalize(), dprk.capitalize()).replace(mr, dprk)
        return " ".join([fam, *(p.capitalize() for p in parts)])
    return f"{fam} {'-'.join(parts).capitalize()}"


def cyrillic_syllable(syllable: str) -> str:
    """One Hangul syllable in the Kontsevich system."""
    index = ord(syllable) - 0xAC00
    initial, rest = divmod(index, 21 * 28)
    vowel, final = divmod(rest, 28)
    lead = KONTSEVICH_INITIAL[initial].replace("-", "")
    return lead + KONTSEVICH_VOWEL[vowel] + KONTSEVICH_FINAL[final]


# --- building pairs ------------------------------------------------------------------------------


def person(name: str, **props: str) -> EntityProxy:
    """A query entity: a Person with a name and optional properties."""
    entity = model.make_entity("Person")
    entity.make_id("query", name, *props.values())
    entity.add("name", name)
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def company(name: str) -> EntityProxy:
    """A query entity: a Company with a name."""
    entity = model.make_entity("Company")
    entity.make_id("query", name)
    entity.add("name", name)
    return entity


def typo(word: str, rng: random.Random) -> str:
    """One random keyboard slip in a word: a letter dropped, doubled, swapped or replaced."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "swap", "replace"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeiourntsl") + word[i + 1 :]


def korean_variants(entity: EntityProxy, rng: random.Random) -> Iterable[tuple[str, str]]:
    """True variants of a listed Korean person's name: (category, query name)."""
    name = entity.get("name")[0]
    if "," not in name:
        return
    family, given = (part.strip() for part in name.split(",", 1))
    syllables = given.replace("-", " ").split()
    hangul = guess_hangul(name)
    if hangul:
        for style in ("rr", "mr", "dprk1992"):
            yield "kr_romanization", render(*hangul, style)
        yield "kr_script", render(*hangul, "hangul")
        yield "kr_script", render(*hangul, "cyrillic")
        if all(s in HANJA for s in "".join(hangul)):
            yield "kr_script", render(*hangul, "hanja")
    yield "kr_order", f"{given} {family.capitalize()}"  # given name first, family name last
    if len(syllables) >= 2:
        yield "kr_spacing", f"{family} {''.join(syllables).capitalize()}"
        yield "kr_spacing", f"{family.capitalize()} {'-'.join(syllables).capitalize()}"
    habit = ENGLISH_SURNAMES.get(korean.strip_marks(family))
    if habit and habit.lower() != family.lower():
        yield "kr_surname_habit", f"{habit} {given}"
    long_words = [w for w in name.replace(",", " ").split() if len(w) >= 4]
    if long_words:
        word = rng.choice(long_words)
        yield "kr_typo", name.replace(word, typo(word, rng), 1)


def other_person_variants(entity: EntityProxy, rng: random.Random) -> Iterable[tuple[str, str]]:
    """True variants of a listed non-Korean person's name."""
    name = entity.get("name")[0]
    words = name.replace(",", " ").split()
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        yield "other_order", f"{given} {family}"
    if len(words) >= 3:
        drop = rng.randrange(1, len(words) - 1)
        yield "other_missing_part", " ".join(w for i, w in enumerate(words) if i != drop)
    long_words = [w for w in words if len(w) >= 4]
    if long_words:
        word = rng.choice(long_words)
        yield "other_typo", name.replace(word, typo(word, rng), 1)


def company_variants(entity: EntityProxy, rng: random.Random) -> Iterable[tuple[str, str]]:
    """True variants of a listed company's name: legal form changed, Korean words re-spelled."""
    name = entity.get("name")[0]
    words = name.split()
    base = [
        w
        for w in words
        if w.upper().strip(".,")
        not in {"CORPORATION", "CORP", "COMPANY", "CO", "LTD", "LIMITED", "LLC"}
    ]
    if (base and len(base) < len(words)) or rng.random() < 0.3:
        yield "company_legal_form", " ".join(base or words) + " " + rng.choice(LEGAL_FORMS)
    respelled = [respell_korean_word(w) for w in words]
    if respelled != words:
        yield "company_korean_spelling", " ".join(respelled)


def respell_korean_word(word: str) -> str:
    """A Korean word of a company name in Revised Romanization habits (Chinyong → Jinyong,
    Kwangmyong → Gwangmyeong); other words unchanged."""
    lower = word.lower()
    readings = korean.read_romanised(lower)
    english = lower in GENERIC_WORDS or lower.endswith(ENGLISH_ENDINGS)
    if english or not readings or len(readings[0]) < 2 or len(lower) < 5:
        return word
    syllables = []
    for key in readings[0]:
        initial, vowel, final = key
        initial = {"k": "g", "j": "j", "t": "d", "p": "b"}.get(initial, initial)
        vowel = {"o": "eo", "yo": "yeo", "u": "u"}.get(vowel, vowel)
        syllables.append(initial + vowel + final)
    if "".join(syllables) == lower:
        return word
    return "".join(syllables).capitalize()


def acronym_pairs(listed: Listed) -> list[Pair]:
    """Acronyms the lists give for companies (KOMID), queried against the company with the
    acronym taken out of its names, so that only the full name can match it."""
    pairs = []
    for entity in listed.companies:
        names = (
            entity.get("name")
            + entity.get("alias", quiet=True)
            + entity.get("weakAlias", quiet=True)
        )
        acronyms = [n for n in names if n.isupper() and n.isalpha() and 3 <= len(n) <= 8]
        full = [n for n in names if len(n.split()) >= 2]
        if not acronyms or not full:
            continue
        stripped = model.make_entity(entity.schema.name)
        stripped.id = entity.id
        for n in full:
            stripped.add("name" if n == full[0] else "alias", n)
        pairs.append(Pair("company_acronym", True, company(acronyms[0]), stripped))
    return pairs


def positive_pairs(listed: Listed, rng: random.Random) -> list[Pair]:
    """Every true-variant pair."""
    pairs: list[Pair] = []
    for entity in listed.korean:
        pairs += [Pair(c, True, person(q), entity) for c, q in korean_variants(entity, rng)]
    others = [e for e in listed.persons if e not in set(listed.korean)]
    for entity in rng.sample(others, min(1500, len(others))):
        pairs += [Pair(c, True, person(q), entity) for c, q in other_person_variants(entity, rng)]
    for entity in listed.chinese:
        name = entity.get("name")[0]
        if "," in name:
            family, given = (part.strip() for part in name.split(",", 1))
            pairs.append(Pair("cn_order", True, person(f"{given} {family}"), entity))
    dprk_companies = [e for e in listed.companies if is_dprk(e)]
    for entity in dprk_companies:
        pairs += [Pair(c, True, company(q), entity) for c, q in company_variants(entity, rng)]
    pairs += acronym_pairs(listed)
    return pairs


def generated_korean(rng: random.Random) -> str:
    """A common Korean name, written the lists' way, in Revised Romanization or in Hangul."""
    family = SURNAMES[min(int(rng.expovariate(0.15)), len(SURNAMES) - 1)]
    size = 1 if rng.random() < 0.1 else 2
    given = "".join(GIVEN[min(int(rng.expovariate(0.05)), len(GIVEN) - 1)] for _ in range(size))
    style = rng.random()
    if style < 0.15:
        return family + given
    if style < 0.35:
        return render(family, given, "rr")
    fam = lists_syllable(family, True).upper()
    return f"{fam}, {' '.join(lists_syllable(s, False).capitalize() for s in given)}"


def generated_chinese(rng: random.Random) -> str:
    """A common Chinese name, in Pinyin or in Chinese characters."""
    family = rng.choice(CHINESE_SURNAMES)
    given = "".join(rng.choice(CHINESE_GIVEN) for _ in range(rng.choice([1, 2, 2])))
    if rng.random() < 0.2:
        return family + given
    pinyin = [strip_breves(HAN_LATIN.transliterate(ch)) for ch in family + given]
    return f"{pinyin[0].capitalize()} {''.join(pinyin[1:]).capitalize()}"


def generated_common_people(rng: random.Random) -> tuple[str, str]:
    """(category, name): an everyday Western, Arabic or Chinese (English given name) full name."""
    kind = rng.random()
    if kind < 1 / 3:
        return "neg_western_common", f"{rng.choice(WESTERN_GIVEN)} {rng.choice(WESTERN_SURNAMES)}"
    if kind < 2 / 3:
        given = rng.choice(ARABIC_GIVEN)
        family = rng.choice(ARABIC_SURNAMES + ARABIC_GIVEN)
        return "neg_arabic_common", f"{given} {family}"
    english = rng.choice(WESTERN_GIVEN)
    return "neg_cn_western_common", f"{english} {rng.choice(CHINESE_LATIN_SURNAMES)}"


def generated_company(rng: random.Random) -> str:
    """A company name of two generic trade words and a legal form (Golden Shipping Limited)."""
    first = rng.choice(TRADE_ADJECTIVES)
    second = rng.choice(TRADE_NOUNS)
    return f"{first} {second} {rng.choice(COMPANY_FORMS)}"


def company_core(name: str) -> str:
    """A company name's words sorted, case folded, legal forms left out (ours and those of
    rigour's list of organisation types)."""
    words = remove_org_types(form_of(name), replacement=" ").split()
    return " ".join(sorted(w for w in words if w not in COMPANY_FORM_WORDS))


def common_name_negatives(
    listed: Listed, per_category: int, rng: random.Random
) -> list[tuple[str, str]]:
    """(category, name) for common full names of unlisted people and generic company names,
    ``per_category`` of each; a company counts as listed when a listed company has the same words
    once legal forms are set aside."""
    cores = {
        company_core(n)
        for e in listed.companies
        for prop in ("name", "alias", "weakAlias", "previousName")
        for n in e.get(prop, quiet=True)
    }
    found: dict[str, str] = {}
    counts: Counter[str] = Counter()
    categories = 4
    while len(found) < categories * per_category:
        if rng.random() < 1 / categories:
            category, name = "neg_company_generic", generated_company(rng)
            listed_here = company_core(name) in cores
        else:
            category, name = generated_common_people(rng)
            listed_here = is_listed(name, listed)
        if counts[category] < per_category and name not in found and not listed_here:
            found[name] = category
            counts[category] += 1
    return [(c, n) for n, c in found.items()]


def is_listed(name: str, listed: Listed) -> bool:
    """True when a listed name reads as the same Korean syllables or has the same words."""
    return bool(korean_name_key(name) & listed.korean_keys) or form_of(name) in listed.forms


def generated_negatives(listed: Listed, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(category, name) for common Korean and Chinese names of people who are not listed."""
    found: dict[str, str] = {}
    while len(found) < count:
        if rng.random() < 0.6:
            category, name = "neg_kr_common", generated_korean(rng)
        else:
            category, name = "neg_cn_common", generated_chinese(rng)
        if name not in found and not is_listed(name, listed):
            found[name] = category
    return [(c, n) for n, c in found.items()]


def nearest_listed(
    names: list[str], listed: Listed, pool: list[EntityProxy] | None = None
) -> list[EntityProxy]:
    """For each name, the listed person (or member of ``pool``) whose name is closest by
    rapidfuzz's token-sort ratio (neutral: neither matcher's own measure)."""
    pool = listed.persons if pool is None else pool
    choices = [(form_of(n), e) for e in pool for n in e.get("name")]
    texts = [c[0] for c in choices]
    nearest = []
    for name in names:
        query = form_of(name if name.isascii() else " ".join(prepare_name(name)[0].tokens))
        _, _, index = process.extractOne(query, texts, scorer=fuzz.token_sort_ratio)
        nearest.append(choices[index][1])
    return nearest


def namesake_pairs(listed: Listed, rng: random.Random) -> list[Pair]:
    """Different listed Korean people whose names differ by one given-name syllable."""
    by_family: dict[tuple, list[tuple[tuple, EntityProxy]]] = defaultdict(list)
    for entity in listed.korean:
        for split in prepare_name(entity.get("name")[0])[0].korean[:1]:
            if split.family:
                by_family[split.family[0]].append((split.given[0], entity))
    pairs = []
    for people in by_family.values():
        for given_a, a in people:
            for given_b, b in people:
                if a.id == b.id or len(given_a) != len(given_b) or len(given_a) < 2:
                    continue
                differing = sum(x != y for x, y in zip(given_a, given_b, strict=True))
                years_a = {d[:4] for d in a.get("birthDate")}
                if differing == 1 and not years_a & {d[:4] for d in b.get("birthDate")}:
                    pairs.append(Pair("neg_kr_namesake", False, person(a.get("name")[0]), b))
    rng.shuffle(pairs)
    return pairs[:1500]


def other_dob_pairs(listed: Listed) -> list[Pair]:
    """The listed name, with a date of birth twelve years away from the listed one: a homonym."""
    pairs = []
    for entity in listed.korean:
        dates = entity.get("birthDate")
        if dates and len(dates[0]) >= 4:
            other = f"{int(dates[0][:4]) + 12}{dates[0][4:]}"
            pairs.append(
                Pair(
                    "neg_same_name_other_dob",
                    False,
                    person(entity.get("name")[0], birthDate=other),
                    entity,
                )
            )
    return pairs


# --- running both matchers ------------------------------------------------------------------


def run_ours(pairs: list[Pair], prepared: dict[str, Prepared]) -> float:
    """Score every pair with sever's matcher on prepared entities; seconds per pair."""
    queries = [prepare(p.query) for p in pairs]
    started = time.perf_counter()
    for pair, query in zip(pairs, queries, strict=True):
        pair.ours = score(query, prepared[pair.candidate.id]).score
    return (time.perf_counter() - started) / max(len(pairs), 1)


def run_logic_v2(pairs: list[Pair]) -> float:
    """Score every pair with nomenklatura's logic-v2; seconds per pair."""
    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    started = time.perf_counter()
    for pair in pairs:
        pair.logic_v2 = algorithm.compare(pair.query, pair.candidate, config).score
    return (time.perf_counter() - started) / max(len(pairs), 1)


def block(
    entities: list[EntityProxy], prepared: dict[str, Prepared]
) -> Callable[[Prepared], list[str]]:
    """A plain inverted index on ``name_keys`` over listed entities (for the false-positive
    run)."""
    postings: dict[str, list[str]] = defaultdict(list)
    for entity in entities:
        for key in name_keys(prepared[entity.id]):
            postings[key].append(entity.id)

    def candidates(query: Prepared) -> list[str]:
        found: set[str] = set()
        for key in name_keys(query):
            ids = postings.get(key, [])
            if len(ids) <= MAX_POSTINGS:
                found.update(ids)
        return sorted(found)

    return candidates


def screening_fpr(
    names: list[tuple[str, str]], listed: Listed, prepared: dict[str, Prepared]
) -> dict:
    """Share of not-listed names for which any listed person (any listed company, for a company
    name) scores at or above our threshold, searching candidates through name keys."""
    people = block(listed.persons, prepared)
    companies = block(listed.companies, prepared)
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    examples: dict[str, list[dict]] = defaultdict(list)
    timings: list[float] = []
    for category, name in names:
        is_company = category == "neg_company_generic"
        query = prepare(company(name) if is_company else person(name))
        candidates = companies if is_company else people
        started = time.perf_counter()
        best = (0.0, "")
        for entity_id in candidates(query):
            value = score(query, prepared[entity_id]).score
            if value > best[0]:
                best = (value, entity_id)
        timings.append(time.perf_counter() - started)
        totals[category] += 1
        if best[0] >= THRESHOLD:
            hits[category] += 1
            if len(examples[category]) < 10:
                examples[category].append(
                    {"query": name, "hit": prepared[best[1]].caption, "score": best[0]}
                )
    timings.sort()
    return {
        "queries": sum(totals.values()),
        "false_positives": sum(hits.values()),
        "fpr": sum(hits.values()) / max(sum(totals.values()), 1),
        "by_category": {
            c: {"queries": totals[c], "false_positives": hits[c], "fpr": hits[c] / totals[c]}
            for c in totals
        },
        "examples": examples,
        "query_ms_p50": 1000 * timings[len(timings) // 2],
        "query_ms_p99": 1000 * timings[int(len(timings) * 0.99)],
    }


def tabulate(pairs: list[Pair]) -> dict[str, dict]:
    """Precision, recall, F1 and false-positive rate per category, per group and overall."""
    groups: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[pair.category].append(pair)
        groups["ALL"].append(pair)
        if pair.category in KOREAN_CATEGORIES:
            groups["KOREAN"].append(pair)
        if pair.category.startswith("company"):
            groups["COMPANIES"].append(pair)
        if pair.category.startswith(("cn_", "neg_cn")) and pair.category in CHINESE_CATEGORIES:
            groups["CHINESE"].append(pair)
        if pair.category in COMMON_NAME_CATEGORIES:
            groups["COMMON_NAMES"].append(pair)
    table = {}
    for name, members in groups.items():
        ours, theirs = Tally(), Tally()
        for pair in members:
            ours.add(pair.label, pair.ours >= THRESHOLD)
            theirs.add(pair.label, pair.logic_v2 >= LOGIC_V2_THRESHOLD)
        table[name] = {
            "pairs": len(members),
            "positives": sum(p.label for p in members),
            "ours": ours.report(),
            "logic_v2": theirs.report(),
        }
    return table


def fmt(value: float | None) -> str:
    """A metric in six characters, '-' where it is undefined."""
    return "     -" if value is None else f"{value:6.3f}"


def metrics(report: dict) -> str:
    """Precision, recall, F1 and false-positive rate of one matcher, formatted."""
    return " ".join(fmt(report[k]) for k in ("precision", "recall", "f1", "fpr"))


def print_table(table: dict[str, dict]) -> None:
    """The results as a table on stdout: categories first, then the groups in capitals."""
    columns = f"{'P':>6} {'R':>6} {'F1':>6} {'FPR':>6}"
    print(f"{'category':26} {'pairs':>6} {'pos':>5} | ours   {columns} | logic-v2 {columns}")
    for name in sorted(table, key=lambda k: (k.isupper(), k)):
        row = table[name]
        print(
            f"{name:26} {row['pairs']:6d} {row['positives']:5d} | "
            f"ours   {metrics(row['ours'])} | logic-v2 {metrics(row['logic_v2'])}"
        )


def build_pairs(
    listed: Listed,
    negatives: list[tuple[str, str]],
    common: list[tuple[str, str]],
    rng: random.Random,
) -> list[Pair]:
    """True variants, generated negatives against their nearest listed person, listed namesakes
    and same-name-other-birth-date homonyms, then common names against their nearest listed
    person or company."""
    pairs = positive_pairs(listed, rng)
    nearest = nearest_listed([n for _, n in negatives], listed)
    pairs += [Pair(c, False, person(n), e) for (c, n), e in zip(negatives, nearest, strict=True)]
    pairs += namesake_pairs(listed, rng)
    pairs += other_dob_pairs(listed)
    people = [(c, n) for c, n in common if c != "neg_company_generic"]
    firms = [(c, n) for c, n in common if c == "neg_company_generic"]
    nearest = nearest_listed([n for _, n in people], listed)
    pairs += [Pair(c, False, person(n), e) for (c, n), e in zip(people, nearest, strict=True)]
    nearest = nearest_listed([n for _, n in firms], listed, listed.companies)
    pairs += [Pair(c, False, company(n), e) for (c, n), e in zip(firms, nearest, strict=True)]
    return pairs


def our_errors(pairs: list[Pair]) -> list[dict]:
    """Every pair our matcher gets wrong, for the analyst to read."""
    return [
        {
            "category": p.category,
            "label": p.label,
            "query": p.query.caption,
            "candidate": p.candidate.caption,
            "ours": p.ours,
            "logic_v2": p.logic_v2,
        }
        for p in pairs
        if (p.ours >= THRESHOLD) != p.label
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--negatives", type=int, default=10000, help="generated not-listed names")
    parser.add_argument(
        "--common", type=int, default=2000, help="generated common names per common-name category"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    started = time.perf_counter()
    listed = classify(load_listed())
    prepared = {e.id: prepare(e) for e in listed.persons + listed.companies}
    print(
        f"listed: {len(listed.persons)} people ({len(listed.korean)} Korean DPRK, "
        f"{len(listed.chinese)} Chinese), {len(listed.companies)} companies"
    )
    negatives = generated_negatives(listed, args.negatives, rng)
    common = common_name_negatives(listed, args.common, random.Random(args.seed + 1))
    pairs = build_pairs(listed, negatives, common, rng)
    for pair in pairs:
        if pair.candidate.id not in prepared:
            prepared[pair.candidate.id] = prepare(pair.candidate)
    print(f"pairs: {len(pairs)} ({sum(p.label for p in pairs)} true variants)")

    ours_s = run_ours(pairs, prepared)
    theirs_s = run_logic_v2(pairs)
    table = tabulate(pairs)
    print_table(table)
    fpr = screening_fpr(negatives + common, listed, prepared)
    for category, row in fpr["by_category"].items():
        print(f"  {category:24} {row['queries']:6d} queries, FPR {row['fpr']:.3%}")
    print(
        f"\n{fpr['queries']} not-listed names screened against every listed person (name-key "
        f"blocking): {fpr['false_positives']} false positives, FPR {fpr['fpr']:.3%}; "
        f"query p50 {fpr['query_ms_p50']:.2f} ms, p99 {fpr['query_ms_p99']:.2f} ms"
    )
    speed = {
        "ours_us_per_pair": ours_s * 1e6,
        "logic_v2_us_per_pair": theirs_s * 1e6,
        "logic_v2_over_ours": theirs_s / ours_s,
    }
    print(
        f"scoring speed: ours {speed['ours_us_per_pair']:.1f} µs/pair, logic-v2 "
        f"{speed['logic_v2_us_per_pair']:.1f} µs/pair "
        f"(ours {speed['logic_v2_over_ours']:.1f}× faster)"
    )
    result = {
        "snapshot": "OFAC SDN 2024-05-03 + UN 2026-02-27 (built-in)",
        "seed": args.seed,
        "thresholds": {"ours": THRESHOLD, "logic_v2": LOGIC_V2_THRESHOLD},
        "table": table,
        "screening_fpr": fpr,
        "speed": speed,
        "our_errors": our_errors(pairs)[:300],
        "seconds": time.perf_counter() - started,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"wrote {RESULTS} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
