"""One set of words: the class, the records, statuses, roles, reports, and the header's brand."""

from __future__ import annotations

from pathlib import Path

import pytest

from candidates.models import Status
from reports.exports import TITLES
from tests.factories import get_user
from tienlang.lib import glossary
from unions.models import Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_statuses_roles_and_report_titles_come_from_the_glossary():
    assert {s.value: str(s.label) for s in Status} == {k: str(v) for k, v in glossary.STATUS.items()}
    assert {r.value: str(r.label) for r in Role} == {k: str(v) for k, v in glossary.ROLE.items()}
    assert TITLES is glossary.REPORT_TITLES


def test_no_screen_calls_the_class_by_another_name():
    sources = list((ROOT / "templates").rglob("*.html")) + [
        p for app in ("unions", "candidates", "classes", "admission", "reports") for p in (ROOT / app).rglob("*.py")
    ]
    offenders = [
        str(p.relative_to(ROOT))
        for p in sources
        if "migrations" not in p.parts and "tìm hiểu về Đảng" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_party_viewer_menu_and_page_say_the_same_and_the_brand_names_the_federation(client, demo):
    client.force_login(get_user("huyenuy"))
    text = client.get("/candidates/").content.decode()
    assert text.count("Người được giới thiệu cho Đảng") >= 2  # menu and title
    assert "Hồ sơ nguồn phát triển Đảng" not in text
    client.force_login(get_user("chutich.sunvigo"))
    text = client.get("/candidates/new/").content.decode()
    assert "Giới thiệu đoàn viên đi học lớp bồi dưỡng nhận thức về Đảng" in text
    brand = text.split('data-testid="brand"')[1].split("</a>")[0]
    federation = get_user("chutich.sunvigo").profile.union.federation  # since 01/07/2025 a commune-level union
    assert (
        (federation.short_name or federation.name) in brand and "Phát triển đảng viên" in brand and "PTĐV" not in brand
    )
