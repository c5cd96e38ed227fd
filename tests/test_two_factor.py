"""Two-step sign-in (TOTP): required by role, set up only with an enrolment code an administrator issues."""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from unions.models import AccessLog, EnrolmentCode
from unions.twofactor import device_secret, issue_enrolment_code

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
CODE_PAGE = "/accounts/login/code/"
ENROL_PAGE = "/accounts/login/enrol/"


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA_ROLES = ["admin", "staff", "leadership"]


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def sign_in(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def shows_a_secret(page: str) -> bool:
    return any(mark in page for mark in ("otpauth://", 'data-testid="otp-qr"', 'data-testid="otp-secret"', "<svg"))


def enter_enrolment_code(client, value):
    return client.post(ENROL_PAGE, {"code": value}, follow=True).content.decode()


def enrol(client, user, enrolment_code):
    """Password, enrolment code, then a code from the new authenticator; returns the new device."""
    sign_in(client, user.get_username())
    page = enter_enrolment_code(client, enrolment_code)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert device_secret(device) in page
    response = client.post(ENROL_PAGE, {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    return device


# --- the password alone ------------------------------------------------------------------


def test_staff_password_alone_does_not_sign_in(client, required, staff):
    response = sign_in(client, "staff")
    assert response.status_code == 302 and response["Location"] == CODE_PAGE
    assert client.get("/").status_code == 302  # still not signed in


def test_the_password_alone_never_shows_the_secret_or_the_qr_code(client, required, staff):
    leftover = TOTPDevice.objects.create(user=staff, name="app", confirmed=False)  # from an unfinished set-up
    sign_in(client, "staff")
    response = client.get(CODE_PAGE, follow=True)
    assert response.redirect_chain[-1][0] == ENROL_PAGE
    pages = [response.content.decode(), client.get(ENROL_PAGE).content.decode()]
    pages.append(client.post(CODE_PAGE, {"token": code(leftover)}, follow=True).content.decode())
    pages.append(client.post(ENROL_PAGE, {"token": code(leftover)}, follow=True).content.decode())
    for page in pages:
        assert not shows_a_secret(page)
        assert device_secret(leftover) not in page
    assert "mã đăng ký" in pages[0]
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_without_an_enrolment_code_the_user_is_told_to_ask_an_administrator(client, required, staff):
    sign_in(client, "staff")
    page = enter_enrolment_code(client, "ABCD-EFGH-JKLM")
    assert "chưa được cấp mã đăng ký" in page and not shows_a_secret(page)


# --- enrolment with a code ---------------------------------------------------------------


def test_a_valid_enrolment_code_shows_the_secret_and_a_totp_token_confirms_the_device(client, required, staff):
    enrolment_code = issue_enrolment_code(staff)
    sign_in(client, "staff")
    assert client.get(CODE_PAGE)["Location"] == ENROL_PAGE
    page = enter_enrolment_code(client, enrolment_code.lower().replace("-", " "))  # typed loosely
    assert "quét mã" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert device_secret(device) in page
    assert client.get("/").status_code == 302  # not signed in before the token
    response = client.post(ENROL_PAGE, {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=staff).confirmed
    record = EnrolmentCode.objects.get(user=staff)
    assert record.used_at is not None
    actions = set(AccessLog.objects.filter(user=staff).values_list("action", flat=True))
    assert {"enrol_used", "enrolled", "login"} <= actions


def test_a_wrong_token_does_not_confirm_the_new_device(client, required, staff):
    sign_in(client, "staff")
    enter_enrolment_code(client, issue_enrolment_code(staff))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = "000000" if code(device) != "000000" else "111111"
    page = client.post(ENROL_PAGE, {"token": wrong}).content.decode()
    assert "Mã xác thực không đúng" in page and device_secret(device) in page
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_a_used_code_is_refused(client, required, staff):
    enrolment_code = issue_enrolment_code(staff)
    enrol(client, staff, enrolment_code)
    client.post("/accounts/logout/")
    sign_in(client, "staff")
    page = enter_enrolment_code(client, enrolment_code)
    assert "đã được dùng" in page and not shows_a_secret(page)
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_an_expired_code_is_refused(client, required, staff):
    enrolment_code = issue_enrolment_code(staff)
    EnrolmentCode.objects.filter(user=staff).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    sign_in(client, "staff")
    page = enter_enrolment_code(client, enrolment_code)
    assert "đã hết hạn" in page and not shows_a_secret(page)
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_codes_are_valid_for_72_hours_by_default(staff):
    issue_enrolment_code(staff)
    record = EnrolmentCode.objects.get(user=staff)
    assert record.expires_at - record.issued_at == datetime.timedelta(hours=72)


def test_another_users_code_is_refused(client, required, staff, leadership):
    theirs = issue_enrolment_code(leadership)
    sign_in(client, "staff")
    page = enter_enrolment_code(client, theirs)
    assert "chưa được cấp mã đăng ký" in page and not shows_a_secret(page)
    issue_enrolment_code(staff)
    page = enter_enrolment_code(client, theirs)
    assert "Mã đăng ký không đúng" in page and not shows_a_secret(page)
    assert EnrolmentCode.objects.get(user=staff).attempts == 1
    assert EnrolmentCode.objects.get(user=leadership).attempts == 0
    assert not TOTPDevice.objects.exists()


def test_wrong_enrolment_codes_are_counted_and_the_fifth_voids_the_code(client, required, staff):
    enrolment_code = issue_enrolment_code(staff)
    sign_in(client, "staff")
    for tries in range(1, 4):
        page = enter_enrolment_code(client, "ABCD-EFGH-JKLM")
        assert f"còn {5 - tries} lần" in page
    # A new sign-in does not reset the count: it is kept with the code.
    client.post("/accounts/logout/")
    sign_in(client, "staff")
    enter_enrolment_code(client, "ABCD-EFGH-JKLM")
    page = enter_enrolment_code(client, "ABCD-EFGH-JKLM")
    assert "mã đã bị hủy" in page
    record = EnrolmentCode.objects.get(user=staff)
    assert record.attempts == 5 and record.revoked_at is not None
    sign_in(client, "staff")
    page = enter_enrolment_code(client, enrolment_code)
    assert "đã bị hủy" in page and not shows_a_secret(page)
    # Every refusal is recorded: five wrong codes, then the void one.
    assert AccessLog.objects.filter(action="enrol_failed", user=staff).count() == 6


def test_issuing_a_new_code_voids_the_previous_one(client, required, staff):
    first = issue_enrolment_code(staff)
    second = issue_enrolment_code(staff)
    assert first != second
    sign_in(client, "staff")
    page = enter_enrolment_code(client, first)
    assert "Mã đăng ký không đúng" in page and not shows_a_secret(page)
    page = enter_enrolment_code(client, second)
    assert "<svg" in page


def test_a_new_code_replaces_the_lost_device_once_the_new_one_is_confirmed(client, required, staff):
    lost = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    enrolment_code = issue_enrolment_code(staff)
    sign_in(client, "staff")
    page = client.get(CODE_PAGE).content.decode()
    assert ENROL_PAGE in page and not shows_a_secret(page)  # the way to set up a new phone
    enter_enrolment_code(client, enrolment_code)
    assert TOTPDevice.objects.filter(pk=lost.pk, confirmed=True).exists()  # until the new one is confirmed
    new = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert client.post(ENROL_PAGE, {"token": code(new)})["Location"] == "/"
    assert list(TOTPDevice.objects.filter(user=staff)) == [new]
    new.refresh_from_db()
    assert new.confirmed


def test_a_chair_given_a_code_is_asked_to_set_up_an_authenticator(client, required, chair_a):
    enrolment_code = issue_enrolment_code(chair_a)
    assert sign_in(client, "chair_a")["Location"] == CODE_PAGE
    enrol(client, chair_a, enrolment_code)
    assert client.get("/").status_code == 200


# --- signing in with an authenticator ----------------------------------------------------


def test_a_wrong_code_is_refused_with_a_message_and_attempts_are_limited(client, required, staff):
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    sign_in(client, "staff")
    page = client.post(CODE_PAGE, {"token": "12345"}).content.decode()
    assert "Mã xác thực gồm 6 chữ số" in page
    for _ in range(5):
        response = client.post(CODE_PAGE, {"token": "999999"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_chairs_sign_in_with_a_password_unless_they_chose_two_steps(client, required, chair_a):
    response = sign_in(client, "chair_a")
    assert response["Location"] == "/"
    client.post("/accounts/logout/")
    device = TOTPDevice.objects.create(user=chair_a, name="app", confirmed=True)
    assert sign_in(client, "chair_a")["Location"] == CODE_PAGE
    assert client.post(CODE_PAGE, {"token": code(device)})["Location"] == "/"


@pytest.mark.parametrize("path", [CODE_PAGE, ENROL_PAGE])
def test_the_code_pages_without_a_password_step_go_back_to_login(client, required, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- issuing codes -----------------------------------------------------------------------


def test_the_command_issues_a_code_shows_it_once_and_keeps_only_a_hash(client, required, staff, caplog):
    out = io.StringIO()
    with caplog.at_level("INFO", logger="tienlang.auth"):
        call_command("issue_enrolment_code", "staff", stdout=out)
    match = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\b", out.getvalue())
    assert match, out.getvalue()
    enrolment_code = match.group(1)
    record = EnrolmentCode.objects.get(user=staff)
    assert enrolment_code not in record.code_hash and enrolment_code.replace("-", "") not in record.code_hash
    entry = AccessLog.objects.get(action="enrol_issued")
    assert "staff" in entry.what and enrolment_code not in entry.what
    assert "enrolment code issued" in caplog.text and enrolment_code not in caplog.text
    enrol(client, staff, enrolment_code)


def test_the_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("issue_enrolment_code", "khong-co-ai", stdout=io.StringIO())


def test_the_admin_issues_a_code_and_shows_it_once(client, superuser, staff):
    admin_client = client
    admin_client.force_login(superuser)
    response = admin_client.post(
        "/admin/auth/user/", {"action": "issue_enrolment_codes", "_selected_action": [staff.pk]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    match = re.search(r'data-testid="enrolment-code">([A-Z0-9-]+)<', page)
    assert match, page
    enrolment_code = match.group(1)
    assert "no-store" in response.get("Cache-Control", "")
    record = EnrolmentCode.objects.get(user=staff)
    assert record.issued_by == superuser
    assert AccessLog.objects.get(action="enrol_issued").user == superuser
    for path in ("/admin/auth/user/", f"/admin/auth/user/{staff.pk}/change/", "/admin/unions/enrolmentcode/"):
        later = admin_client.get(path)
        assert later.status_code == 200 and enrolment_code not in later.content.decode()
    admin_client.post("/accounts/logout/")
    enrol(client, staff, enrolment_code)


# --- who must use two steps --------------------------------------------------------------


def default_roles() -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REQUIRE_2FA_ROLES", "DEBUG"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.vn")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(','.join(settings.REQUIRE_2FA_ROLES))",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tienlang.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split(",")


def test_production_default_requires_two_steps_for_admin_staff_and_leadership(client, settings, leadership):
    roles = default_roles()
    assert roles == ["admin", "staff", "leadership"]
    settings.REQUIRE_2FA_ROLES = roles
    assert sign_in(client, "leader")["Location"] == CODE_PAGE
    assert client.get("/").status_code == 302


def test_env_example_shows_the_default_roles():
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    assert "REQUIRE_2FA_ROLES=admin,staff,leadership" in lines
