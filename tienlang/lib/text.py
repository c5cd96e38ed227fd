"""Text helpers shared by models, imports and search."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they
# change the order in which the text around them is shown, so a name could display differently
# from what is stored, or hide part of itself. With them the bidi marks (U+200E, U+200F, U+061C).
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C))

# Every Unicode format character (category Cf): they show nothing, or not as themselves. The
# bidi controls, zero-width space and joiners, word joiner, byte order mark, soft hyphen, and
# the rarer ones of other scripts. No name, address or note in Vietnamese needs any of them.
INVISIBLE_RE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def strip_invisible(value: object) -> str:
    """The text without invisible format characters; spaces and line breaks are kept."""
    if value is None:
        return ""
    text = str(value)
    return text if text.isascii() else INVISIBLE_RE.sub("", text)


def clean_text(value: object) -> str:
    """Unicode NFC without invisible characters, surrounding and repeated inner spaces removed."""
    if value is None:
        return ""
    # Strip first: a control between a letter and its accent would otherwise keep them apart.
    text = unicodedata.normalize("NFC", strip_invisible(value))
    return " ".join(text.split())


def fold(value: object) -> str:
    """Lower case without accents, đ→d: "Đặng Thị Ánh" → "dang thi anh".

    Search compares folded text on both sides, so it ignores case and accents
    identically on SQLite and PostgreSQL.
    """
    text = unicodedata.normalize("NFD", clean_text(value).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.replace("đ", "d").replace("Đ", "d")
