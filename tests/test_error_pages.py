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


def test_the_demo_shows_the_products_pages_not_djangos_debug_pages(client, staff, settings):
    """`make run` serves the demo with DEBUG on: still no technical page listing the URL patterns."""
    settings.DEBUG = True
    client.force_login(staff)
    for address in ("/khong-co-trang-nay/", "/candidates/99999999/"):
        response = client.get(address)
        text = response.content.decode()
        assert response.status_code == 404, address
        assert '<html lang="vi">' in text and "URLconf" not in text and "Page not found" not in text, address
    # Without the final slash, APPEND_SLASH sends it to the address above first.
    assert client.get("/khong-co-trang-nay").status_code == 301


def test_an_unexpected_error_in_the_demo_is_the_products_500_page(rf, staff, settings):
    from tienlang.errors import ProductErrorPagesMiddleware

    settings.DEBUG = True
    request = rf.get("/candidates/")
    request.user = staff
    response = ProductErrorPagesMiddleware(lambda r: None).process_exception(request, RuntimeError("hỏng"))
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()
    settings.DEBUG_TECHNICAL_PAGES = True  # a developer asks for Django's own pages
    assert ProductErrorPagesMiddleware(lambda r: None).process_exception(request, RuntimeError("hỏng")) is None
