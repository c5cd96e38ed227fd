"""Empty lists say what is missing and offer the button that adds it; the home-screen manifest."""

from __future__ import annotations

import json
import struct

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def empty_state(text: str) -> str:
    assert 'data-testid="empty-state"' in text
    return text.split('data-testid="empty-state"', 1)[1].split("</td>", 1)[0]


@pytest.mark.parametrize(
    "url, says, button",
    [
        ("/candidates/", "Chưa có hồ sơ nguồn nào", "/candidates/new/"),
        ("/classes/", "Chưa có lớp bồi dưỡng nhận thức về Đảng nào", "/classes/new/"),
        ("/unions/enterprises/", "Chưa có doanh nghiệp nào", "/unions/enterprises/add/"),
        ("/classes/policies/", "Chưa có chế độ hỗ trợ nào", "/classes/policies/new/"),
        ("/candidates/review/", "Không có hồ sơ nào chờ duyệt", "/candidates/?status=approved"),
        ("/candidates/transfers/", "Chưa có đề nghị chuyển nào", "/candidates/new/"),
    ],
)
def test_an_empty_list_says_what_is_missing_and_offers_the_button_that_adds_it(client, staff, url, says, button):
    client.force_login(staff)
    box = empty_state(client.get(url).content.decode())
    assert says in box and f'href="{button}"' in box


def test_a_filter_that_matches_nothing_offers_to_clear_it(client, staff, union_a):
    from tests.factories import make_nomination

    make_nomination(union=union_a, user=staff, full_name="Lương Thị Có Hồ Sơ")
    client.force_login(staff)
    box = empty_state(client.get("/candidates/", {"status": "official"}).content.decode())
    assert "Không có dòng nào khớp với bộ lọc" in box and 'href="/candidates/"' in box


def test_a_chair_with_no_nominations_is_offered_to_nominate(client, chair_a):
    client.force_login(chair_a)
    box = empty_state(client.get("/candidates/").content.decode())
    assert 'href="/candidates/new/"' in box


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_pages_link_a_web_app_manifest_with_icons_and_no_service_worker(client, staff):
    client.force_login(staff)
    text = client.get("/").content.decode()
    assert 'rel="manifest"' in text and "manifest.webmanifest" in text and 'rel="apple-touch-icon"' in text
    assert "serviceWorker" not in text
    manifest = json.loads(open(finders.find("manifest.webmanifest"), encoding="utf-8").read())
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone" and manifest["lang"] == "vi"
    for icon in manifest["icons"]:
        width, height = (int(n) for n in icon["sizes"].split("x"))
        with open(finders.find(icon["src"]), "rb") as image:
            assert png_size(image.read()) == (width, height)
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
