"""The guide of each role, in the product under "Hướng dẫn", from docs/guide/*.md."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["chu-tich", "can-bo", "lanh-dao", "cap-uy"]


def test_menu_links_to_the_guide_and_marks_the_users_own_role(client, chair_a):
    client.force_login(chair_a)
    assert 'href="/guide/"' in client.get("/").content.decode()
    page = client.get("/guide/").content.decode()
    for slug in PAGES:
        assert f'href="/guide/{slug}/"' in page
    assert "vai trò của đồng chí" in page


@pytest.mark.parametrize("slug", PAGES)
def test_each_role_guide_renders_from_its_markdown(client, staff, slug):
    client.force_login(staff)
    response = client.get(f"/guide/{slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Hướng dẫn cho" in body and "<h2>1. " in body
    # Pictures come from the product, not from a relative path of the docs.
    assert 'src="img/' not in body
    for src in __import__("re").findall(r'src="(/guide/img/[^"]+)"', body):
        assert client.get(src).status_code == 200, src


def test_unknown_page_or_picture_is_404(client, staff):
    client.force_login(staff)
    assert client.get("/guide/khong-co/").status_code == 404
    # No page has this address: APPEND_SLASH sends it to ".../settings.py/", the product's 404 page.
    assert client.get("/guide/img/..%2Fsettings.py", follow=True).status_code == 404
    assert client.get("/guide/img/khong-co.png").status_code == 404


def test_guide_needs_sign_in(client):
    response = client.get("/guide/can-bo/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
