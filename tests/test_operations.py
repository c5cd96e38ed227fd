"""Running in production: `make serve`, the deploy files, and logs without personal data."""

from __future__ import annotations

import io
import logging
import os
import runpy
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from tests.servers import DEADLINE_SECONDS, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
SERVE = ["bash", "scripts/serve.sh"]


def _serve_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(overrides)
    return env


# --- make serve refuses an unsafe configuration -----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"DEBUG": "1"}, "DEBUG must be 0"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "PostgreSQL"),
    ],
)
def test_serve_refuses_to_start_on_an_unsafe_configuration(overrides, said):
    result = subprocess.run(SERVE, cwd=ROOT, env=_serve_env(**overrides), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert said in result.stderr


def test_make_serve_runs_the_serve_script():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nserve: $(VENV)/.installed\n\tbash scripts/serve.sh\n" in makefile


@pytest.mark.django_db
def test_serve_starts_gunicorn_that_answers_healthz_and_serves_static_files():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = _serve_env(DATABASE_URL=url, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", SECURE_SSL_REDIRECT="1")
    server = subprocess.Popen(
        SERVE, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # serve.sh runs three manage.py commands (check, migrate --check, collectstatic) before gunicorn.
        assert wait_for(base + "/healthz", server, deadline=2 * DEADLINE_SECONDS) == b"ok"
        # Behind nginx (X-Forwarded-Proto: https) the app serves its own static files, hashed and cached.
        request = urllib.request.Request(base + "/static/css/app.css", headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            assert "max-age" in response.headers.get("Cache-Control", "")
        # Anything else over plain HTTP goes to HTTPS.
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(base + "/accounts/login/", timeout=30)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"].startswith("https://")
    finally:
        output = stop(server)  # gunicorn, by its own process id
    assert '"GET /healthz HTTP/1.1" 200' in output, "the access log names the path"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- the deploy files ----------------------------------------------------------------------


def test_gunicorn_access_log_names_paths_without_query_strings():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert "%(U)s" in config["access_log_format"]
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "%({"):
        assert leaky not in config["access_log_format"]
    assert config["bind"] == "127.0.0.1:8001"


def test_nginx_site_caps_uploads_sets_proxy_headers_and_leaves_static_to_the_app():
    site = (ROOT / "docs/deploy/nginx-tienlang.conf").read_text()
    assert "client_max_body_size 12m;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "ssl_certificate " in site and "return 301 https://" in site
    assert "location /static" not in site
    assert "$request_uri" not in site.split("log_format", 1)[1].split(";", 1)[0], "no query strings in the log"
    assert "proxy_pass http://tienlang_app;" in site and "server 127.0.0.1:8001;" in site
    # The upload cap sits a little above what the application accepts.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 12 * 1024 * 1024


def test_systemd_unit_runs_the_serve_script_with_the_environment_file():
    unit = (ROOT / "docs/deploy/tienlang.service").read_text()
    assert "ExecStart=/srv/tienlang/scripts/serve.sh" in unit
    assert "EnvironmentFile=/etc/tienlang/env" in unit
    assert "Type=notify" in unit and "User=tienlang" in unit
    nightly = (ROOT / "docs/deploy/tienlang-nightly.service").read_text()
    assert "scripts/backup.sh" in nightly and "anonymise_expired" in nightly
    # A reorganisation left waiting fails its command: it runs last, so the anonymisation still runs.
    steps = [line for line in nightly.splitlines() if line.startswith("ExecStart=")]
    assert [s.split()[-1].rsplit("/", 1)[-1] for s in steps] == [
        "backup.sh",
        "anonymise_expired",
        "complete_reorganisations",
    ]
    cron = (ROOT / "docs/deploy/crontab.example").read_text()
    assert cron.index("anonymise_expired") < cron.index("complete_reorganisations")
    assert "OnCalendar=" in (ROOT / "docs/deploy/tienlang-nightly.timer").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "docs/deploy/tienlang.service" in readme and "docs/operations.md" in readme


# --- logs hold no personal data --------------------------------------------------------------


@pytest.fixture
def log_output():
    """What the configured console handler writes."""
    handler = next(h for h in logging.getLogger().handlers if any(getattr(f, "filter", None) for f in h.filters))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.django_db
def test_a_database_error_in_the_log_keeps_neither_the_citizen_id_nor_the_row(log_output, union_a):
    from tests import factories

    person = factories.make_nomination(union_a, citizen_id="031199007777", phone="0912345678").person
    try:
        with transaction.atomic():
            person.pk = None
            person.save()  # the same citizen ID again: PostgreSQL quotes it in its error
    except IntegrityError:
        logging.getLogger("django.request").error("Internal Server Error: %s", "/candidates/people/", exc_info=True)
    logging.getLogger("tienlang").warning("Gọi lại số %s, CCCD %s", "0912345678", "031199007777")
    written = log_output.getvalue()
    assert "IntegrityError" in written and "Internal Server Error: /candidates/people/" in written
    assert "031199007777" not in written
    assert "0912345678" not in written
    assert "[CCCD]" in written or "(…)" in written


def test_sql_is_never_logged_whatever_the_level():
    assert settings.LOGGING["loggers"]["django.db.backends"]["level"] == "WARNING"
    assert all("redact" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())


@pytest.mark.django_db
def test_healthz_is_exempt_from_the_https_redirect_in_production():
    from django.test import override_settings

    from tienlang import settings as production

    assert hasattr(production, "SECURE_REDIRECT_EXEMPT"), "DEBUG is off in the tests, as in production"
    with override_settings(SECURE_SSL_REDIRECT=True):
        from django.test import Client

        client = Client()
        health = client.get("/healthz")
        assert (health.status_code, health.content) == (200, b"ok")
        assert client.get("/accounts/login/").status_code == 301
