"""Two-step sign-in for staff and administrators (TOTP), optional for everyone else."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA_ROLES = ["admin", "staff"]


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def sign_in(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_staff_password_alone_does_not_sign_in(client, required, staff):
    response = sign_in(client, "staff")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert client.get("/").status_code == 302  # still not signed in


def test_staff_sets_up_an_authenticator_then_signs_in(client, required, staff):
    sign_in(client, "staff")
    page = client.get("/accounts/login/code/").content.decode()
    assert "quét mã" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post("/accounts/login/code/", {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=staff).confirmed


def test_a_wrong_code_is_refused_with_a_message_and_attempts_are_limited(client, required, staff):
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    sign_in(client, "staff")
    page = client.post("/accounts/login/code/", {"token": "12345"}).content.decode()
    assert "Mã xác thực gồm 6 chữ số" in page
    for _ in range(5):
        response = client.post("/accounts/login/code/", {"token": "999999"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_chairs_sign_in_with_a_password_unless_they_chose_two_steps(client, required, chair_a):
    response = sign_in(client, "chair_a")
    assert response["Location"] == "/"
    client.post("/accounts/logout/")
    device = TOTPDevice.objects.create(user=chair_a, name="app", confirmed=True)
    assert sign_in(client, "chair_a")["Location"] == "/accounts/login/code/"
    assert client.post("/accounts/login/code/", {"token": code(device)})["Location"] == "/"


def test_the_code_page_without_a_password_step_goes_back_to_login(client, required):
    response = client.get("/accounts/login/code/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_production_default_requires_two_steps_for_staff_and_admin():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in {"REQUIRE_2FA_ROLES", "DEBUG"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.vn")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.REQUIRE_2FA_ROLES)",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**env, "DJANGO_SETTINGS_MODULE": "tienlang.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "['admin', 'staff']", result.stderr
