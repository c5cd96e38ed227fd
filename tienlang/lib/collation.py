"""Vietnamese alphabetical order, the same in the database and in Python.

Names sort as a Vietnamese dictionary sorts them: the letters a ă â b c d đ e ê g h i k l m n o ô
ơ p q r s t u ư v x y (so "Dương" comes before "Đặng", and "Tây" before "Toàn"), the tones
deciding only between words spelled alike, and case last. PostgreSQL does this with ICU's
Vietnamese collation (``vi-x-icu``, created as ``vietnamese`` by unions/migrations/0010; the name
columns are declared with it, see ``COLLATION``); SQLite gets a collation of the same name,
registered on every connection from ``vietnamese_sort_key``; lists sorted in Python (reports,
exports) use the key directly.

The key follows ICU (CLDR root with the Vietnamese tailoring), checked against PostgreSQL in
tests/test_collation.py: spaces before punctuation before digits before letters; letters by
their base (with the breve, circumflex and horn, which make letters of their own); then tones,
level < grave < hook above < tilde < acute < dot below; then lower case before upper case.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# The collation's name on both databases: ICU's Vietnamese on PostgreSQL, this module on SQLite
# (whose column definitions do not quote the name, so no hyphens as in ICU's "vi-x-icu").
COLLATION = "vietnamese"

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {letter: index for index, letter in enumerate(ALPHABET)}
_WITH_MARK = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# The tones, in ICU's Vietnamese order: grave, hook above, tilde, acute, dot below.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# Primary weights by class: spaces < punctuation and symbols < digits < letters < anything else.
_SPACE, _PUNCT, _DIGIT, _LETTER_BASE, _OTHER = 0, 1 << 16, 2 << 16, 3 << 16, 4 << 16


def _primary(base: str) -> int:
    lower = base.lower()
    if lower in _LETTER:
        return _LETTER_BASE + _LETTER[lower]
    if base.isspace():
        return _SPACE
    if base.isdigit():
        return _DIGIT + (unicodedata.digit(base, 0))
    if unicodedata.category(base)[0] in "PSZ":
        return _PUNCT + ord(base)
    return _OTHER + ord(lower)


@lru_cache(maxsize=65536)
def vietnamese_sort_key(text: str | None) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """A key that sorts text in Vietnamese order, as PostgreSQL's ICU ``vi`` does:
    ``sorted(names, key=vietnamese_sort_key)``."""
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFD", text or ""):
        if unicodedata.combining(char):
            if not primary:
                continue
            if char in TONES:
                secondary[-1] = TONES[char]
                continue
            letter = _WITH_MARK.get((_base_of(primary[-1]), char))
            if letter is not None:
                primary[-1] = _LETTER_BASE + _LETTER[letter]
            continue  # other marks weigh nothing
        primary.append(_primary(char))
        secondary.append(0)
        tertiary.append(1 if char.isupper() else 0)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def _base_of(weight: int) -> str:
    index = weight - _LETTER_BASE
    return ALPHABET[index] if 0 <= index < len(ALPHABET) else ""


def sort_vietnamese(items, key=lambda item: item):
    """The items in Vietnamese order of ``key(item)`` (a new list)."""
    return sorted(items, key=lambda item: vietnamese_sort_key(key(item) or ""))


def compare(left: str | None, right: str | None) -> int:
    """-1, 0 or 1: SQLite's collation function."""
    a, b = vietnamese_sort_key(left or ""), vietnamese_sort_key(right or "")
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite learns ``vietnamese`` (a column declared with it
    cannot even be created without it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, compare)
