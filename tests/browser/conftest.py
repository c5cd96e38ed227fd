"""Every browser test also audits the page it ends on with axe-core (WCAG 2.1 A/AA), as it
stands: a form refused with its errors, an upload's preview, a job's progress, which the crawl
of tests/browser/test_accessibility.py does not reach by following links. A violation fails
the test, naming the rule, the elements, the page, the role and the width."""

from __future__ import annotations

import pytest

from tests.browser import axe


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_passed = report.passed
    return report


@pytest.fixture(autouse=True)
def _audit_last_page(request):
    # Asked for here, at set-up, so that the page is still open when this fixture ends.
    page = request.getfixturevalue("page") if "page" in request.fixturenames else None
    yield
    # The crawl audits every page it visits itself.
    crawl = request.module.__name__.endswith("test_accessibility")
    if page is None or crawl or not getattr(request.node, "call_passed", False):
        return
    live_server = request.getfixturevalue("live_server")
    if page.is_closed() or not page.url.startswith(live_server.url):
        return
    page.wait_for_load_state()
    user = page.get_by_test_id("current-user")
    role = " ".join(user.inner_text().split()) if user.count() else "anonymous"
    axe.audit(page, role=f"{role} (last page of {request.node.name})")
