"""How wide a text prints in Times New Roman, and how many lines it wraps to in a column.

Excel and LibreOffice do not grow a row to fit its wrapped text when the file says nothing,
so the report writer computes every row's height itself. The advance widths come from
Liberation Serif (metric-compatible with Times New Roman: the same widths glyph by glyph),
read from its TrueType file (`cmap` and `hmtx` tables) when one is installed; otherwise a
per-character estimate that errs on the wide side is used, so a row may come out a little
tall but never too short.
"""

from __future__ import annotations

import functools
import struct
import unicodedata
from pathlib import Path

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/msttcorefonts"),
    Path("/usr/share/fonts/TTF"),
]
FILES = {
    (False, False): ("LiberationSerif-Regular.ttf", "Times_New_Roman.ttf", "times.ttf"),
    (True, False): ("LiberationSerif-Bold.ttf", "Times_New_Roman_Bold.ttf", "timesbd.ttf"),
    (False, True): ("LiberationSerif-Italic.ttf", "Times_New_Roman_Italic.ttf", "timesi.ttf"),
    (True, True): ("LiberationSerif-BoldItalic.ttf", "Times_New_Roman_Bold_Italic.ttf", "timesbi.ttf"),
}
# Line pitch of wrapped text as LibreOffice and Excel print Times New Roman, in ems.
LINE_PITCH = 1.15
# The estimate when no font file is found: Times New Roman's widest common letters.
FALLBACK_EM = {"narrow": 0.30, "upper": 0.72, "lower": 0.52, "digit": 0.5, "space": 0.25}


class _Font:
    """Advance widths of one TrueType font, in ems, by character."""

    def __init__(self, data: bytes):
        tables = {}
        (count,) = struct.unpack(">H", data[4:6])
        for index in range(count):
            tag, _checksum, offset, length = struct.unpack(">4sIII", data[12 + 16 * index : 28 + 16 * index])
            tables[tag.decode("latin-1")] = (offset, length)
        head = tables["head"][0]
        self.units = struct.unpack(">H", data[head + 18 : head + 20])[0]
        hhea = tables["hhea"][0]
        metrics = struct.unpack(">H", data[hhea + 34 : hhea + 36])[0]
        hmtx = tables["hmtx"][0]
        self.advances = [struct.unpack(">H", data[hmtx + 4 * i : hmtx + 4 * i + 2])[0] for i in range(metrics)]
        self.glyphs = _cmap(data, tables["cmap"][0])

    def width(self, char: str) -> float | None:
        glyph = self.glyphs.get(ord(char))
        if glyph is None:
            return None
        return self.advances[min(glyph, len(self.advances) - 1)] / self.units


def _cmap(data: bytes, base: int) -> dict[int, int]:
    """Character → glyph from the Unicode BMP subtable (format 4) of a `cmap` table."""
    (count,) = struct.unpack(">H", data[base + 2 : base + 4])
    for index in range(count):
        platform, encoding, offset = struct.unpack(">HHI", data[base + 4 + 8 * index : base + 12 + 8 * index])
        start = base + offset
        if (platform, encoding) in ((3, 1), (0, 3)) and struct.unpack(">H", data[start : start + 2])[0] == 4:
            return _format4(data, start)
    return {}


def _format4(data: bytes, start: int) -> dict[int, int]:
    segments = struct.unpack(">H", data[start + 6 : start + 8])[0] // 2
    ends_at = start + 14
    starts_at = ends_at + 2 * segments + 2
    deltas_at = starts_at + 2 * segments
    ranges_at = deltas_at + 2 * segments
    mapping = {}
    for seg in range(segments):
        end = struct.unpack(">H", data[ends_at + 2 * seg : ends_at + 2 * seg + 2])[0]
        first = struct.unpack(">H", data[starts_at + 2 * seg : starts_at + 2 * seg + 2])[0]
        delta = struct.unpack(">h", data[deltas_at + 2 * seg : deltas_at + 2 * seg + 2])[0]
        range_offset = struct.unpack(">H", data[ranges_at + 2 * seg : ranges_at + 2 * seg + 2])[0]
        for code in range(first, min(end, 0xFFFE) + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = ranges_at + 2 * seg + range_offset + 2 * (code - first)
                glyph = struct.unpack(">H", data[at : at + 2])[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                mapping[code] = glyph
    return mapping


@functools.cache
def _font(bold: bool, italic: bool) -> _Font | None:
    for folder in FONT_DIRS:
        for name in FILES[(bold, italic)]:
            path = folder / name
            if path.is_file():
                try:
                    return _Font(path.read_bytes())
                except (struct.error, KeyError, IndexError):
                    continue
    return None


def _estimate(char: str) -> float:
    base = unicodedata.normalize("NFD", char)[:1] or char
    if base == " ":
        return FALLBACK_EM["space"]
    if base in "iljtfrI.,;:'!|()-":
        return FALLBACK_EM["narrow"]
    if base.isdigit():
        return FALLBACK_EM["digit"]
    if base.isupper() or base in "mwMW":
        return FALLBACK_EM["upper"]
    return FALLBACK_EM["lower"]


class _Advances(dict):
    """Each character's advance in the font (in ems), filled as characters are met."""

    def __init__(self, bold: bool, italic: bool):
        super().__init__()
        self.bold, self.italic = bold, italic

    def __missing__(self, char: str) -> float:
        width = self[char] = _advance(char, self.bold, self.italic)
        return width


@functools.cache
def _advances(bold: bool, italic: bool) -> _Advances:
    return _Advances(bold, italic)


def _advance(char: str, bold: bool, italic: bool) -> float:
    font = _font(bold, italic)
    width = font.width(char) if font is not None else None
    return _estimate(char) if width is None else width


@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: float = 12, bold: bool = False, italic: bool = False) -> float:
    """The printed width of `text` on one line, in points."""
    advances = _advances(bold, italic)
    total = 0.0
    for char in text:
        width = advances.get(char)
        if width is None:
            width = advances[char] = _advance(char, bold, italic)
        total += width
    return total * size


# How much narrower than its cell a line must be to fit without being wrapped word by word
# (the widths summed per character and per word differ in the last digits).
FITS_MARGIN = 1e-6


def wrapped_lines(text: str, width: float, size: float = 12, bold: bool = False, italic: bool = False) -> int:
    """How many lines `text` takes in a cell `width` points wide, wrapped at spaces (then inside words).

    A text on one line with ASCII spaces only (most names in a table: nine union names in ten)
    is measured in one pass, as it fits; the rest are wrapped word by word (`_wrapped_lines`).
    """
    if fits_on_one_line(text, width, size, bold, italic):
        return 1
    return _wrapped_lines(text, width, size, bold, italic)


def fits_on_one_line(text: str, width: float, size: float = 12, bold: bool = False, italic: bool = False) -> bool:
    """Whether `text`, with ASCII spaces only, fits in a cell `width` points wide as it is (one
    pass over its characters; when it does, `wrapped_lines` finds one line too)."""
    if type(text) is str and text.isprintable():  # no line break, tab or other space than " "
        return sum(map(_advances(bold, italic).__getitem__, text)) * size < width - FITS_MARGIN
    return False


def wrapped_lines_word_by_word(
    text: str, width: float, size: float = 12, bold: bool = False, italic: bool = False
) -> int:
    """`wrapped_lines` without the one-pass check, for texts that mostly wrap."""
    return _wrapped_lines(text, width, size, bold, italic)


@functools.lru_cache(maxsize=4096)
def _wrapped_lines(text: str, width: float, size: float, bold: bool, italic: bool) -> int:
    """Kept for the last 4,096 texts and widths asked (under a megabyte): a long list repeats the
    same union, class and status names on row after row, and a row's height is asked once per row.
    """
    lines = 0
    space = text_width(" ", size, bold, italic)
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            word_width = text_width(word, size, bold, italic)
            if used and used + space + word_width <= width:
                used += space + word_width
                continue
            if used:
                lines += 1
            # A word longer than the cell breaks where it reaches the edge.
            while word_width > width > 0:
                lines += 1
                word_width -= width
            used = word_width
    return max(lines, 1)


def line_height(size: float) -> float:
    return size * LINE_PITCH
