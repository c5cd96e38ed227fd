"""Shared fixtures: personas (staff, leadership, two chairs, a Party viewer) and the browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests import demo_snapshot, factories
from tienlang.lib import kept
from unions.models import Role

# live_server runs Django in a thread while sync Playwright drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Pictures the suite takes (git-ignored); `make screenshots` copies some into docs/screenshots/.
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
SCREENSHOT_DIR = ARTIFACTS
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No collectstatic in tests: serve the source files unhashed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # Login lockout has its own tests (tests/test_security.py); elsewhere it stays out of the way.
    settings.AXES_ENABLED = False
    # Each test's data is rolled back, and the demo is loaded with the same ids and the same
    # data version every time: figures cached by an earlier test must not be met again.
    cache.clear()
    kept.forget_recent()


# --- organisation and personas ---------------------------------------------------------


@pytest.fixture
def federation(db):
    return factories.make_federation(name="Liên đoàn Lao động huyện Thử Nghiệm A")


@pytest.fixture
def other_federation(db):
    return factories.make_federation(name="Liên đoàn Lao động huyện Thử Nghiệm B")


@pytest.fixture
def union_a(federation):
    return factories.make_union(federation=federation, code="CD-AAA", name="Công đoàn Công ty Alpha")


@pytest.fixture
def union_b(federation):
    return factories.make_union(federation=federation, code="CD-BBB", name="Công đoàn Công ty Beta")


@pytest.fixture
def union_elsewhere(other_federation):
    return factories.make_union(federation=other_federation, code="CD-CCC", name="Công đoàn Công ty Gamma")


@pytest.fixture
def staff(federation):
    return factories.make_user(Role.STAFF, federation=federation, username="staff")


@pytest.fixture
def leadership(federation):
    return factories.make_user(Role.LEADERSHIP, federation=federation, username="leader")


@pytest.fixture
def chair_a(union_a):
    return factories.make_user(Role.CHAIR, union=union_a, username="chair_a")


@pytest.fixture
def chair_b(union_b):
    return factories.make_user(Role.CHAIR, union=union_b, username="chair_b")


@pytest.fixture
def party_viewer(federation):
    org = factories.make_party_organization(name="Huyện ủy Thử Nghiệm", kind="district")
    return factories.make_user(Role.PARTY_VIEWER, federation=federation, party_organization=org, username="viewer")


@pytest.fixture
def superuser(db):
    return factories.make_user(username="root", is_superuser=True, is_staff=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Each worker's test database, plus the demo scenario seeded once and kept aside."""
    with django_db_blocker.unblock():
        demo_snapshot.take()


@pytest.fixture
def demo(db):
    """The demo scenario of `seed_demo` (SPEC §5), and nothing else, in the database."""
    demo_snapshot.load()


@pytest.fixture
def demo_live(transactional_db, live_server):
    """The demo scenario behind a live server, for browser tests."""
    demo_snapshot.load()
    return live_server


# --- browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1366, "height": 900}}


# On a busy shared machine a page can take seconds to answer: the browser waits generously
# (waiting is not asserting time; a page that never shows what it should still fails).
BROWSER_TIMEOUT_MS = 60_000
expect.set_options(timeout=30_000)


@pytest.fixture(autouse=True)
def _patient_browser(request):
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        page.set_default_navigation_timeout(BROWSER_TIMEOUT_MS)


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot: screenshot("dashboard") → test-artifacts/screenshots/<test>-dashboard.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)

    def take(label: str) -> Path:
        path = SCREENSHOT_DIR / f"{test_name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form."""

    def do_login(username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("networkidle")

    return do_login
