"""Amounts as the signing list prints them: "3.000.000 ₫" and in Vietnamese words."""

from __future__ import annotations

import pytest

from tienlang.lib.money import amount_in_words, format_vnd


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (3_000_000, "Ba triệu đồng"),
        (141_000_000, "Một trăm bốn mươi mốt triệu đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (21_000_000, "Hai mươi mốt triệu đồng"),
        (105_000, "Một trăm linh năm nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (25_000, "Hai mươi lăm nghìn đồng"),
        (11_000, "Mười một nghìn đồng"),
        (10_000, "Mười nghìn đồng"),
        (90_000_000, "Chín mươi triệu đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (1_001_000, "Một triệu không trăm linh một nghìn đồng"),
        (2_500_000_000, "Hai tỷ năm trăm triệu đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (51_000_000, "Năm mươi mốt triệu đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_amount_in_words_refuses_fractions_of_a_dong():
    from decimal import Decimal

    with pytest.raises(ValueError):
        amount_in_words(Decimal("1000.5"))


@pytest.mark.parametrize(
    ("amount", "text"),
    [(3_000_000, "3.000.000 ₫"), (0, "0 ₫"), (141_000_000, "141.000.000 ₫"), (950, "950 ₫"), (-5000, "-5.000 ₫")],
)
def test_format_vnd(amount, text):
    assert format_vnd(amount) == text


def test_format_vnd_without_symbol_and_empty():
    assert format_vnd(1_005_000, symbol=False) == "1.005.000"
    assert format_vnd(None) == ""
