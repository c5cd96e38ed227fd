"""The chair's portal on a phone (390×844): no sideways scrolling, cards instead of wide tables,
folded filters, tap targets of at least 44 px, the form and the upload usable with one thumb."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import BROWSER_TIMEOUT_MS, SCREENSHOT_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PASSWORD = "TienLang@2022"

# Controls a thumb taps, and how small any of them is on the page (width, height, what).
SMALLEST_TARGETS = """() => {
  const out = [];
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
    getComputedStyle(el).visibility !== "hidden"; };
  const add = (el, box, what) => out.push([Math.round(box.width), Math.round(box.height), what]);
  document.querySelectorAll("main .btn, main .page-link, main select, main input:not([type=hidden]), "
    + "main textarea, .list-cards td a, .navbar-toggler, details > summary").forEach((el) => {
    if (!visible(el)) return;
    if (el.type === "checkbox" || el.type === "radio") {
      const row = el.closest(".form-check");
      const box = el.getBoundingClientRect();
      if (row && row.getBoundingClientRect().height >= 44 && el.labels && el.labels.length) {
        add(el, {width: 44, height: row.getBoundingClientRect().height}, "checkbox row " + el.name);
      } else { add(el, box, "checkbox " + el.name); }
      return;
    }
    add(el, el.getBoundingClientRect(), el.tagName + " " + (el.textContent || el.name || "").trim().slice(0, 30));
  });
  return out.filter(([w, h]) => h < 44 || w < 44);
}"""


# The elements that stick out on the right, innermost first (to name them when the page scrolls).
WIDEST = """() => { const out = (el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5;
  return [...document.querySelectorAll("body *")].filter(out).filter((el) => ![...el.children].some(out))
  .slice(0, 5).map((el) => el.tagName + "." + el.className + " " + (el.textContent || "").trim().slice(0, 40)); }"""


def no_sideways_scroll(page) -> None:
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    if widths[0] > widths[1]:
        wide = page.evaluate(WIDEST)
        raise AssertionError(f"{page.url}: {widths[0]} px wide in a {widths[1]} px screen: {wide}")


def phone_checks(page) -> None:
    page.wait_for_load_state("networkidle")
    no_sideways_scroll(page)
    small = page.evaluate(SMALLEST_TARGETS)
    assert small == [], f"{page.url}: tap targets under 44 px: {small}"


@pytest.fixture
def phone(browser, demo_live):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{demo_live.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("chutich.sunvigo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("brand")).to_contain_text(
        "CĐ xã Tiên Lãng"
    )  # since 01/07/2025 the union is under a commune-level union
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"phone-{name}.png"))  # what the phone shows


def test_the_chair_works_on_a_phone(phone, demo_live):
    page, base = phone, demo_live.url
    phone_checks(page)  # the dashboard

    # The nomination list: one card per person (name, status, date), no table wider than the screen.
    page.goto(f"{base}/candidates/")
    phone_checks(page)
    cards = page.locator("[data-testid=result-table] tbody tr")
    first = cards.first
    expect(first.locator("td.card-title-cell a")).to_be_visible()
    expect(first.locator("td[data-label='Trạng thái']")).to_be_visible()
    expect(first.locator("td[data-label='Ngày giới thiệu']")).to_be_visible()
    expect(first.locator("td[data-label='Số CCCD']")).to_be_hidden()
    card = first.bounding_box()
    assert card["x"] >= 0 and card["x"] + card["width"] <= PHONE["width"]
    # The filters are folded; the actions are on the screen.
    filters = page.locator("details.list-filters")
    assert filters.evaluate("d => !d.open")
    expect(page.get_by_test_id("filter-form")).to_be_hidden()
    add = page.get_by_role("link", name="Giới thiệu đoàn viên").last
    expect(add).to_be_visible()
    box = add.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 44
    shot(page, "nomination-list")
    filters.locator("summary").click()
    expect(page.get_by_test_id("filter-form")).to_be_visible()
    no_sideways_scroll(page)
    first.locator("td.card-title-cell a").click()
    phone_checks(page)  # one nomination

    # The nomination form and the upload: full-width fields, the save button across the screen.
    page.goto(f"{base}/candidates/new/")
    phone_checks(page)
    save = page.get_by_role("button", name="Gửi hồ sơ")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    assert box["width"] >= PHONE["width"] * 0.8 and box["height"] >= 44
    page.get_by_label("Ngày sinh").fill("01/01/2010")
    page.get_by_label("Ngày giới thiệu").fill("10/02/2023")
    expect(page.get_by_test_id("finding-beside-date_of_birth")).to_be_visible()
    no_sideways_scroll(page)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "nomination-form")

    page.goto(f"{base}/candidates/import/")
    phone_checks(page)
    for path in ("/classes/", "/candidates/transfers/", "/reports/"):
        page.goto(base + path)
        phone_checks(page)
    page.get_by_role("button", name="Mở menu").click()
    page.get_by_role("link", name="Công đoàn của tôi").click()
    phone_checks(page)

    # It can be added to the home screen: the manifest and its icons are served by the app.
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(base + href)
    assert manifest.ok
    for icon in manifest.json()["icons"]:
        image = page.request.get(base + href.rsplit("/", 1)[0] + "/" + icon["src"])
        assert image.ok and image.body()[:4] == b"\x89PNG"
