"""Plans roll down, progress rolls up: the level above gives targets to the federations directly
below it, each federation distributes its own to its unions, and progress is counted from records."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from reports import comparison, queries
from reports.models import FederationTarget, UnionQuota
from tests import factories
from tests.factories import get_user
from unions.models import Federation, Role

pytestmark = pytest.mark.django_db

URL = "/reports/quotas/below/"
CITY = "Liên đoàn Lao động thành phố Hải Phòng"
COMMUNES = ["Công đoàn xã Hùng Thắng", "Công đoàn xã Tiên Lãng", "Công đoàn xã Tiên Minh", "Công đoàn xã Vĩnh Bảo"]


def rendered(page) -> dict:
    """The form's fields as the page rendered them (what a browser would post back)."""
    formset, plan_form = page.context["formset"], page.context["plan_form"]
    data = {
        "g-TOTAL_FORMS": formset.total_form_count(),
        "g-INITIAL_FORMS": formset.initial_form_count(),
        "g-plan-plan": plan_form["plan"].value() or "",
    }
    for form in formset:
        for name in ("federation_id", "version", "classes", "learners", "introductions", "party_cells"):
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else value
    return data


def set_row(data: dict, page, federation_name: str, **values) -> None:
    for form in page.context["formset"]:
        if form.initial["federation_name"] == federation_name:
            for name, value in values.items():
                data[form.add_prefix(name)] = value
            return
    raise AssertionError(federation_name)


def target(name: str, year: int = 2026) -> FederationTarget | None:
    return FederationTarget.objects.filter(federation__name=name, year=year).first()


def commune_staff(name: str = "Công đoàn xã Vĩnh Bảo"):
    return factories.make_user(role=Role.STAFF, federation=Federation.objects.get(name=name))


# --- what the page lists ----------------------------------------------------------------


def test_the_city_lists_the_federations_below_it_as_of_the_year(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    page = client.get(URL + "?year=2026")
    assert page.status_code == 200 and page.context["may_give"]
    # The district federations ended on 01/07/2025: 2026 lists the commune-level unions only.
    assert [f.name for f in page.context["board"].children] == COMMUNES
    earlier = client.get(URL + "?year=2022")
    # In 2022 the commune-level unions held nothing yet: the two districts are listed.
    assert [f.name for f in earlier.context["board"].children] == [
        "Liên đoàn Lao động huyện Tiên Lãng",
        "Liên đoàn Lao động huyện Vĩnh Bảo",
    ]


def test_the_page_shows_the_upper_level_s_target_the_sum_given_and_what_is_left(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    body = client.get(URL + "?year=2026").content.decode()
    balance = {b.key: b for b in client.get(URL + "?year=2026").context["board"].balances}
    # The demo: the city's own 40 introductions, 10 + 9 + 9 + 6 = 34 given, 6 left.
    assert (balance["introductions"].own, balance["introductions"].given, balance["introductions"].left) == (40, 34, 6)
    assert (balance["classes"].own, balance["classes"].given) == (8, 7)
    row = body.split('data-testid="balance-introductions"')[1].split("</tr>")[0]
    assert "còn 6 chưa giao" in row
    # Who gave each one, and when.
    assert "Lê Thị Hồng Nhung, 12/01/2026 09:15" in body


def test_giving_more_than_the_upper_level_holds_is_saved_and_shown_as_over(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    page = client.get(URL + "?year=2026")
    data = rendered(page)
    set_row(data, page, "Công đoàn xã Tiên Lãng", introductions="20")
    response = client.post(URL + "?year=2026", data, follow=True)
    assert "Đã giao chỉ tiêu năm 2026 cho 1 liên đoàn cấp dưới." in response.content.decode()
    given = target("Công đoàn xã Tiên Lãng")
    assert given.introductions == 20 and given.given_by.name == CITY
    assert given.set_by == get_user("canbo.thanhpho")
    balance = {b.key: b for b in response.context["board"].balances}["introductions"]
    assert (balance.given, balance.left, balance.over) == (44, -4, 4)
    assert "vượt 4" in response.content.decode()


def test_a_new_target_is_created_and_clearing_a_row_withdraws_what_this_level_gave(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    page = client.get(URL + "?year=2026")
    data = rendered(page)
    set_row(data, page, "Công đoàn xã Hùng Thắng", classes="", learners="", introductions="", party_cells="")
    assert client.post(URL + "?year=2026", data).status_code == 302
    assert target("Công đoàn xã Hùng Thắng") is None
    page = client.get(URL + "?year=2026")
    data = rendered(page)
    set_row(data, page, "Công đoàn xã Hùng Thắng", classes="1", learners="50", introductions="5", party_cells="0")
    assert client.post(URL + "?year=2026", data).status_code == 302
    again = target("Công đoàn xã Hùng Thắng")
    assert (again.classes, again.learners, again.introductions, again.party_cells) == (1, 50, 5, 0)


# --- who may ------------------------------------------------------------------------------


def test_leadership_of_the_city_reads_but_may_not_save(client, demo):
    client.force_login(get_user("lanhdao.thanhpho"))
    page = client.get(URL + "?year=2026")
    assert page.status_code == 200 and not page.context["may_give"]
    body = page.content.decode()
    assert 'data-testid="read-only"' in body and 'name="g-0-introductions"' not in body
    assert client.post(URL + "?year=2026", rendered(page)).status_code == 403


def test_district_staff_cannot_open_or_post_the_city_s_page(client, demo):
    city = Federation.objects.get(name=CITY)
    client.force_login(get_user("canbo"))
    assert client.get(f"{URL}?year=2026&federation={city.pk}").status_code == 404
    assert client.post(f"{URL}?year=2026&federation={city.pk}", {"g-TOTAL_FORMS": 0}).status_code == 404
    # Its own page: nothing below it (it ended in 2025), nothing it could give.
    own = client.get(URL + "?year=2026")
    assert own.status_code == 200 and own.context["board"].children == []


def test_city_staff_read_a_federation_below_but_give_only_their_own_level_s_targets(client, demo):
    commune = Federation.objects.get(name="Công đoàn xã Vĩnh Bảo")
    client.force_login(get_user("canbo.thanhpho"))
    page = client.get(f"{URL}?year=2026&federation={commune.pk}")
    assert page.status_code == 200 and not page.context["may_give"]
    assert client.post(f"{URL}?year=2026&federation={commune.pk}", {"g-TOTAL_FORMS": 0}).status_code == 403
    assert client.get(f"{URL}?federation=999999").status_code == 404
    assert client.get(f"{URL}?federation=abc").status_code == 404


@pytest.mark.parametrize("username", ["chutich.m2", "huyenuy", "thanhuy"])
def test_chairs_and_party_viewers_have_no_access(client, demo, username):
    client.force_login(get_user(username))
    assert client.get(URL + "?year=2026").status_code == 403
    assert client.post(URL + "?year=2026", {"g-TOTAL_FORMS": 0}).status_code == 403


def test_a_posted_federation_outside_the_list_is_refused_and_nothing_saved(client, demo):
    outsider = factories.make_federation(name="Liên đoàn Lao động tỉnh Ngoài Cây")
    client.force_login(get_user("canbo.thanhpho"))
    page = client.get(URL + "?year=2026")
    data = rendered(page)
    data["g-0-federation_id"] = outsider.pk
    data["g-1-introductions"] = "77"
    response = client.post(URL + "?year=2026", data)
    assert response.status_code == 200
    assert "Danh sách liên đoàn cấp dưới đã thay đổi" in response.content.decode()
    assert not FederationTarget.objects.filter(federation=outsider).exists()
    assert not FederationTarget.objects.filter(introductions=77).exists()


def test_a_bad_year_is_a_clear_400(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    response = client.get(URL + "?year=abc")
    assert response.status_code == 400 and "Năm không hợp lệ" in response.content.decode()


# --- bad input and stale saves ----------------------------------------------------------------


def test_bad_numbers_name_the_federation_and_the_field_and_nothing_is_saved(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    page = client.get(URL + "?year=2026")
    data = rendered(page)
    set_row(data, page, "Công đoàn xã Tiên Lãng", introductions="-3")
    set_row(data, page, "Công đoàn xã Tiên Minh", learners="nhiều")
    set_row(data, page, "Công đoàn xã Hùng Thắng", classes="", introductions="50")
    set_row(data, page, "Công đoàn xã Vĩnh Bảo", introductions="8")  # valid, but not saved alone
    response = client.post(URL + "?year=2026", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Công đoàn xã Tiên Lãng — Số người giới thiệu cho Đảng: không được âm." in body
    assert "Công đoàn xã Tiên Minh — Số học viên: phải là số nguyên." in body
    assert "Công đoàn xã Hùng Thắng — Số lớp cần mở: hãy nhập số (0 nếu không giao)" in body
    assert "Chưa lưu gì" in body
    assert target("Công đoàn xã Vĩnh Bảo").introductions == 6
    assert target("Công đoàn xã Hùng Thắng").introductions == 9


def test_a_stale_save_is_refused_and_both_users_figures_stay_visible(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    mine = client.get(URL + "?year=2026")
    other_staff = factories.make_user(
        role=Role.STAFF, federation=Federation.objects.get(name=CITY), first_name="Thu", last_name="Phạm Thị"
    )
    other = Client()
    other.force_login(other_staff)
    theirs = other.get(URL + "?year=2026")
    data = rendered(theirs)
    set_row(data, theirs, "Công đoàn xã Tiên Minh", introductions="12")
    assert other.post(URL + "?year=2026", data).status_code == 302
    data = rendered(mine)
    set_row(data, mine, "Công đoàn xã Tiên Minh", introductions="15")
    response = client.post(URL + "?year=2026", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "vừa được người khác lưu; chưa lưu gì" in body
    assert target("Công đoàn xã Tiên Minh").introductions == 12  # the first save stands
    # My figure is still in the box, theirs is written beside it.
    assert re.search(r'name="g-\d-introductions" value="15"', body)
    meanwhile = body.split('data-testid="saved-meanwhile"')[1].split("</div>")[0]
    assert "Phạm Thị Thu" in meanwhile and "12 người giới thiệu" in meanwhile
    # Saving again, having read theirs, is a deliberate choice: it goes through.
    assert client.post(URL + "?year=2026", rendered(response)).status_code == 302
    assert target("Công đoàn xã Tiên Minh").introductions == 15


# --- the federation below --------------------------------------------------------------------


def test_the_commune_union_sees_its_target_from_above_read_only_and_its_distribution(client, demo):
    client.force_login(commune_staff())
    page = client.get("/reports/quotas/?year=2026")
    assert page.status_code == 200 and page.context["given"] and page.context["target_form"] is None
    body = page.content.decode()
    given = body.split('data-testid="given-target"')[1]
    assert f"Do {CITY} giao (Lê Thị Hồng Nhung, 12/01/2026 09:15)" in given
    assert 'data-testid="given-introductions">6<' in body
    checks = {c.key: c for c in page.context["checks"]}
    # 2 + 1 of its 6 introductions given to its unions: 3 left to distribute.
    assert (checks["introductions"].done, checks["introductions"].target, checks["introductions"].left) == (3, 6, 3)
    assert (checks["classes"].done, checks["classes"].target) == (0, 1)
    # Posting target fields anyway changes nothing of the target; the quotas are saved.
    data = {"q-TOTAL_FORMS": 0, "q-INITIAL_FORMS": 0, "t-classes": 9, "t-learners": 9, "t-party_cells": 9}
    for index, form in enumerate(page.context["formset"]):
        data[f"q-{index}-union_id"] = form.initial["union_id"]
        data[f"q-{index}-introduce"] = form.initial["introduce"] if form.initial["introduce"] is not None else "4"
        data["q-TOTAL_FORMS"] = data["q-INITIAL_FORMS"] = index + 1
    data["fingerprint"] = page.context["fingerprint"]
    assert client.post("/reports/quotas/?year=2026", data).status_code == 302
    kept = target("Công đoàn xã Vĩnh Bảo")
    assert (kept.classes, kept.introductions, kept.given_by.name) == (1, 6, CITY)
    assert UnionQuota.objects.get(union__code="CD-VB-03", year=2026).introduce == 4
    over = client.get("/reports/quotas/?year=2026")
    assert {c.key: c for c in over.context["checks"]}["introductions"].over == 1


def test_a_federation_sets_its_own_target_with_introductions_when_none_is_given(client, demo):
    client.force_login(get_user("canbo"))
    page = client.get("/reports/quotas/?year=2022")
    assert not page.context["given"]
    data = {"q-TOTAL_FORMS": 0, "q-INITIAL_FORMS": 0, "fingerprint": page.context["fingerprint"]}
    data.update({"t-plan": "", "t-classes": 2, "t-learners": 100, "t-introductions": 95, "t-party_cells": 2})
    assert client.post("/reports/quotas/?year=2022", data).status_code == 302
    own = target("Liên đoàn Lao động huyện Tiên Lãng", 2022)
    assert own.introductions == 95 and own.given_by is None and own.set_by == get_user("canbo")


def test_the_new_year_page_copies_the_introductions_target(client, demo):
    FederationTarget.objects.filter(federation__name="Liên đoàn Lao động huyện Tiên Lãng", year=2022).update(
        introductions=90
    )
    client.force_login(get_user("canbo"))
    page = client.get("/reports/nam-moi/?year=2023")
    assert page.context["forms"].target.initial["introductions"] == 90


# --- progress from records at the upper level ------------------------------------------------------


def test_the_city_dashboard_shows_target_and_actual_for_each_federation_below(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    body = client.get("/?year=2026").content.decode()
    vinh_bao = Federation.objects.get(name="Công đoàn xã Vĩnh Bảo")
    row = body.split(f"?federation={vinh_bao.pk}&amp;year=2026")[1].split("</tr>")[0]
    # Three nominations of 2026, none introduced yet, against 6; no class yet against 1.
    assert re.search(r'data-testid="progress-introductions">0 / 6<', row)
    assert re.search(r'data-testid="progress-classes">0 / 1<', row)
    assert re.search(r'data-testid="progress-learners">0 / 40<', row)
    assert 'href="/reports/quotas/below/?year=2026"' in body


def _tree(size: int):
    """A city with `size` federations below it, each with a union below a sub-federation, a
    nomination, a class and a target: records counted once, in their branch."""
    city = factories.make_federation(name=f"Liên đoàn Lao động thành phố Thử {size}")
    staff = factories.make_user(role=Role.STAFF, federation=city)
    for index in range(size):
        child = factories.make_federation(name=f"Công đoàn xã Thử {size}-{index}", parent=city)
        below = factories.make_federation(name=f"Công đoàn khu Thử {size}-{index}", parent=child)
        union = factories.make_union(federation=below)
        factories.make_nomination(union, year=2022)
        factories.make_class(child, year=2022)
        factories.make_class(below, year=2022)
        FederationTarget.objects.create(federation=child, year=2022, classes=3, introductions=index, given_by=city)
    return staff


@pytest.mark.parametrize("size", [2, 6])
def test_the_comparison_counts_each_branch_once_in_a_constant_number_of_queries(size, django_assert_max_num_queries):
    staff = _tree(size)
    scope = queries.Scope(user=staff)
    report = queries.quota_report(scope, 2022)
    report.rows, report.totals, report.subtotals  # the report reads its own rows lazily: not the comparison's
    with django_assert_max_num_queries(8):
        rows = comparison.comparison(scope, report, 2022)
    assert len(rows) == size
    for row in rows:
        assert (row.classes, row.figures.nominated, row.target.classes) == (2, 1, 3)


@pytest.mark.parametrize("size", [2, 6])
def test_the_targets_page_answers_in_a_constant_number_of_queries(size, client, django_assert_max_num_queries):
    staff = _tree(size)
    client.force_login(staff)
    client.get(URL + "?year=2022")  # the session and the profile, once
    with django_assert_max_num_queries(16):
        page = client.get(URL + "?year=2022")
    assert len(page.context["board"].children) == size


def test_the_city_s_quota_page_checks_its_targets_against_what_it_gave_below_and_links_the_page(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    page = client.get("/reports/quotas/?year=2026")
    checks = {c.key: c for c in page.context["checks"]}
    assert (checks["introductions"].done, checks["introductions"].target, checks["introductions"].left) == (34, 40, 6)
    assert (checks["learners"].done, checks["learners"].target) == (320, 400)
    assert 'href="/reports/quotas/below/?year=2026"' in page.content.decode()
    client.force_login(get_user("canbo"))
    assert 'data-testid="link-targets-below"' not in client.get("/reports/quotas/?year=2026").content.decode()


def test_a_tampered_form_is_never_a_500(client, demo):
    client.force_login(get_user("canbo.thanhpho"))
    page = client.get(URL + "?year=2026")
    data = rendered(page)
    data["g-TOTAL_FORMS"] = int(data["g-TOTAL_FORMS"]) + 1  # a blank row beyond the list
    assert client.post(URL + "?year=2026", data).status_code == 302
    data = rendered(page)
    data["g-plan-plan"] = "999999"
    response = client.post(URL + "?year=2026", data)
    assert response.status_code == 200 and "Kế hoạch đã chọn không có trong danh sách." in response.content.decode()
    assert client.post(URL + "?year=2026", {"g-TOTAL_FORMS": "x"}).status_code in (200, 400)
