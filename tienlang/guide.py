"""The guide of each role ("Hướng dẫn"), rendered from docs/guide/*.md, the same text as the docs.

The Markdown is rendered without raw HTML (CommonMark, ``html`` off), so the pages carry only what
Markdown makes; the pictures come from docs/guide/img/, made by tests/browser/test_guide.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"

# slug → (title, role it is written for)
PAGES = {
    "chu-tich": (_("Chủ tịch Công đoàn cơ sở"), "chair"),
    "can-bo": (_("Cán bộ LĐLĐ huyện"), "staff"),
    "lanh-dao": (_("Lãnh đạo LĐLĐ huyện"), "leadership"),
    "cap-uy": (_("Cấp ủy Đảng"), "party_viewer"),
}
IMAGE_RE = re.compile(r"^[a-z0-9-]+\.png$")


@lru_cache(maxsize=8)
def _rendered(slug: str, mtime: float) -> str:
    html = MarkdownIt("commonmark", {"html": False}).render((GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8"))
    image_base = reverse("guide_image", args=["x.png"])[: -len("x.png")]
    html = html.replace('src="img/', f'src="{image_base}').replace("<img ", '<img class="img-fluid border rounded" ')
    for other in PAGES:
        html = html.replace(f'href="{other}.md"', f'href="{reverse("guide_page", args=[other])}"')
    return html


def guide_index(request):
    role = getattr(getattr(request.user, "profile", None), "role", None)
    pages = [(slug, title, own == role) for slug, (title, own) in PAGES.items()]
    return render(request, "guide/index.html", {"pages": pages, "breadcrumbs": [(_("Hướng dẫn"), None)]})


def guide_page(request, slug: str):
    if slug not in PAGES:
        raise Http404
    path = GUIDE_DIR / f"{slug}.md"
    context = {
        "title": PAGES[slug][0],
        "body": mark_safe(_rendered(slug, path.stat().st_mtime)),  # noqa: S308 - Markdown without raw HTML
        "pages": [(s, t, s == slug) for s, (t, _own) in PAGES.items()],
        "breadcrumbs": [(_("Hướng dẫn"), "guide_index"), (PAGES[slug][0], None)],
    }
    return render(request, "guide/page.html", context)


def guide_image(request, name: str):
    path = GUIDE_DIR / "img" / name
    if not IMAGE_RE.match(name) or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
