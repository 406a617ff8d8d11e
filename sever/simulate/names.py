"""Names of legitimate people and companies, built from name-part tables so that many are distinct.

Cultures: Korean, Chinese, Russian, English, Arabic, Thai and Vietnamese. Korean given names are two
syllables written as screening lists and passports do (``Min-jun``, ``Minjun``); the world is full
of legitimate Korean and Chinese names so that screening meets realistic false-positive pressure.
All functions are vectorised: they take a numpy ``Generator`` and a count and return string arrays.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import phonenumbers

CULTURES = ("korean", "chinese", "russian", "english", "arabic", "thai", "vietnamese")

KOREAN_SURNAMES = (  # noqa: SIM905
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Jeon "
    "Hong Ko Moon Yang Son Bae Baek Heo Yoo Nam Shim Noh Ha Kwak Sung Cha Joo Woo Gu Min Ryu Na "
    "Jin Ji Um Chae Won Chun Bang Gong Hyun"
).split()
KOREAN_SYLLABLES = (  # noqa: SIM905
    "Min Ji Seo Hyun Young Jun Woo Soo Eun Hye Sung Jae Ho Dong Kyung Yeon Hee Jin Sang Chul "
    "Yong Kwang Myung Hoon Seok Won Bin Ha Yun Na Ra Da Gyu Tae Il Nam Gun Hwan Joon Su Ah In "
    "Mi Jung Chan Hyuk Kyu Sik Ok Hui Bok Un Geun Seung Han Beom"
).split()
CHINESE_SURNAMES = (  # noqa: SIM905
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng "
    "Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye "
    "Cheng Wei Su Lu Ding Ren Shen Yao Jin Fan Jia Xia Fu Fang Qin"
).split()
CHINESE_SYLLABLES = (  # noqa: SIM905
    "Wei Fang Min Jing Li Qiang Lei Jun Yang Yong Jie Juan Tao Ming Chao Xiu Xia Hui Hong Ping "
    "Gang Hua Lan Yan Bo Hao Yu Xin Lin Dan Feng Yun Qing Zhi Kai Rui Jian Wen Bin Ning Tian "
    "Xue Long Hai Guo Zhen Shu Mei Peng Lu"
).split()
RUSSIAN_MALE = (  # noqa: SIM905
    "Alexander Dmitry Sergei Andrei Alexei Ivan Mikhail Nikolai Vladimir Pavel Yuri Oleg Igor "
    "Viktor Maxim Artem Roman Denis Anton Konstantin Evgeny Boris Grigory Timur Fyodor"
).split()
RUSSIAN_FEMALE = (  # noqa: SIM905
    "Anna Maria Elena Olga Natalia Tatiana Irina Svetlana Ekaterina Yulia Anastasia Daria "
    "Marina Ksenia Polina Vera Galina Lyudmila Alina Sofia"
).split()
RUSSIAN_SURNAMES = (  # noqa: SIM905
    "Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov Morozov "
    "Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev "
    "Makarov Zakharov Zaitsev Solovyov Borisov Yakovlev Grigoriev Romanov Vorobiev Sergeev "
    "Frolov Belov"
).split()
ENGLISH_FIRST = (  # noqa: SIM905
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa "
    "Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Emily Paul Donna Andrew "
    "Michelle Joshua Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ryan "
    "Rebecca"
).split()
ENGLISH_LAST = (  # noqa: SIM905
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Turner Phillips"
).split()
ARABIC_FIRST = (  # noqa: SIM905
    "Mohammed Ahmed Ali Omar Khalid Hassan Hussein Abdullah Youssef Ibrahim Mahmoud Saeed "
    "Rashid Faisal Tariq Hamza Karim Nasser Sultan Majid Fatima Aisha Maryam Noura Layla Huda "
    "Salma Reem Amal Hana"
).split()
ARABIC_LAST = (  # noqa: SIM905
    "Al-Mansoori Al-Hashimi Al-Nuaimi Al-Shamsi Al-Suwaidi Al-Mazrouei Al-Falasi Al-Ketbi Al- "
    "Qassimi Al-Dhaheri Haddad Khoury Nasser Saleh Hamdan Rahman Qureshi Farouk Bakr Aziz "
    "Darwish Hakim Jaber Mustafa Othman"
).split()
THAI_FIRST = (  # noqa: SIM905
    "Somchai Somsak Sombat Prasert Anan Chaiwat Kittisak Nattapong Wichai Surachai Suda Malee "
    "Siriporn Kanya Ratana Pranee Wanida Nittaya Achara Porntip Arthit Thanawat Pichai Kamon"
).split()
THAI_PARTS = (  # noqa: SIM905
    "Sri Wong Sakul Rat Chai Suwan Thong Boon Pra Kul Siri Chan Pan Sombun Kaew Intha Phon "
    "Saeng Rung Dee"
).split()
VIETNAMESE_SURNAMES = (  # noqa: SIM905
    "Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Truong Dinh Lam Mai"
).split()
VIETNAMESE_GIVEN = (  # noqa: SIM905
    "Anh Binh Chau Dung Giang Ha Hai Hanh Hieu Hoa Hung Huong Khanh Lan Linh Long Minh Nam Ngoc "
    "Phuong Quang Quynh Son Thanh Thao Thu Trang Tuan Tung Van Viet Xuan Yen"
).split()

_COMPANY_WORDS = {
    "CN": "Hongxiang Jinhai Tianyi Hengda Xinyuan Huarui Longsheng Dongfang Baoli Zhongxin "
    "Haitong Ruifeng Kaiyuan Shengda Minghui Fuxing Jiahe Yuanhang",
    "HK": "Pacific Harbour Golden Dragon Victoria Evergreen Jade Orient Kowloon Silver Star "
    "Grand Ocean Lucky",
    "RU": "Sever Vostok Primorye Baikal Ural Volga Amur Sibir Neva Kama Taiga Arktika",
    "AE": "Al Noor Al Safa Gulf Crescent Desert Rose Falcon Oasis Emirates Pearl Al Amal",
    "SG": "Lion City Straits Merlion Marina Temasek Raffles Orchard Harbourfront",
    "TH": "Siam Chao Phraya Lanna Ayutthaya Isan Andaman Golden Land",
    "VN": "Saigon Hanoi Mekong Red River Lotus Halong Annam",
    "KR": "Hanbit Daehan Saerom Mirae Hanul Gukje Samjin Donga Seoul Busan",
    "JP": "Sakura Fuji Nippon Kansai Yamato Hoshi",
    "US": "Liberty Summit Pioneer Keystone Harbor Redwood Atlas Northstar Bluewater Granite",
    "GB": "Thames Albion Crown Sterling Kingsway Windsor",
    "DE": "Rhein Nordstern Alpen Hansa Elbe Bavaria",
    "VG": "Everbright Fortune Apex Crown Orient Pacific Summit Meridian Sovereign Tideway",
    "KY": "Cayman Meridian Sovereign Harbour Apex Everest Trident Coral",
    "MH": "Pacific Atoll Meridian Ocean Tideway Marlin Lagoon",
    "SC": "Indian Ocean Coral Apex Mahe Fortune Sovereign Trident",
}
_LEGAL_FORMS = {
    "CN": ("Co., Ltd.", "Trading Co., Ltd."),
    "HK": ("Limited", "Holdings Limited"),
    "RU": ("OOO", "AO"),
    "AE": ("LLC", "FZE", "General Trading LLC"),
    "SG": ("Pte. Ltd.",),
    "TH": ("Co., Ltd.",),
    "VN": ("JSC", "Co., Ltd."),
    "KR": ("Co., Ltd.", "Corporation"),
    "JP": ("K.K.", "Co., Ltd."),
    "US": ("Inc.", "LLC", "Corp."),
    "GB": ("Ltd", "PLC"),
    "DE": ("GmbH", "AG"),
    "VG": ("Ltd.", "Holdings Ltd.", "Investments Limited"),
    "KY": ("Ltd.", "Holdings Ltd."),
    "MH": ("Inc.", "Corp."),
    "SC": ("Ltd.", "Holdings Ltd."),
}
INDUSTRIES = {
    "retail": ("groceries", "clothing", "electronics", "household goods"),
    "software": ("software licences", "IT consulting", "cloud services"),
    "textiles": ("cotton fabric", "garments", "yarn"),
    "food": ("seafood", "rice", "frozen food", "fruit"),
    "machinery": ("machine tools", "spare parts", "pumps"),
    "logistics": ("freight forwarding", "warehousing", "customs brokerage"),
    "electronics": ("semiconductors", "mobile phones", "circuit boards"),
    "construction": ("cement", "steel bars", "building materials"),
    "chemicals": ("fertiliser", "plastics", "industrial chemicals"),
    "utilities": ("electricity", "water", "telecom services"),
}
"""Industries and the goods each one plausibly buys and sells (trade payments name these)."""

DUAL_USE_GOODS = (
    "refined petroleum",
    "coal",
    "luxury vehicles",
    "CNC machine tools",
    "aluminium alloy tubes",
    "lithium batteries",
    "seafood (DPRK origin)",
    "iron ore",
)
"""Goods that do not fit a small trading firm's business: what a mismatched trade payment names."""

STREETS = {
    "CN": ("Jiefang Rd", "Renmin Rd", "Zhongshan Rd", "Binjiang Rd", "Jinqiao Ave"),
    "HK": ("Nathan Rd", "Queen's Rd Central", "Hennessy Rd", "Canton Rd"),
    "RU": ("ul. Lenina", "ul. Svetlanskaya", "prospekt Mira", "ul. Pushkina"),
    "AE": ("Sheikh Zayed Rd", "Al Maktoum St", "Khalid Bin Al Waleed Rd"),
    "SG": ("Orchard Rd", "Robinson Rd", "Cecil St", "Jurong East St"),
    "TH": ("Sukhumvit Rd", "Silom Rd", "Rama IV Rd"),
    "VN": ("Le Loi St", "Tran Hung Dao St", "Nguyen Hue Blvd"),
    "KR": ("Teheran-ro", "Sejong-daero", "Gangnam-daero", "Haeundae-ro"),
    "JP": ("Chuo-dori", "Meiji-dori", "Aoyama-dori"),
    "US": ("Main St", "Oak Ave", "Maple Dr", "Park Ave", "Cedar Ln", "Elm St", "Washington Blvd"),
    "GB": ("High St", "Station Rd", "Church Ln", "Victoria Rd"),
    "DE": ("Hauptstrasse", "Bahnhofstrasse", "Gartenweg", "Schillerstrasse"),
    "VG": ("Wickhams Cay II", "Main St", "Waterfront Dr"),
    "KY": ("Elgin Ave", "Fort St", "Harbour Dr"),
    "MH": ("Ajeltake Rd", "Lojkar St"),
    "SC": ("Francis Rachel St", "Providence Industrial Estate"),
}
CITIES = {
    "CN": ("Dandong", "Shenyang", "Shanghai", "Shenzhen", "Dalian", "Yanji", "Beijing"),
    "HK": ("Hong Kong",),
    "RU": ("Vladivostok", "Moscow", "Khabarovsk", "Novosibirsk"),
    "AE": ("Dubai", "Abu Dhabi", "Sharjah"),
    "SG": ("Singapore",),
    "TH": ("Bangkok", "Chiang Mai", "Pattaya"),
    "VN": ("Hanoi", "Ho Chi Minh City", "Da Nang"),
    "KR": ("Seoul", "Busan", "Incheon", "Daegu"),
    "JP": ("Tokyo", "Osaka", "Fukuoka"),
    "US": ("New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Seattle", "Atlanta"),
    "GB": ("London", "Manchester", "Leeds"),
    "DE": ("Berlin", "Hamburg", "Frankfurt"),
    "VG": ("Road Town, Tortola",),
    "KY": ("George Town, Grand Cayman",),
    "MH": ("Majuro",),
    "SC": ("Victoria, Mahe",),
}
PHONE_CODES = {
    "CN": "+86",
    "HK": "+852",
    "RU": "+7",
    "AE": "+971",
    "SG": "+65",
    "TH": "+66",
    "VN": "+84",
    "KR": "+82",
    "JP": "+81",
    "US": "+1",
    "GB": "+44",
    "DE": "+49",
}
EMAIL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "qq.com",
    "163.com",
    "naver.com",
    "mail.ru",
    "proton.me",
    "icloud.com",
)


def _pick(rng: np.random.Generator, table: tuple[str, ...] | list[str], n: int) -> np.ndarray:
    return np.asarray(table, dtype=object)[rng.integers(0, len(table), n)]


SURNAME_CONCENTRATION = 1.1
"""Korean and Chinese surnames are listed most common first and drawn with Zipf weights of this
exponent: Kim, Lee and Park then name about 44 % of Koreans, as they do in Korea (21, 15, 8 %)."""


def _surnames(rng: np.random.Generator, table: tuple[str, ...] | list[str], n: int) -> np.ndarray:
    """Surnames from a table ordered by frequency, the common ones far more often."""
    weights = 1.0 / np.arange(1, len(table) + 1) ** SURNAME_CONCENTRATION
    cdf = np.cumsum(weights) / weights.sum()
    picks = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(table) - 1)
    return np.asarray(table, dtype=object)[picks]


def _join(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of object arrays and constant strings."""
    out = np.asarray(parts[0], dtype=object)
    for part in parts[1:]:
        out = out + (part if isinstance(part, str) else np.asarray(part, dtype=object))
    return out


def korean_given(rng: np.random.Generator, n: int) -> np.ndarray:
    """Two-syllable given names, hyphenated (``Min-jun``) or joined (``Minjun``) as documents do."""
    first = _pick(rng, KOREAN_SYLLABLES, n)
    second = np.char.lower(_pick(rng, KOREAN_SYLLABLES, n).astype(str)).astype(object)
    hyphen = np.where(rng.random(n) < 0.6, "-", "")
    return _join(first, hyphen, second)


def _korean(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = _surnames(rng, KOREAN_SURNAMES, n)
    given = korean_given(rng, n)
    western = rng.random(n) < 0.5
    return np.where(western, _join(given, " ", surname), _join(surname, " ", given))


def _chinese(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = _surnames(rng, CHINESE_SURNAMES, n)
    first = _pick(rng, CHINESE_SYLLABLES, n)
    second = np.char.lower(_pick(rng, CHINESE_SYLLABLES, n).astype(str)).astype(object)
    single = rng.random(n) < 0.3
    given = np.where(single, first, _join(first, second))
    return np.where(rng.random(n) < 0.5, _join(surname, " ", given), _join(given, " ", surname))


def _russian(rng: np.random.Generator, n: int) -> np.ndarray:
    female = rng.random(n) < 0.5
    first = np.where(female, _pick(rng, RUSSIAN_FEMALE, n), _pick(rng, RUSSIAN_MALE, n))
    surname = _pick(rng, RUSSIAN_SURNAMES, n)
    surname = np.where(female, _join(surname, "a"), surname)
    return _join(first, " ", surname)


def _english(rng: np.random.Generator, n: int) -> np.ndarray:
    middle = np.where(rng.random(n) < 0.3, _join(_pick(rng, list("ABCDEJKLMPRSTW"), n), ". "), "")
    return _join(_pick(rng, ENGLISH_FIRST, n), " ", middle, _pick(rng, ENGLISH_LAST, n))


def _arabic(rng: np.random.Generator, n: int) -> np.ndarray:
    nasab = np.where(rng.random(n) < 0.4, _join("bin ", _pick(rng, ARABIC_FIRST[:20], n), " "), "")
    return _join(_pick(rng, ARABIC_FIRST, n), " ", nasab, _pick(rng, ARABIC_LAST, n))


def _thai(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = _join(_pick(rng, THAI_PARTS, n), np.char.lower(_pick(rng, THAI_PARTS, n).astype(str)))
    return _join(_pick(rng, THAI_FIRST, n), " ", surname)


def _vietnamese(rng: np.random.Generator, n: int) -> np.ndarray:
    middle = np.where(rng.random(n) < 0.5, "Van", "Thi")
    return _join(
        _pick(rng, VIETNAMESE_SURNAMES, n), " ", middle, " ", _pick(rng, VIETNAMESE_GIVEN, n)
    )


_BUILDERS = {
    "korean": _korean,
    "chinese": _chinese,
    "russian": _russian,
    "english": _english,
    "arabic": _arabic,
    "thai": _thai,
    "vietnamese": _vietnamese,
}


def person_names(rng: np.random.Generator, cultures: np.ndarray) -> np.ndarray:
    """One name per entry of ``cultures`` (indices into ``CULTURES``), as an object array."""
    out = np.empty(len(cultures), dtype=object)
    for index, culture in enumerate(CULTURES):
        mask = cultures == index
        count = int(mask.sum())
        if count:
            out[mask] = _BUILDERS[culture](rng, count)
    return out


def company_names(
    rng: np.random.Generator, countries: np.ndarray, industries: np.ndarray
) -> np.ndarray:
    """Company names fitting each country's naming habits and legal forms."""
    out = np.empty(len(countries), dtype=object)
    for country in np.unique(countries):
        mask = countries == country
        count = int(mask.sum())
        words = _COMPANY_WORDS.get(str(country), _COMPANY_WORDS["US"]).split()
        forms = _LEGAL_FORMS.get(str(country), _LEGAL_FORMS["US"])
        word = _join(_pick(rng, words, count), " ", _pick(rng, words, count))
        trade = np.char.replace(np.char.title(industries[mask].astype(str)), "Otc", "OTC").astype(
            object
        )
        form = _pick(rng, forms, count)
        if country == "RU":
            out[mask] = _join(form, ' "', word, " ", trade, '"')
        elif country == "CN":
            city = _pick(rng, CITIES["CN"], count)
            out[mask] = _join(city, " ", word, " ", trade, " ", form)
        else:
            out[mask] = _join(word, " ", trade, " ", form)
    return out


def addresses(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """Street addresses in each country's cities."""
    out = np.empty(len(countries), dtype=object)
    for country in np.unique(countries):
        mask = countries == country
        count = int(mask.sum())
        key = str(country) if str(country) in STREETS else "US"
        number = rng.integers(1, 2400, count).astype(str).astype(object)
        out[mask] = _join(
            number,
            " ",
            _pick(rng, STREETS[key], count),
            ", ",
            _pick(rng, CITIES[key], count),
            ", ",
            str(country),
        )
    return out


@lru_cache(maxsize=64)
def mobile_plan(country: str) -> tuple[str, str, int]:
    """(calling code, national prefix, random digits) of a valid mobile number for a country.

    The prefix is taken from libphonenumber's example mobile number (its first three digits, four
    in the North American plan where the fourth must not be 0 or 1), so that the numbers pass the
    same validation a screening or registry tool applies, and the random tail keeps them distinct.
    """
    region = country if PHONE_CODES.get(country) else "US"
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number)
    keep = 4 if example.country_code == 1 else 3
    return f"+{example.country_code}", national[:keep], len(national) - keep


def phones(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """Valid international mobile numbers in each party's country (``+86 13112345678``)."""
    out = np.empty(len(countries), dtype=object)
    tails = rng.random(len(countries))
    labels = np.asarray(countries, dtype=str)
    for country in np.unique(labels):
        mask = labels == country
        code, prefix, width = mobile_plan(country)
        digits = (tails[mask] * 10**width).astype(np.int64).astype(str)
        out[mask] = [f"{code} {prefix}{d.zfill(width)}" for d in digits]
    return out


def emails(rng: np.random.Generator, names: np.ndarray) -> np.ndarray:
    """Mailbox names derived from each person's or company's name."""
    numbers = rng.integers(1, 999, len(names))
    domains = _pick(rng, EMAIL_DOMAINS, len(names))
    return np.array(
        [email_address(n, int(d), m) for n, d, m in zip(names, numbers, domains, strict=True)],
        dtype=object,
    )


def email_address(name: str, number: int, domain: str) -> str:
    """A mailbox derived from a name: ``Kim Min-jun`` → ``kim.min-jun17@naver.com``."""
    handle = name.lower().replace(" ", ".").replace(",", "").replace('"', "")[:24].strip(".")
    return f"{handle}{number}@{domain}"
