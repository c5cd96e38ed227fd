"""A new year: quotas left blank are no quota, the dashboard's year, the "Năm mới" page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from classes.models import StipendPolicy
from reports.models import FederationTarget, Plan, UnionQuota
from tests.factories import get_user
from unions.models import GrassrootsUnion

pytestmark = pytest.mark.django_db


def tien_lang_quotas():
    """The 2026 quotas of the Tiên Lãng unions (the demo's Vĩnh Bảo commune union has its own)."""
    return UnionQuota.objects.for_user(get_user("canbo")).filter(year=2026)


def quota_post(unions_values: list[tuple[int, str]], **extra) -> dict:
    data = {"q-TOTAL_FORMS": len(unions_values), "q-INITIAL_FORMS": len(unions_values)}
    for index, (union_id, value) in enumerate(unions_values):
        data[f"q-{index}-union_id"] = union_id
        data[f"q-{index}-introduce"] = value
    data.update({"t-classes": 0, "t-learners": 0, "t-party_cells": 0})
    data.update(extra)
    return data


def test_a_union_left_blank_in_the_quota_form_has_no_quota_and_zero_is_a_quota(client, leadership, union_a, union_b):
    client.force_login(leadership)
    page = client.get("/reports/quotas/?year=2026")
    assert [f["introduce"].value() for f in page.context["formset"]] == [None, None]  # blank, not 0
    token = page.context["fingerprint"]
    response = client.post(
        "/reports/quotas/?year=2026", quota_post([(union_a.pk, "0"), (union_b.pk, "")], fingerprint=token)
    )
    assert response.status_code == 302
    assert dict(UnionQuota.objects.filter(year=2026).values_list("union__code", "introduce")) == {"CD-AAA": 0}
    # The dashboard's to-do box counts union B (blank) as still without a quota, union A (0) as having one.
    text = client.get("/?year=2026").content.decode()
    assert "Công đoàn cơ sở chưa có chỉ tiêu năm 2026" in text
    # Blanking a saved quota removes it.
    token = client.get("/reports/quotas/?year=2026").context["fingerprint"]
    client.post("/reports/quotas/?year=2026", quota_post([(union_a.pk, ""), (union_b.pk, "3")], fingerprint=token))
    assert dict(UnionQuota.objects.filter(year=2026).values_list("union__code", "introduce")) == {"CD-BBB": 3}


def form_data(form) -> dict:
    """What the browser sends for a form as rendered (its initial values), by prefixed name."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False or field.disabled:
            continue
        if value is True:
            value = "on"
        if hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        data[form.add_prefix(name)] = value
    return data


def rendered_post(page) -> dict:
    forms = page.context["forms"]
    data = {"fingerprint": page.context["fingerprint"]}
    for section in (forms.plan_choice, forms.plan, forms.target, forms.policy):
        if section is not None:
            data.update(form_data(section))
    if forms.quotas is not None:
        data.update(form_data(forms.quotas.management_form))
        for form in forms.quotas:
            data.update(form_data(form))
    return data


def test_the_dashboard_opens_on_this_year_and_its_to_do_box_speaks_of_the_year_shown(client, demo):
    this_year = timezone.localdate().year
    client.force_login(get_user("lanhdao"))
    page = client.get("/")
    assert page.context["year"] == this_year
    text = page.content.decode()
    assert f"Công đoàn cơ sở chưa có chỉ tiêu năm {this_year}" in text
    assert 'data-testid="year-hint"' in text and "?year=2022" in text  # the demo's year, one click away
    text = client.get("/?year=2022").content.decode()
    assert "Công đoàn cơ sở chưa có chỉ tiêu năm 2022" in text
    assert re.search(r"chưa có chỉ tiêu năm 2022 <span[^>]*>0<", text)
    assert f"chỉ tiêu năm {this_year}" not in text


def test_the_new_year_page_shows_what_is_missing_and_saves_the_copy_all_at_once(client, demo):
    client.force_login(get_user("canbo"))
    page = client.get("/reports/nam-moi/?year=2026")
    assert page.status_code == 200
    missing = {item.key for item in page.context["status"].missing}
    assert missing == {"plan", "target", "quotas", "policy", "classes"}
    proposal = page.context["proposal"]
    assert proposal.source_year == 2022 and proposal.policy.amount == 3_000_000
    sunvigo = GrassrootsUnion.objects.get(code="CD-SUNVIGO")
    assert proposal.quotas[sunvigo.pk] == 20
    data = rendered_post(page)
    assert data["c-add_plan"] == "on"  # no plan covers 2026: a new one is proposed
    data.update({"p-number": "05/KH-LĐLĐ", "p-issued_on": "10/01/2026", "t-learners": "120"})
    response = client.post("/reports/nam-moi/?year=2026", data)
    assert response.status_code == 302, response.context["forms"].plan.errors
    plan = Plan.objects.get(number="05/KH-LĐLĐ")
    assert (plan.from_year, plan.to_year) == (2026, 2026)
    target = FederationTarget.objects.get(year=2026, federation__name="Liên đoàn Lao động huyện Tiên Lãng")
    assert (target.plan, target.classes, target.learners) == (plan, 2, 120)
    quotas = dict(tien_lang_quotas().values_list("union__code", "introduce"))
    assert len(quotas) == 34 and quotas["CD-SUNVIGO"] == 20 and sum(quotas.values()) == 100
    assert set(tien_lang_quotas().values_list("plan", flat=True)) == {plan.pk}
    policy = StipendPolicy.objects.for_year(2026).get()
    assert (policy.amount, policy.from_year, policy.to_year) == (3_000_000, 2026, 2026)
    after = client.get("/reports/nam-moi/?year=2026")
    assert {item.key for item in after.context["status"].missing} == {"classes"}
    # The quota page's target form offers the year's plan first.
    choices = list(client.get("/reports/quotas/?year=2026").context["target_form"].fields["plan"].choices)
    assert str(choices[1][1]).startswith("05/KH-LĐLĐ")


def test_a_bad_value_anywhere_saves_nothing(client, demo):
    client.force_login(get_user("canbo"))
    page = client.get("/reports/nam-moi/?year=2026")
    data = rendered_post(page)
    data.update({"p-number": "05/KH-LĐLĐ", "p-issued_on": "10/01/2026", "q-3-introduce": "-2"})
    response = client.post("/reports/nam-moi/?year=2026", data)
    assert response.status_code == 200
    assert "Chỉ tiêu không được âm" in response.content.decode()
    assert not tien_lang_quotas().exists()
    assert not Plan.objects.filter(number="05/KH-LĐLĐ").exists()
    assert not StipendPolicy.objects.for_year(2026).exists()


def test_a_save_after_someone_else_changed_the_year_is_refused(client, demo):
    client.force_login(get_user("canbo"))
    page = client.get("/reports/nam-moi/?year=2026")
    data = rendered_post(page)
    data.update({"p-number": "05/KH-LĐLĐ", "p-issued_on": "10/01/2026"})
    # Meanwhile leadership gives one union its quota on the quota page.
    other = Client()
    other.force_login(get_user("lanhdao"))
    quota_page = other.get("/reports/quotas/?year=2026")
    sunvigo = GrassrootsUnion.objects.get(code="CD-SUNVIGO")
    rows = [
        (f.initial["union_id"], "25" if f.initial["union_id"] == sunvigo.pk else "")
        for f in quota_page.context["formset"]
    ]
    assert (
        other.post(
            "/reports/quotas/?year=2026", quota_post(rows, fingerprint=quota_page.context["fingerprint"])
        ).status_code
        == 302
    )
    response = client.post("/reports/nam-moi/?year=2026", data)
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode()
    assert dict(tien_lang_quotas().values_list("union__code", "introduce")) == {"CD-SUNVIGO": 25}
    assert not Plan.objects.filter(number="05/KH-LĐLĐ").exists()
    # The quota page refuses a stale save the same way.
    stale = quota_post(rows, fingerprint="0" * 32)
    assert "vừa được người khác sửa" in other.post("/reports/quotas/?year=2026", stale).content.decode()


def test_leadership_prepares_quotas_but_not_the_stipend_policy_and_others_may_not_open_it(client, demo):
    client.force_login(get_user("lanhdao"))
    page = client.get("/reports/nam-moi/?year=2026")
    assert page.status_code == 200 and page.context["forms"].policy is None
    assert "cán bộ LĐLĐ thêm chế độ" in page.content.decode()
    for username in ("chutich.sunvigo", "huyenuy"):
        client.force_login(get_user(username))
        assert client.get("/reports/nam-moi/?year=2026").status_code == 403
    client.force_login(get_user("canbo"))
    assert client.get("/reports/nam-moi/?year=abc").status_code == 400
