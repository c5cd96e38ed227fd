"""Deny by default: anonymous visitors reach nothing but login, /healthz and static files."""

from __future__ import annotations

import pytest

from tests.urls_sweep import sample_urls

PUBLIC = {"login", "healthz"}


def _login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_sweep_finds_every_app():
    names = {u.name for u in sample_urls()}
    assert {"dashboard", "unions:union_list", "unions:enterprise_detail", "admin:index"} <= names
    assert len(names) > 30  # admin patterns included


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_redirects_anonymous_users_to_login(client, method):
    failures = []
    for url in sample_urls():
        if url.name in PUBLIC:
            continue
        response = getattr(client, method)(url.path)
        if not _login_redirect(response):
            failures.append(f"{method.upper()} {url.path} ({url.name}) → {response.status_code}")
    assert failures == []


@pytest.mark.django_db
def test_login_page_is_public_and_vietnamese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đăng nhập" in text and "Tên đăng nhập" in text and "Mật khẩu" in text


@pytest.mark.django_db
def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_static_files_are_public(client, live_server):
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/static/vendor/bootstrap-5.3.8/bootstrap.min.css") as response:
        assert response.status == 200
        assert b"Bootstrap" in response.read(400)


@pytest.mark.django_db
def test_admin_sends_anonymous_users_to_the_login_page(client):
    response = client.get("/admin/")
    assert _login_redirect(response)
    assert "next=/admin/" in response["Location"]
