"""Every page of the demo passes axe-core's WCAG 2.1 A/AA rules, for every role, on a desktop
(1280×800) and a phone (390×844), and says its language truly.

The crawl signs in as each demo role and follows the links of every page it reaches, from the
dashboard: the menu, the lists, the detail pages, the forms, the report screens. One page of each
kind is enough (one nomination's page stands for all of them): a page's kind is its URL name and
its non-numeric arguments (each report screen is its own kind). Each page is audited at both
widths in the same browser context (the dashboard also with the phone's menu open). The count of pages
and audits is printed and written under test-artifacts/accessibility/.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "TienLang@2022"
ROLES = ["canbo", "lanhdao", "chutich.sunvigo", "huyenuy", "canbo.thanhpho", "thanhuy", "admin"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SUMMARY = axe.ROOT / "test-artifacts" / "accessibility"

# Not pages: downloads, the sign-out (a POST), JSON. Django's admin is audited at its index only:
# its other pages are Django's own templates, one per model, and not the product's screens.
NOT_PAGES = (".xlsx", "/download/", "/file/", "status.json", "/accounts/logout/")
# Enough for the demo of every role; a crawl that finds more has found a loop (say so).
MAX_PAGES = 120


def page_kind(path: str) -> str | None:
    """'candidates:nomination_detail' for /candidates/12/; None for what is not a page to audit."""
    if any(marker in path for marker in NOT_PAGES):
        return None
    if path.startswith("/admin/") and path != "/admin/":
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    words = [f"{k}={v}" for k, v in sorted(match.kwargs.items()) if not str(v).isdigit()]
    return ":".join([match.view_name, *words])


def links_on(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == origin and parts.path:
            paths.append(parts.path)
    return paths


def audit_both_widths(page, role: str, found: list, *, open_menu: bool = False) -> int:
    """Audit the page as it stands at the desktop width, then at the phone width (and with the
    phone's menu open when asked: the menu is the same on every page of a role), back to the
    desktop (the next page starts with its menu closed); return the number of audits."""
    count = 0
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        found.append(axe.run(page, role=role))
        count += 1
    toggler = page.locator(".navbar-toggler")
    if open_menu and toggler.count() and toggler.is_visible():
        toggler.click()
        expect(page.locator("#mainnav.show:not(.collapsing)")).to_be_visible()
        found.append(axe.run(page, role=f"{role}, menu open"))
        count += 1
    page.set_viewport_size(DESKTOP)
    return count


@pytest.fixture
def demo_records(demo_live):
    """What the demo has none of, so that its pages are seen too: a person introduced to the
    Party (the admission dossier, the steps after the introduction), a transfer request from
    SunVigo's chair for a member of CD-M2, a personal-data request."""
    from candidates import services, transfers
    from candidates.models import Nomination, Person, Status
    from candidates.privacy import open_request
    from tests.factories import get_user
    from unions.models import GrassrootsUnion

    staff = get_user("canbo")
    completed = Nomination.objects.filter(year=2022, status=Status.COMPLETED).order_by("pk").first()
    introduced = services._apply(completed, Status.INTRODUCED, staff)
    held = Person.objects.filter(union__code="CD-M2").order_by("pk").first()
    wanted = services.NominationRequest(
        person={"citizen_id": held.citizen_id, "full_name": held.full_name},
        union=GrassrootsUnion.objects.get(code="CD-SUNVIGO"),
        year=2022,
        nominated_on=datetime.date(2022, 3, 1),
    )
    transfer = transfers.request_transfer(held, wanted, get_user("chutich.sunvigo"))
    data_request = open_request(introduced.person, staff, kind="access", received_on=datetime.date(2022, 9, 1))
    return [
        f"/candidates/{introduced.pk}/",
        f"/admission/{introduced.pk}/",
        f"/candidates/transfers/{transfer.pk}/",
        f"/candidates/requests/{data_request.pk}/",
        "/reports/access-log/",
    ]


def crawl(page, base_url: str, role: str, records: list[str]) -> tuple[list[str], list, int]:
    """Visit one page of each kind reachable from the dashboard, and the demo records' pages
    that the role may see; return the pages, the audits and their count."""
    queue, kinds, pages, found, audits = ["/"], {page_kind("/")}, [], [], 0
    for path in records:
        response = page.request.get(base_url + path, max_redirects=0)
        if response.ok:
            queue.append(path)
            kinds.add(page_kind(path))
    while queue:
        path = queue.pop(0)
        response = page.goto(base_url + path)
        assert response is not None and response.ok, f"{path} answered {response and response.status} to {role}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        pages.append(path)
        assert len(pages) <= MAX_PAGES, f"the crawl of {role} found more than {MAX_PAGES} kinds of page"
        audits += audit_both_widths(page, role, found, open_menu=path == "/")
        for link in links_on(page, base_url):
            kind = page_kind(link)
            if kind and kind not in kinds:
                kinds.add(kind)
                queue.append(link)
    # A page not found is a page too (the product's own 404).
    response = page.goto(base_url + "/khong-co-trang-nay/")
    assert response.status == 404
    pages.append("/khong-co-trang-nay/ (404)")
    audits += audit_both_widths(page, role, found)
    return pages, found, audits


def write_summary(name: str, pages: list[str], audits: int) -> None:
    SUMMARY.mkdir(parents=True, exist_ok=True)
    summary = {"role": name, "pages": len(pages), "audits": audits, "paths": pages}
    Path(SUMMARY / f"crawl-{name}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    print(f"accessibility: {name}: {len(pages)} pages, {audits} audits, 0 violations")


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_the_role_passes_wcag_21_aa(page, demo_live, demo_records, login, username):
    login(username, PASSWORD)
    expect(page).to_have_url(f"{demo_live.url}/")
    pages, found, audits = crawl(page, demo_live.url, username, demo_records)

    failing = [result for result in found if result.violations]
    assert not failing, axe.combined_report(failing)
    # The menu leads somewhere for every role: a crawl of the dashboard alone found nothing.
    assert len(pages) >= 5, pages
    write_summary(username, pages, audits)


def test_login_and_its_errors_pass_wcag_21_aa(page, demo_live):
    found = []
    page.goto(f"{demo_live.url}/accounts/login/")
    audits = audit_both_widths(page, "anonymous", found)
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("chính xác")
    audits += audit_both_widths(page, "anonymous, wrong password", found)

    failing = [result for result in found if result.violations]
    assert not failing, axe.combined_report(failing)
    write_summary("anonymous", ["/accounts/login/", "/accounts/login/ (refused)"], audits)


@pytest.fixture
def english_browser(browser):
    """A Chromium that asks for English first, as Chromium does out of the box (en-US)."""
    context = browser.new_context(locale="en-US", viewport=DESKTOP)
    yield context.new_page()
    context.close()


def test_page_says_vietnamese_to_a_browser_asking_for_english(english_browser, demo_live):
    """Until the product is translated into English, its pages are Vietnamese, Django's own
    labels too, and <html lang> says so: a screen reader then reads them with Vietnamese voice."""
    page = english_browser
    page.set_default_timeout(60_000)
    response = page.goto(f"{demo_live.url}/accounts/login/")
    assert response.request.headers["accept-language"].startswith("en-US")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(page.get_by_label("Mật khẩu")).to_be_visible()
    expect(page.locator("form")).not_to_contain_text("Username")
    expect(page.locator("form")).not_to_contain_text("Password")

    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{demo_live.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
