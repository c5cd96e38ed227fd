"""The admin index names every app and model in Vietnamese, third-party ones included."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

ENGLISH = ["Axes", "AXES", "Otp_Totp", "OTP_TOTP", "Access attempts", "Access logs", "Access failures", "TOTP devices"]
ENGLISH += ["Candidates", "Classes", "Reports", "Admission", "Unions", "Authentication", "Groups", "Users"]


def test_admin_index_has_no_english_app_or_model_label(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    labels = [app["name"] for app in response.context["app_list"]]
    labels += [model["name"] for app in response.context["app_list"] for model in app["models"]]
    assert len(labels) > 10
    # Every Vietnamese label of these has a letter with a diacritic; an English one has none.
    assert [str(label) for label in labels if str(label).isascii()] == []
    html = response.content.decode()
    assert [word for word in ENGLISH if re.search(rf">\s*{re.escape(word)}\s*<", html)] == []
    assert 'lang="vi"' in html


def test_third_party_app_page_is_vietnamese(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/axes/").content.decode()
    assert "Đăng nhập sai và khóa tài khoản" in html and "Access attempts" not in html
    html = client.get("/admin/otp_totp/").content.decode()
    assert "Ứng dụng xác thực (TOTP)" in html and "TOTP devices" not in html
