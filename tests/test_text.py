"""Typed and uploaded text is stored clean: NFC, single spaces, no invisible characters."""

from __future__ import annotations

import unicodedata

import pytest

from tienlang.lib.text import BIDI_CONTROLS, clean_text, fold, strip_invisible

# Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they reorder what
# is shown, so "Nguyễn Văn An" could display as something else, or hide a trailing text.
NINE_BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]

VIETNAMESE_NAMES = [
    "Nguyễn Thị Ánh Tuyết",
    "Đặng Văn Hưởng",
    "Trịnh Thị Ngọc Diễm",
    "Phạm Quốc Khánh",
    "Lê Thị Thu Hằng",
    "Vũ Đức Thắng",
    "Hoàng Thị Ỷ Lan",
    "Xã Đoàn Lập, huyện Tiên Lãng",
]


def test_the_nine_bidi_controls_are_the_ones_stripped():
    assert len(NINE_BIDI_CONTROLS) == 9
    assert set(NINE_BIDI_CONTROLS) <= set(BIDI_CONTROLS)


@pytest.mark.parametrize("control", NINE_BIDI_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_bidi_control_is_stripped_wherever_it_stands(control):
    assert clean_text(f"{control}Nguyễn Văn An") == "Nguyễn Văn An"
    assert clean_text(f"Nguyễn Văn An{control}") == "Nguyễn Văn An"
    assert clean_text(f"Nguyễn Văn{control} An") == "Nguyễn Văn An"
    assert clean_text(f"Nguy{control}ễn Văn An") == "Nguyễn Văn An"
    assert clean_text(f"Nguyễn {control} Văn An") == "Nguyễn Văn An"


def test_all_nine_together_leave_nothing_behind():
    assert clean_text("".join(NINE_BIDI_CONTROLS)) == ""
    assert clean_text("Lê" + "".join(NINE_BIDI_CONTROLS) + " Hoa") == "Lê Hoa"


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad", "\u061c"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_other_invisible_characters_are_stripped_too(invisible):
    assert clean_text(f"Tr{invisible}ần Thị{invisible} Mai{invisible}") == "Trần Thị Mai"


def test_a_control_between_a_letter_and_its_accent_still_gives_the_composed_letter():
    decomposed = unicodedata.normalize("NFD", "Ễ")
    text = clean_text(decomposed[0] + "\u202e" + decomposed[1:])
    assert text == "Ễ" and unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("name", VIETNAMESE_NAMES)
def test_legitimate_vietnamese_text_is_unchanged(name):
    assert clean_text(name) == name
    assert clean_text(unicodedata.normalize("NFD", name)) == name
    assert strip_invisible(name) == name


def test_search_folds_the_name_without_the_controls():
    assert fold("Đặng\u202e Thị\u2067 Ánh") == "dang thi anh"


def test_strip_invisible_keeps_line_breaks_of_longer_text():
    assert strip_invisible("Gương mẫu,\u202e nhiệt tình.\nHoàn thành tốt nhiệm vụ.") == (
        "Gương mẫu, nhiệt tình.\nHoàn thành tốt nhiệm vụ."
    )


def test_every_unicode_format_character_is_stripped():
    import sys

    format_characters = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert len(format_characters) > 150
    assert strip_invisible("".join(format_characters)) == ""
    assert strip_invisible("".join(BIDI_CONTROLS)) == ""
