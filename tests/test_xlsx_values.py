"""Cell value parsing shared by every Excel import."""

from __future__ import annotations

import datetime

import pytest

from tienlang.lib.xlsx import parse_date, parse_int


@pytest.mark.parametrize("value, expected", [("1500", 1500), ("1.500", 1500), ("1 500", 1500), (12.0, 12), (7, 7)])
def test_whole_numbers_with_thousands_separators(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", ["12,5", "12.5", 12.5, "abc", "1.50", True, "-3"])
def test_fractions_and_text_are_refused_not_misread(value):
    with pytest.raises(ValueError):
        parse_int(value)


def test_dates_as_excel_dates_or_dd_mm_yyyy_text():
    assert parse_date(datetime.datetime(2022, 3, 20, 0, 0)) == datetime.date(2022, 3, 20)
    assert parse_date("20/03/2022") == datetime.date(2022, 3, 20)
    with pytest.raises(ValueError, match="không phải ngày có thật"):
        parse_date("31/02/2022")
    with pytest.raises(ValueError):
        parse_date("2022-03-20x")
