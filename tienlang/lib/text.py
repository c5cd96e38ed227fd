"""Text helpers shared by models, imports and search."""

from __future__ import annotations

import unicodedata


def clean_text(value: object) -> str:
    """Unicode NFC with surrounding and repeated inner spaces removed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.split())


def fold(value: object) -> str:
    """Lower case without accents, đ→d: "Đặng Thị Ánh" → "dang thi anh".

    Search compares folded text on both sides, so it ignores case and accents
    identically on SQLite and PostgreSQL.
    """
    text = unicodedata.normalize("NFD", clean_text(value).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.replace("đ", "d").replace("Đ", "d")
