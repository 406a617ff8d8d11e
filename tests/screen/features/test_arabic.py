"""Arabic-script names rewritten before ICU reads them, the way Latin lists write them."""

from __future__ import annotations

import pytest

from sever.screen.features.arabic import as_latin_lists_write
from sever.screen.features.names import prepare_name


@pytest.mark.parametrize(
    ("written", "tokens"),
    [
        ("ظافر التكرواني", ("zafr", "al", "tkrwany")),  # the article set apart
        ("خولة القرواني", ("khwla", "al", "qrwany")),  # ة read a, not t
        ("عبد الوهاب", ("abd", "al", "whab")),  # ع at the start read a
        ("عادل الله", ("adl", "allh")),  # ع before a long vowel, and Allah, stay as they were
    ],
)
def test_arabic_script_reads_as_latin_lists_write_it(written: str, tokens: tuple[str, ...]) -> None:
    assert prepare_name(written)[0].tokens == tokens


def test_other_scripts_are_left_as_they_are() -> None:
    for text in ("AL-TAKRAWANI, Zafir", "Аркадий Зубрилов", "欧阳震霆"):
        assert as_latin_lists_write(text) == text


def test_a_short_word_after_al_keeps_it() -> None:
    """الم is a word (two letters after al are needed for an article)."""
    assert as_latin_lists_write("الم") == "الم"


def test_a_one_word_name_keeps_its_article_joined() -> None:
    """A company's one-word name (الشامي LLC) gains no word al to agree with any listed al."""
    assert prepare_name("الشامي")[0].tokens == ("alshamy",)
