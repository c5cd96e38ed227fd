"""Error pages are Vietnamese pages in the product's layout, never Django's English ones."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_404_for_a_signed_in_user_is_vietnamese_in_the_layout(client, staff):
    client.force_login(staff)
    response = client.get("/candidates/999999/")
    assert response.status_code == 404
    text = response.content.decode()
    assert 'lang="vi"' in text and "Không tìm thấy trang" in text and "Not Found" not in text
    assert "Tổng quan" in text, "the menu is there"


def test_403_is_vietnamese(client, chair_a):
    client.force_login(chair_a)
    response = client.get("/unions/areas/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


def test_500_is_vietnamese_and_says_nothing_was_half_saved(settings):
    from django.template.loader import render_to_string

    text = render_to_string("500.html")
    assert "Lỗi hệ thống" in text and "không có dữ liệu nào bị lưu dở" in text and 'lang="vi"' in text


def test_404_for_an_anonymous_visitor_goes_to_login_first():
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_filter_fields_and_the_dashboards_scroll_box_are_reachable(client, staff):
    client.force_login(staff)
    page = client.get("/unions/party-organizations/").content.decode()
    assert 'for="id_kind"' in page and 'id="id_kind"' in page, "the kind filter has its label bound"
    dashboard = client.get("/").content.decode()
    if "scroll-280" in dashboard:
        assert 'class="table-responsive scroll-280" tabindex="0" role="region"' in dashboard
