from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from candidates.sensitivity import personal_fields
from tienlang.lib import disclosure
from tienlang.lib.audit import record_access
from tienlang.lib.xlsx import xlsx_response
from unions.models import AccessLog, Role
from unions.permissions import ADMIN, is_district_staff, user_role

from . import charts, comparison, queries
from .exports import KINDS, TITLES, build_report
from .forms import AggregateFormSet, FederationTargetForm, QuotaFormSet
from .jobs import is_large
from .models import FederationTarget, UnionQuota, YearlyAggregate
from .permissions import lists_people, may_see_report
from .queries import Scope


def _year(request, scope: Scope) -> int:
    value = request.GET.get("year")
    if not value:
        return queries.latest_year(scope)
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise ValueError(value)
    return int(value)


def dashboard(request):
    """This year's funnel, quota progress, in/out of district, classes, stipends, trend, my actions."""
    user = request.user
    scope = Scope(user=user)
    role = user_role(user)
    if role is None:
        return render(request, "dashboard_empty.html", status=200)
    scope = comparison.opened_scope(request, scope)  # ?federation=ID: one federation of the user's tree
    try:
        year = _year(request, scope)
    except ValueError:
        year = queries.latest_year(scope)
    report = queries.quota_report(scope, year)
    trend = queries.history(scope, until=max(year, datetime.date.today().year))
    profile = getattr(user, "profile", None)
    context = {
        "year": year,
        "years": list(range(datetime.date.today().year, queries.FIRST_YEAR - 1, -1)),
        "report": report,
        "progress_rows": progress_rows(report),
        "all_progress_rows": sum(1 for r in report.rows if r.quota or r.nominated),
        "funnel": queries.funnel(report),
        "funnel_chart": charts.funnel_svg(queries.funnel(report)),
        "trend_chart": charts.trend_svg(trend),
        "target": queries.federation_target(scope, year),
        "actions": queries.needs_action(scope),
        "classes": _classes_summary(scope, year),
        "union": profile.union if profile and profile.union_id else None,
        "federation": scope.issuing_federation(),
        "role_key": role,
        "role_name": profile.get_role_display() if profile else _("Quản trị hệ thống"),
        "counts": queries_register_counts(scope),
        "comparison": comparison.comparison(scope, report, year),
    }
    return render(request, "dashboard.html", context)


DASHBOARD_UNION_ROWS = 50


def progress_rows(report) -> list:
    """The unions shown on the dashboard: all of them in a district; past 50 (a city, the
    nation), the 50 furthest behind their quota — the quota report lists every one."""
    rows = [r for r in report.rows if r.quota or r.nominated]
    if len(rows) <= DASHBOARD_UNION_ROWS:
        return rows
    return sorted(rows, key=lambda r: (r.percent if r.percent is not None else 101, -r.quota))[:DASHBOARD_UNION_ROWS]


def queries_register_counts(scope: Scope) -> dict:
    enterprises = scope.enterprises()
    return {
        "enterprises": enterprises.count(),
        "with_party": enterprises.filter(party_org_since__isnull=False).count(),
        "unions": scope.unions().count(),
    }


def _classes_summary(scope: Scope, year: int):
    """Classes of the year and stipends committed vs paid."""
    return queries.classes_summary(scope, year)


def report_centre(request):
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope)
    except ValueError:
        return HttpResponseBadRequest(_("Năm không hợp lệ."), content_type="text/plain; charset=utf-8")
    # Reports of many rows are made in the background, with a progress bar (jobs app).
    kinds = [
        (kind, TITLES[kind], allowed, allowed and is_large(kind, scope, year))
        for kind in KINDS
        for allowed in [may_see_report(request.user, kind)]
    ]
    context = {
        "year": year,
        "years": list(range(datetime.date.today().year, queries.FIRST_YEAR - 1, -1)),
        "kinds": kinds,
        "breadcrumbs": [(_("Báo cáo"), None)],
    }
    return render(request, "reports/centre.html", context)


def report_screen(request, kind: str):
    """The report's figures on screen: the same query layer as the Excel file."""
    if kind not in KINDS:
        raise Http404
    if not may_see_report(request.user, kind):
        raise PermissionDenied
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope)
    except ValueError:
        return HttpResponseBadRequest(_("Năm không hợp lệ."), content_type="text/plain; charset=utf-8")
    context = {
        "kind": kind,
        "title": TITLES[kind],
        "year": year,
        "years": list(range(datetime.date.today().year, queries.FIRST_YEAR - 1, -1)),
        "breadcrumbs": [(_("Báo cáo"), "reports:centre"), (TITLES[kind], None)],
    }
    if kind == "quota":
        context["report"] = queries.quota_report(scope, year)
    elif kind == "introductions":
        context["rows"] = list(queries.introductions(scope, year)[:2000])
    elif kind == "coverage":
        context["by_ownership"] = queries.coverage(scope, year, "ownership")
        context["by_commune"] = queries.coverage(scope, year, "commune")
    elif kind == "history":
        context["rows"] = queries.history(scope, until=year)
    return render(request, "reports/screen.html", context)


def report_download(request, kind: str):
    if kind not in KINDS:
        raise Http404
    if not may_see_report(request.user, kind):
        raise PermissionDenied
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope)
    except ValueError:
        return HttpResponseBadRequest(
            _("Năm không hợp lệ: dùng ?year=YYYY (2000–2100)."), content_type="text/plain; charset=utf-8"
        )
    data = build_report(kind, scope, year)
    if lists_people(kind):
        # The people the workbook lists: every row of them the builder read.
        seen = disclosure.collected()
        record_access(
            request, AccessLog.Action.EXPORT, f"{TITLES[kind]} — {year}", sorted(seen.person_ids), fields=seen.fields
        )
    return xlsx_response(data, f"{kind}-{year}.xlsx")


# ---------------------------------------------------------------------------------------
# Quotas and targets (leadership and staff)
# ---------------------------------------------------------------------------------------


def _may_set_quotas(user) -> bool:
    return is_district_staff(user) or user_role(user) == Role.LEADERSHIP


def quota_list(request):
    """Set a year's quota for every union, and the federation's targets, in one all-or-nothing save."""
    if not _may_set_quotas(request.user):
        raise PermissionDenied
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope)
    except ValueError:
        return HttpResponseBadRequest(_("Năm không hợp lệ."), content_type="text/plain; charset=utf-8")
    federation = scope.issuing_federation()
    unions = list(scope.unions().order_by("name_folded", "pk"))
    existing = {q.union_id: q for q in UnionQuota.objects.for_user(request.user).filter(year=year)}
    initial = [
        {
            "union_id": u.pk,
            "union_name": f"{u.code} — {u.name}",
            "introduce": getattr(existing.get(u.pk), "introduce", 0),
        }
        for u in unions
    ]
    target = FederationTarget.objects.for_user(request.user).filter(federation=federation, year=year).first()
    if request.method == "POST":
        formset = QuotaFormSet(request.POST, initial=initial, prefix="q")
        target_form = FederationTargetForm(request.POST, instance=target, prefix="t", user=request.user)
        if formset.is_valid() and target_form.is_valid():
            allowed = {u.pk: u for u in unions}
            with transaction.atomic():
                for form in formset:
                    union_id = form.cleaned_data["union_id"]
                    if union_id not in allowed:
                        raise PermissionDenied
                    UnionQuota.objects.update_or_create(
                        union=allowed[union_id], year=year, defaults={"introduce": form.cleaned_data["introduce"]}
                    )
                saved = target_form.save(commit=False)
                saved.federation, saved.year = federation, year
                saved.save()
            messages.success(request, _("Đã lưu chỉ tiêu năm %(y)s.") % {"y": year})
            return redirect(f"{request.path}?year={year}")
        messages.error(request, _("Chưa lưu: hãy sửa các ô báo lỗi."))
    else:
        formset = QuotaFormSet(initial=initial, prefix="q")
        target_form = FederationTargetForm(instance=target, prefix="t", user=request.user)
    context = {
        "year": year,
        "years": list(range(datetime.date.today().year + 1, queries.FIRST_YEAR - 1, -1)),
        "formset": formset,
        "target_form": target_form,
        "total": sum(i["introduce"] for i in initial),
        "breadcrumbs": [(_("Báo cáo"), "reports:centre"), (_("Chỉ tiêu"), None)],
    }
    return render(request, "reports/quotas.html", context)


def aggregates(request):
    """Yearly totals of the years before the system (typed in once)."""
    if not _may_set_quotas(request.user):
        raise PermissionDenied
    federation = Scope(user=request.user).issuing_federation()
    queryset = YearlyAggregate.objects.for_user(request.user).filter(federation=federation)
    if request.method == "POST":
        formset = AggregateFormSet(request.POST, queryset=queryset, prefix="a")
        if formset.is_valid():
            with transaction.atomic():
                for instance in formset.save(commit=False):
                    instance.federation = federation
                    instance.save()
                for instance in formset.deleted_objects:
                    instance.delete()
            messages.success(request, _("Đã lưu số liệu tổng hợp các năm trước."))
            return redirect("reports:aggregates")
        messages.error(request, _("Chưa lưu: hãy sửa các ô báo lỗi."))
    else:
        formset = AggregateFormSet(queryset=queryset, prefix="a")
    return render(
        request,
        "reports/aggregates.html",
        {"formset": formset, "breadcrumbs": [(_("Báo cáo"), "reports:centre"), (_("Số liệu các năm trước"), None)]},
    )


def access_log(request):
    """Who viewed or exported whose personal data (leadership and administrators)."""
    if user_role(request.user) not in (ADMIN, Role.LEADERSHIP):
        raise PermissionDenied
    entries = AccessLog.objects.for_user(request.user).select_related("user")
    action = request.GET.get("action")
    if action in AccessLog.Action.values:
        entries = entries.filter(action=action)
    username = (request.GET.get("username") or "").strip()
    if username:
        entries = entries.filter(username__iexact=username)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    labels = {name: label for name, label, _level in personal_fields()}
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.field_labels = [labels.get(name, name) for name in entry.fields or []]
    return render(
        request,
        "reports/access_log.html",
        {
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "paginator": page.paginator,
            "actions": AccessLog.Action.choices,
            "breadcrumbs": [(_("Báo cáo"), "reports:centre"), (_("Nhật ký truy cập dữ liệu cá nhân"), None)],
        },
    )
