"""Configuration contract: environment variables, deploy check, Vietnamese locale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CLEARED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}


def _manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k2#Vq9!mZp4@Lx7&Rt1^Wn6*Bc3(Hd8)Fs5_Jg0+Ye2=Uo7-Ia9~Ek4",
        ALLOWED_HOSTS="tienlang.example.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="tienlang.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_bad_debug_value_is_refused():
    result = _manage("check", DEBUG="maybe", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_deny_by_default_and_vietnamese_locale():
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def test_tests_run_on_postgresql():
    # The suite must exercise the production database engine, not SQLite.
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_dates_and_numbers_follow_vietnamese_office_format():
    import datetime

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2022, 3, 20), "SHORT_DATE_FORMAT") == "20/03/2022"
        assert formats.number_format(3000000, use_l10n=True, force_grouping=True) == "3.000.000"
