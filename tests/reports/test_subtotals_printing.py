"""The city's versions of the reports, with their subtotal rows, print as legibly as the district's:
A4, no overprinted words, nothing under 9.5 pt, the table's header and "Trang x/y" on every page."""

from __future__ import annotations

import shutil

import pytest

from reports.exports import KINDS
from tests.factories import get_user
from tests.reports.test_printing import check_printed, convert, read_pages, save_pictures
from tests.reports.test_subtotals import TIEN_LANG, VINH_BAO, vinh_bao_2022  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("soffice") is None or shutil.which("pdftotext") is None,
        reason="LibreOffice and poppler-utils are installed by make test",
    ),
]


def test_the_city_s_reports_with_subtotals_print_legibly_on_a4(client, vinh_bao_2022, tmp_path):  # noqa: F811
    client.force_login(get_user("canbo.thanhpho"))
    files = {}
    for kind in KINDS:
        year = 2026 if kind == "history" else 2022  # the multi-year report: both worlds
        response = client.get(f"/reports/{kind}.xlsx?year={year}")
        assert response.status_code == 200, kind
        files[kind] = tmp_path / f"city-{kind}.xlsx"
        files[kind].write_bytes(response.content)
    convert(list(files.values()), tmp_path)
    figures = {}
    for kind in KINDS:
        pdf = tmp_path / f"city-{kind}.pdf"
        figures[kind] = check_printed(pdf, f"city {kind}")
        text = " ".join(page.text() for page in read_pages(pdf))
        # The subtotal rows print, each federation named (words wrapped over lines are still words).
        for name in (TIEN_LANG, VINH_BAO):
            assert all(word in text for word in name.split()), (kind, name)
        save_pictures(pdf, f"city-{kind}")
    print("printed", figures)  # noqa: T201 - the figures for the record (pytest -s)
