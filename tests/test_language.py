"""A page says the language its content is in: Vietnamese, whatever the browser asks for; only the
user's own choice in the language switch (and a compiled translation) gives another language."""

from __future__ import annotations

import pytest
from django.conf import settings


def test_only_languages_with_a_compiled_translation_are_offered():
    offered = {code for code, _name in settings.LANGUAGES}
    assert "vi" in offered
    for code in offered - {"vi"}:
        assert (settings.LOCALE_PATHS[0] / code / "LC_MESSAGES" / "django.mo").is_file(), code


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "en", "fr-FR,fr;q=0.8", ""])
def test_login_page_is_vietnamese_and_says_so_whatever_the_browser_asks(client, accept):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get("/accounts/login/", **headers)
    text = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in text
    # Django's own labels of the login form, in Vietnamese too.
    assert "Tên đăng nhập" in text and "Mật khẩu" in text
    assert "Username" not in text and "Password" not in text
    assert response.headers["Content-Language"] == "vi"
