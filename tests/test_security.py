"""Login lockout, password rules, sessions, headers and CSRF."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests import factories
from unions.models import Role

pytestmark = pytest.mark.django_db

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

PASSWORD = factories.PASSWORD


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def attempt(client, username, password, address="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_five_failures_lock_the_username_even_with_the_right_password(client, lockout, staff):
    for _ in range(4):
        assert attempt(client, "staff", "sai-mat-khau").status_code == 200
    attempt(client, "staff", "sai-mat-khau")  # the fifth failure locks the username
    response = attempt(client, "staff", PASSWORD)
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    # Another address, or a forged X-Forwarded-For, changes nothing.
    assert attempt(Client(), "staff", PASSWORD, address="10.9.9.9", forwarded="1.2.3.4").status_code == 429


def test_lockout_of_one_username_does_not_lock_the_office(client, lockout, staff, leadership):
    for _ in range(5):
        attempt(client, "staff", "sai-mat-khau")
    response = attempt(client, "leader", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_lockout_ends_after_the_cool_off(client, lockout, settings, staff):
    import datetime

    from axes.models import AccessAttempt

    for _ in range(5):
        attempt(client, "staff", "sai-mat-khau")
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert attempt(client, "staff", PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["TienLang2024!", "congdoan@123A", "Hai-Phong-2022x"])
def test_passwords_built_on_local_words_are_refused(password):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any("không được chứa" in m for m in error.value.messages)


def test_a_strong_password_is_accepted():
    validate_password("Mây-trắng-bay-97-ngõ")


def test_signed_in_pages_and_downloads_are_not_cached(client, staff):
    client.force_login(staff)
    assert client.get("/").headers["Cache-Control"] == "no-store, private"
    assert "no-store" in client.get("/reports/quota.xlsx?year=2022").headers["Cache-Control"]


def test_content_security_policy_forbids_inline_scripts(client, staff):
    client.force_login(staff)
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    page = client.get("/candidates/new/").content.decode()
    assert "<script>" not in page and "onclick=" not in page


def test_session_ends_at_the_absolute_limit(client, settings, staff):
    from unions.middleware import SESSION_STARTED_KEY

    client.force_login(staff)
    assert client.get("/").status_code == 200
    session = client.session
    # Started on 01/01/2020, long past any absolute limit.
    session[SESSION_STARTED_KEY] = 1_577_836_800
    assert settings.SESSION_ABSOLUTE_SECONDS < 365 * 24 * 3600
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _expiry(session_key: str):
    from django.contrib.sessions.models import Session  # noqa: PLC0415

    return Session.objects.get(session_key=session_key).expire_date


def test_the_idle_limit_is_renewed_as_the_session_is_used_not_written_on_every_page(client, staff):
    from unions.middleware import SESSION_RENEWED_KEY  # noqa: PLC0415

    client.force_login(staff)
    assert client.get("/").status_code == 200
    key = client.session.session_key
    renewed = _expiry(key)
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/unions/").status_code == 200
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "django_session"')]
    assert _expiry(key) == renewed, "a page read within the interval does not write the session"

    # Renewed longer ago than SESSION_RENEW_SECONDS: the next page pushes the idle limit back.
    session = client.session
    session[SESSION_RENEWED_KEY] = session[SESSION_RENEWED_KEY] - settings.SESSION_RENEW_SECONDS - 1
    session.save()
    from django.contrib.sessions.models import Session  # noqa: PLC0415

    Session.objects.filter(session_key=key).update(expire_date=renewed - datetime.timedelta(minutes=5))
    assert client.get("/unions/").status_code == 200
    assert _expiry(key) >= renewed, "the idle limit counts again from this request"


def test_an_idle_session_ends_at_the_idle_limit(client, staff):
    client.force_login(staff)
    assert client.get("/").status_code == 200
    from django.contrib.sessions.models import Session  # noqa: PLC0415

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_deactivating_a_user_ends_their_sessions(client, staff):
    client.force_login(staff)
    assert client.get("/").status_code == 200
    staff.is_active = False
    staff.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_login_rotates_the_session_and_logout_is_server_side(staff):
    client = Client()
    # A visitor who already has a session (one an attacker may have planted) signs in.
    planted = client.session
    planted["planted"] = True
    planted.save()
    client.cookies["sessionid"] = planted.session_key
    response = client.post("/accounts/login/", {"username": "staff", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != planted.session_key
    assert not SessionStore().exists(planted.session_key), "the planted session is gone"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    stolen = Client()
    stolen.cookies["sessionid"] = after
    assert stolen.get("/").status_code == 302


def test_state_changes_need_the_csrf_token(staff, union_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post("/candidates/review/", {"selected": []})
    assert response.status_code == 403


def test_logout_by_get_is_refused(client, staff):
    client.force_login(staff)
    assert client.get("/accounts/logout/").status_code == 405


def test_chair_profile_role_is_what_the_dashboard_shows(client, union_a):
    chair = factories.make_user(Role.CHAIR, union=union_a, username="chair_x")
    client.force_login(chair)
    assert "Chủ tịch Công đoàn cơ sở" in client.get("/").content.decode()


def test_no_inline_styles_on_the_products_pages_and_the_policy_forbids_them(client, demo):
    client.force_login(factories.get_user("admin"))
    response = client.get("/")
    style_src = response.headers["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    assert "unsafe-inline" not in style_src
    for path in (
        "/",
        "/candidates/",
        "/candidates/new/",
        "/unions/",
        "/unions/enterprises/",
        "/classes/",
        "/reports/",
        "/reports/quota/?year=2022",
        "/candidates/people/",
        "/candidates/review/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'style="' not in page.content.decode(), path
    # Django's admin writes a few style attributes of its own: allowed there only.
    admin = client.get("/admin/")
    assert "unsafe-inline" in admin.headers["Content-Security-Policy"].split("style-src")[1].split(";")[0]
