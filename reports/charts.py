"""Charts drawn as inline SVG on the server: no script, readable when printed."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def _fmt(value) -> str:
    return f"{int(value):,}".replace(",", ".")


def funnel_svg(steps) -> str:
    """Horizontal bars, one per step of the path (label, count)."""
    width, bar_h, gap, label_w = 640, 26, 8, 190
    top = max([count for _, _, count in steps] + [1])
    height = len(steps) * (bar_h + gap) + gap
    # The picture's text equivalent gives the figures it draws (a screen reader reads no bar).
    figures = "; ".join(f"{label}: {_fmt(count)}" for _name, label, count in steps)
    description = escape(_("Các bước của hồ sơ") + (f" — {figures}" if figures else ""))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="w-100" aria-label="{description}">'
    ]
    for index, (_name, label, count) in enumerate(steps):
        y = gap + index * (bar_h + gap)
        w = (width - label_w - 60) * count / top
        text_y = y + bar_h * 0.7
        opacity = 1 - index * 0.1
        parts.append(f'<text x="{label_w - 8}" y="{text_y}" text-anchor="end" font-size="13">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#8b1a1a" opacity="{opacity:.2f}"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{text_y}" font-size="13" font-weight="600">{_fmt(count)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _trend_description(rows) -> str:
    """The trend chart's figures in words: '2015: giới thiệu 612, kết nạp 540 (số liệu tổng hợp); …'."""
    years = []
    for row in rows:
        figures = [
            f"{word} {_fmt(value)}"
            for word, value in ((_("giới thiệu cho Đảng"), row.introduced), (_("kết nạp"), row.admitted))
            if value is not None
        ]
        aggregate = f" ({_('số liệu tổng hợp')})" if row.is_aggregate else ""
        years.append(f"{row.year}: {', '.join(figures) or '—'}{aggregate}")
    return _("Kết quả qua các năm") + " — " + "; ".join(years)


def trend_svg(rows) -> str:
    """Introduced and admitted per year since 2015; hatched bars mark typed-in aggregate years."""
    if not rows:
        return ""
    width, height, left, bottom, top_pad = 720, 260, 44, 36, 24
    top = max([(r.introduced or 0) for r in rows] + [(r.admitted or 0) for r in rows] + [1])
    slot = (width - left - 10) / len(rows)
    bar = slot * 0.36
    scale = (height - bottom - top_pad) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="w-100" '
        f'aria-label="{escape(_trend_description(rows))}">',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#e9b3b3"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#8b1a1a" stroke-width="2"/>'
        "</pattern></defs>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#555"/>',
    ]
    for index, row in enumerate(rows):
        x = left + index * slot + slot * 0.12
        for offset, value, fill in ((0, row.introduced, "#8b1a1a"), (bar, row.admitted, "#d4a017")):
            if value is None:
                continue
            h = value * scale
            colour = "url(#hatch)" if row.is_aggregate and offset == 0 else fill
            y = height - bottom - h
            parts.append(f'<rect x="{x + offset:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>')
            parts.append(
                f'<text x="{x + offset + bar / 2:.1f}" y="{height - bottom - h - 3:.1f}" font-size="10" '
                f'text-anchor="middle">{_fmt(value)}</text>'
            )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - bottom + 15}" font-size="12" text-anchor="middle">{row.label}</text>'
        )
    legend_y = height - 6
    parts.append(f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="#8b1a1a"/>')
    parts.append(f'<text x="{left + 14}" y="{legend_y}" font-size="11">Giới thiệu cho Đảng</text>')
    parts.append(f'<rect x="{left + 150}" y="{legend_y - 9}" width="10" height="10" fill="#d4a017"/>')
    parts.append(f'<text x="{left + 164}" y="{legend_y}" font-size="11">Kết nạp</text>')
    parts.append(f'<rect x="{left + 240}" y="{legend_y - 9}" width="10" height="10" fill="url(#hatch)"/>')
    parts.append(
        f'<text x="{left + 254}" y="{legend_y}" font-size="11">Số liệu tổng hợp (năm trước khi có hệ thống)</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def quota_svg(rows) -> str:
    """Quota against people introduced, one pair of horizontal bars per union, each union named
    beside its own bars (the report's workbook carries the figures; this is the picture)."""
    rows = [r for r in rows if r.quota or r.introduced]
    if not rows:
        return ""
    width, label_w, bar_h, gap = 880, 400, 9, 8
    top = max([max(r.quota or 0, r.introduced or 0) for r in rows] + [1])
    span = width - label_w - 50
    height = len(rows) * (2 * bar_h + gap) + gap + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="w-100" '
        f'aria-label="Chỉ tiêu và kết quả giới thiệu cho Đảng theo công đoàn" data-testid="quota-chart">'
    ]
    for index, row in enumerate(rows):
        y = gap + index * (2 * bar_h + gap)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h + 4}" text-anchor="end" font-size="11">{escape(row.name)}</text>'
        )
        for offset, value, fill in ((0, row.quota or 0, "#c9c9c9"), (bar_h, row.introduced or 0, "#8b1a1a")):
            w = span * value / top
            parts.append(
                f'<rect x="{label_w}" y="{y + offset}" width="{w:.1f}" height="{bar_h}" fill="{fill}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + offset + bar_h - 1}" font-size="9">{_fmt(value)}</text>'
            )
    legend_y = height - 6
    parts.append(f'<rect x="{label_w}" y="{legend_y - 9}" width="10" height="10" fill="#c9c9c9"/>')
    parts.append(f'<text x="{label_w + 14}" y="{legend_y}" font-size="11">Chỉ tiêu</text>')
    parts.append(f'<rect x="{label_w + 90}" y="{legend_y - 9}" width="10" height="10" fill="#8b1a1a"/>')
    parts.append(f'<text x="{label_w + 104}" y="{legend_y}" font-size="11">Đã giới thiệu cho Đảng</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
