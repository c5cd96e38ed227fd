"""The reports as the Party committee's office prints them: LibreOffice → PDF → A4 paper.

Each workbook is converted with LibreOffice and the printed page is read back word by word
(`pdftotext -bbox`, poppler): every page is A4, no two words overprint, no word prints
smaller than 9.5 pt high (the 9 pt text of the format, after fit-to-width scaling), every
page of a table carries the table's header and its page number. The pictures of the pages
go to test-artifacts/printed/ (`make screenshots` copies them into docs/screenshots/reports/).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from candidates.models import Introduction
from reports.exports import KINDS
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("soffice") is None or shutil.which("pdftotext") is None,
        reason="LibreOffice and poppler-utils are installed by make test",
    ),
]

PRINTED = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "printed"
A4 = (841.89, 595.28)
SMALLEST_WORD = 9.5  # points: the height of a word's box (≈ 1.3 × the printed font size)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def read_pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for match in PAGE.finditer(out):
        words = [Word(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in WORD.findall(match.group(3))]
        pages.append(Page(float(match.group(1)), float(match.group(2)), words))
    return pages


def overlaps(words: list[Word]) -> list[tuple[Word, Word]]:
    """Pairs of words printed over each other. The boxes of two lines of one wrapped cell
    touch by design (a box is taller than the line pitch): overprint is more than a third of
    the smaller box's height, over more than half a point of width."""
    found = []
    ordered = sorted(words, key=lambda w: w.x0)
    for index, a in enumerate(ordered):
        for b in ordered[index + 1 :]:
            if b.x0 >= a.x1 - 0.5:
                break
            across = min(a.x1, b.x1) - max(a.x0, b.x0)
            down = min(a.y1, b.y1) - max(a.y0, b.y0)
            if across > 0.5 and down > min(a.height, b.height) / 3:
                found.append((a, b))
    return found


def convert(files: list[Path], outdir: Path) -> None:
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{outdir}/libreoffice-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def sheet_pages(workbook_bytes: bytes) -> list[str]:
    """The table header texts of each sheet, in order (what every page of that sheet repeats)."""
    titles = []
    for sheet in openpyxl.load_workbook(io.BytesIO(workbook_bytes), read_only=True).worksheets:
        first = None
        for row in sheet.iter_rows(values_only=True):
            if row and row[0] == "(1)":
                first = row
                break
        titles.append(first)
    return titles


def check_printed(pdf: Path, kind: str) -> dict:
    """Assert the printed page's legibility; return the figures (pages, smallest word, overlaps)."""
    pages = read_pages(pdf)
    assert pages, kind
    smallest = min(w.height for page in pages for w in page.words)
    total = len(pages)
    overprinted = []
    for number, page in enumerate(pages, start=1):
        assert abs(page.width - A4[0]) < 1 and abs(page.height - A4[1]) < 1, f"{kind} page {number} is not A4"
        overprinted += overlaps(page.words)
        small = [w.text for w in page.words if w.height < SMALLEST_WORD]
        assert not small, f"{kind} page {number}: words printed under {SMALLEST_WORD} pt: {small[:10]}"
        text = page.text()
        # The column numbers (1) (2) … under the repeated header, and the page number.
        assert "(1)" in text and "(2)" in text, f"{kind} page {number} has no table header"
        assert f"Trang {number}/" in text, f"{kind} page {number} has no page number"
    assert not overprinted, f"{kind}: words printed over each other: {[(a.text, b.text) for a, b in overprinted[:5]]}"
    assert f"Trang {total}/{total}" in pages[-1].text()
    return {"pages": total, "smallest": round(smallest, 2), "overlaps": len(overprinted)}


def save_pictures(pdf: Path, name: str) -> None:
    PRINTED.mkdir(parents=True, exist_ok=True)
    for old in PRINTED.glob(f"{name}-*.png"):
        old.unlink()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "75", str(pdf), str(PRINTED / name)], check=True, timeout=120)


def test_every_demo_report_prints_legibly_on_a4(client, demo, tmp_path):
    committees = set(
        Introduction.objects.filter(nomination__year=2022).values_list("receiving_organization", flat=True)
    )
    assert len(committees) >= 2  # the demo introduces its 2022 learners to several commune committees
    client.force_login(factories.get_user("canbo"))
    files = {}
    for kind in KINDS:
        response = client.get(f"/reports/{kind}.xlsx?year=2022")
        assert response.status_code == 200, kind
        files[kind] = tmp_path / f"{kind}.xlsx"
        files[kind].write_bytes(response.content)
    convert(list(files.values()), tmp_path)
    figures = {}
    for kind in KINDS:
        pdf = tmp_path / f"{kind}.pdf"
        figures[kind] = check_printed(pdf, kind)
        save_pictures(pdf, kind)
    # The introductions: one sheet, "Kính gửi" and list per receiving committee.
    workbook = openpyxl.load_workbook(files["introductions"])
    assert len(workbook.worksheets) == len(committees)
    print("printed", figures)  # noqa: T201 - the figures for the record (pytest -s)


def test_the_quota_report_of_thousands_of_unions_prints_legibly(client, demo, tmp_path):
    from reports.models import UnionQuota
    from unions.models import Enterprise, GrassrootsUnion

    model = GrassrootsUnion.objects.filter(code="CD-SUNVIGO").select_related("enterprise").get()
    enterprise, federation = model.enterprise, model.federation
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                federation=federation,
                commune=enterprise.commune,
                name=f"Công ty Cổ phần Sản xuất và Thương mại Thử Nghiệm Quy Mô {n:04d}",
                tax_code=f"08{n:08d}",
                ownership=enterprise.ownership,
                workers=100,
            )
            for n in range(2500)
        ]
    )
    unions = GrassrootsUnion.objects.bulk_create(
        [
            GrassrootsUnion(
                federation=federation, enterprise=e, code=f"CD-QM{n:04d}", name=f"Công đoàn {e.name}", members=80
            )
            for n, e in enumerate(enterprises)
        ]
    )
    UnionQuota.objects.bulk_create([UnionQuota(union=u, year=2022, introduce=2) for u in unions])
    client.force_login(factories.get_user("canbo"))
    path = tmp_path / "quota-large.xlsx"
    path.write_bytes(client.get("/reports/quota.xlsx?year=2022").content)
    convert([path], tmp_path)
    figures = check_printed(tmp_path / "quota-large.pdf", "quota (2,534 unions)")
    assert figures["pages"] > 100
    print("printed at scale", figures)  # noqa: T201
