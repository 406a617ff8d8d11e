"""How common a name is: words that millions of people share say little about who someone is.

An exact match on "Mohammed Ali" is a match with a great many people; an exact match on "Kim Jong
Un" is not, although Kim is the commonest Korean family name: a Korean given name is distinctive
as a whole (Jong Un), whatever its syllables. So commonness is judged per word for names that are
not Korean, and for Korean names by the family name together with the whole given name.

The tables below are the commonest given names and family names of the populations that screening
meets most (Western, Arabic, Russian, Chinese and Korean), in their usual Latin spellings. Korean
family names are given only in their South Korean and English-habit spellings (Lee, Park, Choi):
the lists' own spellings (RI, PAK, CHOE, JONG) are also Korean given-name syllables, and a DPRK
name made of them is not common for that.
"""

from __future__ import annotations

from functools import lru_cache

from sever.screen.features import korean


def _words(text: str) -> frozenset[str]:
    """A table written as space-separated lower-case words."""
    return frozenset(text.split())


WESTERN_GIVEN = _words(
    "james john robert michael william david richard joseph thomas charles christopher daniel "
    "matthew anthony mark donald steven stephen paul andrew joshua kenneth kevin brian george "
    "timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan larry justin scott "
    "brandon benjamin samuel frank gregory raymond patrick alexander jack dennis jerry peter henry "
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty "
    "margaret sandra ashley emily donna michelle carol amanda melissa deborah stephanie laura "
    "rebecca sharon cynthia kathleen amy anna emma olivia sophie sophia julia maria hans klaus jan "
    "lars erik eric anders pierre jean luc marco luca giovanni carlos juan jose luis miguel pedro "
    "antonio manuel francisco javier ana carmen isabel marta sofia lucia claire marie nathalie "
    "martin simon louis philippe nicolas thierry michel alain christian stefan thomas wolfgang "
    "jurgen peter karl heinz franz johan jens nils per olaf sven henrik mats william harry oliver "
    "jack charlie george noah liam lucas ethan mason logan alice grace chloe lily ella mia ava "
    "charlotte amelia isabella harper evelyn abigail victoria kate helen susan jane anne ann "
    "louise alan tony tom mike bill bob jim joe dave steve chris nick sam ben dan alex max"
)
"""Common given names in Europe and the Americas."""

WESTERN_FAMILY = _words(
    "smith johnson williams brown jones miller davis wilson anderson taylor thomas moore martin "
    "jackson thompson white harris clark lewis robinson walker young allen king wright scott hill "
    "green adams baker nelson carter mitchell roberts turner phillips campbell parker evans "
    "edwards collins stewart morris murphy cook rogers morgan cooper peterson reed bailey bell "
    "kelly howard ward cox richardson wood watson brooks bennett gray grey hughes price sanders "
    "myers long ross foster jenkins perry powell russell sullivan butler barnes fisher henderson "
    "coleman simmons patterson jordan reynolds hamilton graham kim wallace west cole hayes "
    "muller mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann hofmann "
    "koch richter klein wolf schroder neumann schwarz zimmermann braun kruger hartmann lange "
    "andersson johansson karlsson nilsson larsson olsson persson svensson gustafsson pettersson "
    "hansen jensen nielsen pedersen andersen christensen larsen sorensen rasmussen johansen "
    "garcia rodriguez martinez hernandez lopez gonzalez perez sanchez ramirez torres flores "
    "rivera gomez diaz reyes morales cruz ortiz gutierrez chavez ramos ruiz alvarez castillo "
    "jimenez moreno romero herrera medina aguilar vargas castro fernandez silva santos oliveira "
    "souza pereira costa carvalho almeida ferreira rossi russo ferrari esposito bianchi romano "
    "colombo ricci marino greco bruno gallo conti dubois durand leroy moreau simon laurent "
    "lefebvre michel bernard petit roux fournier girard bonnet dupont lambert fontaine rousseau "
    "vincent muller faure andre mercier blanc guerin boyer garnier chevalier francois legrand"
)
"""Common family names in Europe and the Americas."""

ARABIC_GIVEN = _words(
    "mohammed muhammad mohamed mohammad mohamad muhammed mohamud ahmed ahmad ahmet ali hassan "
    "hasan hussein husain hussain husein omar umar abdullah abdallah abdulla ibrahim youssef "
    "yousef yusuf yousif youssouf khalid khaled mahmoud mahmood mahmud mustafa mostafa moustafa "
    "said saeed saad sa'ad hamza tariq tarek karim kareem nasser nasir naser salim salem saleem "
    "samir sameer sami walid waleed yasser yasir ziad ziyad rashid rasheed faisal fahad fahd "
    "majid adel adil amir ameer ayman bilal imran jamal kamal nabil osama usama rami sultan tamer "
    "zaid zayed zayd anas bashir farid hadi hani jalal mansour mansur marwan mazen munir qasim "
    "kassim raed riyad sharif talal wael fatima fatma aisha aysha maryam mariam khadija zainab "
    "zeinab noor nour layla leila amina huda hana salma rania reem sara sarah yasmin yasmine dina "
    "lina mona nadia samira abdul abdel abd abu hamid hamed hamad hamdi idris ismail ismael "
    "ilyas jafar jaafar khalil musa moussa nur othman osman uthman qadir rahim rahman sulaiman "
    "suleiman sulayman yahya yaqub yacoub younis yunus zakaria zakariya"
)
"""Common Arabic given names and name elements (Abdul, Abu), in their usual Latin spellings."""

ARABIC_FAMILY = _words(
    "haddad khoury nasser saleh salem mansour hamdan qasim rahman aziz karim yousef farouk hamid "
    "rashid saeed suleiman mustafa sharif jaber darwish habib othman zaki fathi amin najjar masri "
    "shami tamimi khatib harbi otaibi qahtani ghamdi zahrani dosari mutairi shehri sayed sayyid "
    "hashemi hashimi husseini abdelaziz abdelrahman abdelkader benali bensaid belkacem bouzid "
    "hamadi trabelsi jaziri al el bin ben ibn bint"
)
"""Common Arabic family names and the particles of Arabic names (al, bin, ibn)."""

RUSSIAN_GIVEN = _words(
    "alexander aleksandr alexandr sergey sergei dmitry dmitri dmitriy andrey andrei alexey "
    "aleksey alexei ivan mikhail maxim maksim evgeny evgeniy yevgeny nikolay nikolai vladimir "
    "pavel igor oleg denis roman anton artem viktor victor yuri yury boris vadim konstantin "
    "ilya stanislav vyacheslav valery anatoly gennady grigory leonid petr pyotr fedor fyodor "
    "anna elena yelena olga natalia natalya tatiana tatyana irina svetlana ekaterina yekaterina "
    "maria marina yulia julia anastasia oksana lyudmila galina larisa valentina nadezhda daria"
)
"""Common Russian given names, in their usual Latin spellings. Patronymics are left out: a
family name with a patronymic (Kiselev Sergeyevich) already narrows the field a great deal."""

RUSSIAN_FAMILY = _words(
    "ivanov smirnov kuznetsov popov vasiliev vasilyev petrov sokolov mikhailov mikhaylov novikov "
    "fedorov morozov volkov alekseev lebedev semenov egorov pavlov kozlov stepanov nikolaev "
    "orlov andreev makarov nikitin zakharov zaitsev solovyov borisov yakovlev grigoriev romanov "
    "vorobyov sergeev frolov alexandrov dmitriev korolev gusev kiselev ilyin maksimov polyakov "
    "sorokin vinogradov kovalev belov medvedev antonov tarasov zhukov baranov filippov komarov "
    "davydov belyaev gerasimov bogdanov osipov sidorov matveev titov markov mironov krylov "
    "kulikov karpov vlasov melnikov denisov gavrilov tikhonov kazakov afanasyev danilov "
    "ivanova smirnova kuznetsova popova petrova sokolova volkova pavlova kozlova orlova"
)
"""Common Russian family names (and the feminine forms of the commonest)."""

CHINESE_FAMILY = _words(
    "wang li lee zhang cheung chang liu lau chen chan tan yang yeung huang wong zhao chiu chew wu "
    "ng ang zhou chow chau xu hui tsui sun ma zhu chu hu guo kwok lin lam lim he ho gao ko luo "
    "law lo zheng cheng liang leung xie tse song tang tong han hon feng fung deng tang cao tsao "
    "peng pang zeng tsang xiao siu tian dong tung pan poon yuan yuen cai choy jiang chiang yu yue "
    "du to ye yip wei ngai su so lu loo ding ting shen sham yao yiu teo goh ong koh chua low tay "
    "fan fang shi wan qian qin yan xia ren jin jia xue hou bai meng cui kong gu mao qiu"
)
"""Common Chinese family names in Pinyin, Cantonese and Hokkien spellings."""

CHINESE_GIVEN = _words(
    "xiaoming xiaohong xiaoli xiaoyan xiaojun xiaoping xiaodong xiaoyu xiaowei xiaolin jianguo "
    "jianhua jianjun jianping jianming guoqiang guohua zhiqiang zhiwei zhiming zhiyong weiguo "
    "haiyan haitao hongmei hongwei hongyan lihua lijuan liping limei lili jing jingjing yanyan "
    "yan wei fang na min jun yong tao jie ying hua ming hong ping lei qiang gang bo chao hui "
    "dan ling juan yun xin yi yu long fei peng hao yang "
    "xiuying guiying xiulan guilan xiuzhen shuzhen yulan yuying guihua fengying"
)
"""Common Chinese given names in Pinyin, with the given names of the older generation of women
that China's name statistics rank among the commonest of all (Xiuying, Guiying, Xiulan). Their
syllables are also Korean syllables: one of them makes a name common only when it is not read
as a Korean name, a two-syllable one after a Chinese family name always (see
:func:`is_common_name`)."""

KOREAN_FAMILY = _words(
    "kim lee yi park choi jung chung kang cho jo yoon jang chang lim han oh seo suh shin kwon "
    "hwang ahn song jeon hong yoo yu ko go moon mun yang son bae baek heo huh nam noh roh ha"
)
"""The commonest Korean family names in South Korean and English-habit spellings."""

KOREAN_GIVEN = (
    "min-jun seo-jun do-yun ye-jun si-woo ha-jun ji-ho jun-seo ju-won do-hyun ji-hoon geon-woo "
    "woo-jin hyun-woo seon-woo ji-woo yu-jun seo-jin min-jae hyun-jun eun-woo ji-hun seung-min "
    "seung-hyun jun-young min-seok ji-hwan seo-yeon seo-yun seo-hyun min-seo ha-eun ha-yoon "
    "su-ah ji-yoo chae-won ji-yoon da-eun eun-seo ye-eun ji-min soo-jin su-jin ji-hye ji-eun "
    "eun-ji hye-jin ye-jin so-yeon yu-na ye-rin su-bin ha-rin"
)
"""Common South Korean given names of the last three decades, as whole names. A given name
counts as common only as a whole: Jong Un is not common although Jong and Un are. The given
names of the parents' generation (Young-ho, Chul-soo, Young-hee) are left out: they are those of
most listed North Koreans too, and the lists' spelling of a listed person must still match."""

COMMON_WORDS = (
    WESTERN_GIVEN
    | WESTERN_FAMILY
    | ARABIC_GIVEN
    | ARABIC_FAMILY
    | RUSSIAN_GIVEN
    | RUSSIAN_FAMILY
    | CHINESE_FAMILY
    | CHINESE_GIVEN
    | KOREAN_FAMILY
)
"""Every common name word, whatever the population."""
FOREIGN_GIVEN = WESTERN_GIVEN | ARABIC_GIVEN | RUSSIAN_GIVEN
"""Given names that are not Korean, to tell Emma Lee from a Korean name."""
MIN_FOREIGN_GIVEN = 4
"""Shorter foreign given names (Jan, Dan, Sam) are also Korean syllables."""


def _korean_keys(names: str) -> frozenset[str]:
    """Whole Korean given names as their syllable readings (min-jun → m-i-n j-u-n, in keys)."""
    keys: set[str] = set()
    for name in names.split():
        for reading in korean.read_romanised(name.replace("-", "")):
            keys.add(_reading_text(reading))
    return frozenset(keys)


def _reading_text(reading: tuple[korean.SyllableKey, ...]) -> str:
    """A syllable reading as one string, to look it up in a table."""
    return "-".join(korean.key_text(k) for k in reading)


KOREAN_FAMILY_KEYS = frozenset(
    korean.key_text(k) for name in KOREAN_FAMILY for k in korean.read_surname(name)
)
KOREAN_GIVEN_KEYS = _korean_keys(KOREAN_GIVEN)


PARTICLES = frozenset(
    ("al", "el", "bin", "ben", "ibn", "bint", "de", "da", "di", "del", "van", "von")
)
"""Particles of names (Al-Ali, bin Laden, de la Cruz): common, and not words of the name for
counting."""

MAX_COMMON_WORDS = 3
"""A name of more words than this (particles aside) is specific even when every word is common:
Sarah Jamal Muhammad Al-Sayyid is not one of millions."""


def name_words(tokens: tuple[str, ...]) -> int:
    """How many words a name has, particles aside."""
    return sum(1 for t in tokens if t not in PARTICLES)


def _is_common_korean(
    family: tuple[tuple[korean.SyllableKey, ...], ...],
    given: tuple[tuple[korean.SyllableKey, ...], ...],
) -> bool:
    """A Korean reading whose family name is common and whose given name, as a whole, is
    common (Kim Min-jun, Lee Ji-eun)."""
    return any(len(f) == 1 and korean.key_text(f[0]) in KOREAN_FAMILY_KEYS for f in family) and any(
        _reading_text(g) in KOREAN_GIVEN_KEYS for g in given
    )


KOREAN_OR_CHINESE_WORDS = 2
"""A Korean or Chinese name common as a whole counts as two words, family name and given name,
however many syllables its given name is written in (Kim Min Jun, Li Xiu Ying)."""


@lru_cache(maxsize=1 << 12)
def common_name_words(tokens: tuple[str, ...], korean_readings: tuple) -> int:
    """How many words a common name has (see :func:`is_common_name`), counting a Korean or
    Chinese given name as one word; 0 for a name that is not common."""
    if any(_is_common_korean(split.family, split.given) for split in korean_readings):
        return KOREAN_OR_CHINESE_WORDS
    if _common_chinese(tokens):
        return KOREAN_OR_CHINESE_WORDS
    return name_words(tokens) if is_common_name(tokens, korean_readings) else 0


def _common_chinese(tokens: tuple[str, ...]) -> bool:
    """A common Chinese family name and a common given name written in two syllables apart
    (李秀英 read li xiu ying)."""
    return (
        len(tokens) == 3 and tokens[0] in CHINESE_FAMILY and tokens[1] + tokens[2] in CHINESE_GIVEN
    )


@lru_cache(maxsize=1 << 12)
def is_common_name(tokens: tuple[str, ...], korean_readings: tuple) -> bool:
    """True when a name of two to MAX_COMMON_WORDS words is made only of common words: read as
    Korean, a common family name with a common whole given name; otherwise every word a common
    given or family name (Mohammed Ali, Emma Lee). A name that can be read as Korean is common
    word by word only when it has a Western, Arabic or Russian given name of four letters or more
    (Emma Lee) or is one family name twice (Li Lee): Kim Song Nam and Yu Jin are Korean names,
    not common words."""
    if not 2 <= name_words(tokens) <= MAX_COMMON_WORDS:
        return False
    if any(_is_common_korean(split.family, split.given) for split in korean_readings):
        return True
    if _common_chinese(tokens):
        return True
    if not all(t in COMMON_WORDS for t in tokens):
        return False
    if not korean_readings:
        return True
    foreign = any(len(t) >= MIN_FOREIGN_GIVEN and t in FOREIGN_GIVEN for t in tokens)
    return foreign or _family_name_twice(tokens)


def _family_name_twice(tokens: tuple[str, ...]) -> bool:
    """Two family names that sound the same (Li Lee, Lee Yi: both 이): the name says no more than
    its family name."""
    if len(tokens) != 2 or not all(t in CHINESE_FAMILY or t in KOREAN_FAMILY for t in tokens):
        return False
    return bool(set(korean.read_romanised(tokens[0])) & set(korean.read_romanised(tokens[1])))
