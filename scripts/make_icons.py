"""Draw the home-screen icons of the web app manifest (static/icons/*.png).

A gold five-pointed star on the product's dark red, full bleed (so a launcher may mask it to
a circle or a rounded square: the star stays inside the central safe zone). Pure Python (zlib
and struct), so it needs nothing installed:

    python scripts/make_icons.py
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
RED = (139, 26, 26)
GOLD = (255, 205, 0)
SIZES = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180, "favicon-32.png": 32}
SAMPLES = 3  # per axis: 9 samples a pixel smooth the star's edges


def star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    hit = False
    j = len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def draw(size: int) -> bytes:
    polygon = star(size / 2, size * 0.53, size * 0.33)
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter type: none
        for px in range(size):
            cover = sum(
                inside(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES, polygon)
                for sx in range(SAMPLES)
                for sy in range(SAMPLES)
            ) / (SAMPLES * SAMPLES)
            row.extend(round(r * (1 - cover) + g * cover) for r, g in zip(RED, GOLD, strict=True))
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size in SIZES.items():
        (OUT / name).write_bytes(draw(size))
        print(OUT / name)


if __name__ == "__main__":
    main()
