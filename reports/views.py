from __future__ import annotations

import datetime
import logging
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from candidates.sensitivity import personal_fields
from tienlang.lib import disclosure
from tienlang.lib.audit import record_access
from tienlang.lib.versioning import StaleVersion
from tienlang.lib.xlsx import xlsx_response
from unions.models import AccessLog, PartyOrganization, Role, UserProfile
from unions.permissions import ADMIN, is_district_staff, is_federation_reader, user_role

from . import charts, compare, comparison, figures, newyear, queries, register, targets
from .exports import KINDS, TITLES, build_report, recipients as report_recipients
from .forms import (
    AggregateFormSet,
    FederationTargetForm,
    GivenPlanForm,
    GivenTargetFormSet,
    IssueForm,
    NewYearPlanChoiceForm,
    NewYearPolicyForm,
    NewYearTargetForm,
    PlanForm,
    QuotaFormSet,
)
from .jobs import is_large
from .models import FederationTarget, IssuedReport, UnionQuota, YearlyAggregate
from .permissions import lists_people, may_see_report
from .queries import Scope

logger = logging.getLogger(__name__)


def _year(request, scope: Scope) -> int:
    """The year asked for (`?year=`), else this year by the clock: a new year opens on itself,
    not on the last year that had data."""
    value = request.GET.get("year")
    if not value:
        return timezone.localdate().year
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
        year = timezone.localdate().year
    opened = scope.federation.pk if isinstance(scope, comparison.NarrowedScope) else "own"
    # Kept per user and scope until anything is written (`reports.figures`, `tienlang.lib.kept`).
    context = figures.cached_figures(user, str(opened), year, lambda: dashboard_figures(scope, role, year))
    # A link is shown only to whom it opens (a Party committee's reader sees the comparison, not the form).
    return render(request, "dashboard.html", {**context, "may_open_targets": targets.may_open(user)})


def dashboard_figures(scope: Scope, role: str, year: int) -> dict:
    """Everything the dashboard shows for `scope` and `year` (no request: the result is cached)."""
    user = scope.user
    this_year = timezone.localdate().year
    report = queries.quota_report(scope, year)
    # The page lists unions from the rows: read them first, and the totals are summed from them.
    union_rows = progress_rows(report)
    trend = queries.history(scope, until=max(year, this_year))
    # A year without records says where the last ones are (one query, only then).
    latest = queries.latest_year(scope) if not report.totals.nominated else None
    profile = getattr(user, "profile", None)
    funnel = queries.funnel(report)
    return {
        "year": year,
        "this_year": this_year,
        "latest_year": latest if latest != year else None,
        "years": list(range(this_year + 1, queries.FIRST_YEAR - 1, -1)),
        "may_prepare": newyear.may_prepare(user),
        # The page shows the totals and at most 50 unions: the rows are not kept (45,000 at the nation).
        "report": SimpleNamespace(year=report.year, rows=[], totals=report.totals, subtotals=report.subtotals),
        "progress_rows": union_rows,
        "all_progress_rows": sum(1 for r in report.rows if r.quota or r.nominated),
        "funnel": funnel,
        "funnel_chart": charts.funnel_svg(funnel),
        "trend_chart": charts.trend_svg(trend),
        "target": queries.federation_target(scope, year),
        "actions": queries.needs_action(scope, year),
        "classes": _classes_summary(scope, year),
        "union": profile.union if profile and profile.union_id else None,
        "federation": scope.issuing_federation(),
        "role_key": role,
        "role_name": profile.get_role_display() if profile else _("Quản trị hệ thống"),
        "counts": queries_register_counts(scope),
        "comparison": comparison.comparison(scope, report, year),
    }


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


QUOTA_CHART_ROWS = 300  # past that (a city, the nation) a bar per union cannot be read: the table can


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
        if len(context["report"].rows) <= QUOTA_CHART_ROWS:
            context["quota_chart"] = charts.quota_svg(context["report"].rows)
    elif kind == "introductions":
        context["rows"] = list(queries.introductions(scope, year)[:2000])
    elif kind == "coverage":
        context["by_ownership"] = queries.coverage(scope, year, "ownership")
        context["by_commune"] = queries.coverage(scope, year, "commune")
    elif kind == "history":
        context["rows"] = rows = queries.history(scope, until=year)
        names = ("nominated", "approved", "enrolled", "completed", "introduced", "admitted")
        context["history_totals"] = {name: rows.total(name) for name in names}
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
    options, suffix = {}, ""
    if kind == "introductions" and request.GET.get("organisation"):
        # One receiving organisation's list: looked up in the user's scope, 404 outside it.
        value = request.GET["organisation"]
        found = PartyOrganization.objects.for_user(request.user)
        organisation = found.filter(pk=int(value)).first() if value.isdigit() and len(value) < 10 else None
        if organisation is None:
            raise Http404(_("Không tìm thấy tổ chức Đảng."))
        options["organisation"], suffix = organisation, f"-{organisation.pk}"
    data = build_report(kind, scope, year, **options)
    if lists_people(kind):
        # The people the workbook lists: every row of them the builder read.
        seen = disclosure.collected()
        record_access(
            request, AccessLog.Action.EXPORT, f"{TITLES[kind]} — {year}", sorted(seen.person_ids), fields=seen.fields
        )
    return xlsx_response(data, f"{kind}-{year}{suffix}.xlsx")


# ---------------------------------------------------------------------------------------
# Quotas and targets (leadership and staff)
# ---------------------------------------------------------------------------------------


def _may_set_quotas(user) -> bool:
    return is_district_staff(user) or user_role(user) == Role.LEADERSHIP


# Unions per page of the quota form: a district's thousand unions, a province's thousands and
# the nation's 45,000 are set a page at a time, found by name.
QUOTA_PAGE_SIZE = 50


def quota_list(request):
    """Set a year's quota for the unions of a page, and the federation's targets, in one all-or-nothing save.

    The unions come 50 to a page in name order, narrowed by a search on their name (`q`); a
    save writes the rows shown and leaves every other union's quota as it was. A union left
    blank has no quota that year (its row, if any, is removed); 0 is a quota of zero. A save
    made after someone else changed those rows or the targets is refused (`newyear.fingerprint`)."""
    if not _may_set_quotas(request.user):
        raise PermissionDenied
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope)
    except ValueError:
        return HttpResponseBadRequest(_("Năm không hợp lệ."), content_type="text/plain; charset=utf-8")
    federation = scope.issuing_federation()
    in_scope = scope.unions()
    search = (request.GET.get("q") or "").strip()
    shown = in_scope.search(search) if search else in_scope
    page = Paginator(shown.only("pk", "code", "name").order_by("name", "pk"), QUOTA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    unions = list(page.object_list)
    quotas = UnionQuota.objects.for_user(request.user).filter(year=year)
    existing = {q.union_id: q for q in quotas.filter(union_id__in=[u.pk for u in unions])}
    initial = [
        {
            "union_id": u.pk,
            "union_name": f"{u.code} — {u.name}",
            "introduce": getattr(existing.get(u.pk), "introduce", None),
        }
        for u in unions
    ]
    target = (
        FederationTarget.objects.for_user(request.user)
        .filter(federation=federation, year=year)
        .select_related("given_by", "set_by", "plan")
        .first()
    )
    # A target given by the level above is read only here: the federation distributes it.
    given = target is not None and target.is_given_from_above
    # The page's rows and the targets: what the form showed, so what a save must find unchanged.
    shown_ids = [u.pk for u in unions]
    stamp = newyear.fingerprint(request.user, federation, year, unions=shown_ids)
    if request.method == "POST":
        formset = QuotaFormSet(request.POST, initial=initial, prefix="q")
        target_form = (
            None
            if given
            else FederationTargetForm(request.POST, instance=target, prefix="t", user=request.user, year=year)
        )
        if formset.is_valid() and (target_form is None or target_form.is_valid()):
            # The unions the form named (by their ids, whatever page they are on now), each
            # one the user's to set: another's refuses the whole save.
            values = {form.cleaned_data["union_id"]: form.cleaned_data["introduce"] for form in formset}
            named = {u.pk: u for u in in_scope.filter(pk__in=list(values))}
            try:
                with transaction.atomic():
                    newyear.lock_year(
                        request.user, federation, year, request.POST.get("fingerprint", ""), unions=shown_ids
                    )
                    plan = target.plan if given else _save_own_target(request.user, target_form, federation, year)
                    newyear.save_quotas(request.user, named, year, values, plan=plan)
            except PermissionError as error:
                raise PermissionDenied from error
            except (newyear.StaleYear, StaleVersion, IntegrityError):
                messages.error(request, str(newyear.StaleYear(year)))
            else:
                messages.success(request, _("Đã lưu chỉ tiêu năm %(y)s.") % {"y": year})
                return redirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
        else:
            messages.error(request, _("Chưa lưu: hãy sửa các ô báo lỗi."))
    else:
        formset = QuotaFormSet(initial=initial, prefix="q")
        target_form = None if given else FederationTargetForm(instance=target, prefix="t", user=request.user, year=year)
    saved = quotas.aggregate(total=Sum("introduce", default=0), unions=Count("pk"))
    below = targets.children_for_year(request.user, federation, year) if federation is not None else []
    context = {
        "year": year,
        "years": list(range(timezone.localdate().year + 1, queries.FIRST_YEAR - 1, -1)),
        "formset": formset,
        "target_form": target_form,
        "fingerprint": stamp,
        "total": saved["total"],
        "target": target,
        "given": given,
        "checks": targets.distribution(request.user, target, year, saved["total"], below),
        "has_below": bool(below),
        "with_quota": saved["unions"],
        "without_quota": in_scope.count() - saved["unions"],
        "search": search,
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "breadcrumbs": [(_("Báo cáo"), "reports:centre"), (_("Chỉ tiêu"), None)],
    }
    return render(request, "reports/quotas.html", context)


def _save_own_target(user, form, federation, year: int):
    """The federation's targets set by itself (nothing given from above): saved, with who and when."""
    saved = form.save(commit=False)
    if saved.pk is None or form.has_changed():
        saved.federation, saved.year = federation, year
        saved.given_by, saved.set_by, saved.set_at = None, user, timezone.now()
        saved.save()
    return saved.plan


def _given_rows(formset) -> list[dict]:
    return [
        {
            "federation_id": form.cleaned_data["federation_id"],
            "version": form.cleaned_data.get("version"),
            **{key: form.cleaned_data.get(key) for key in targets.FIELDS},
        }
        for form in formset
        if form.cleaned_data.get("federation_id")  # a blank extra form posted beyond the list: nothing
    ]


def _refreshed_versions(data, formset, current: dict) -> object:
    """The posted form again, the user's numbers kept, each row at the version stored now (so a
    second save, after reading what the other person saved, is the user's deliberate choice)."""
    data = data.copy()
    for form in formset:
        federation_id = form.initial.get("federation_id")
        if federation_id in current:
            stored = current[federation_id]
            data[form.add_prefix("version")] = str(stored.version) if stored is not None else ""
    return data


def targets_below(request):
    """Giao chỉ tiêu cho các liên đoàn cấp dưới: one form for every federation directly below the
    user's federation in the year, saved all or nothing; a save made after someone else saved is
    refused, both sets of figures shown. Staff of that federation edit; leadership read."""
    if not targets.may_open(request.user):
        raise PermissionDenied
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope)
    except ValueError:
        return HttpResponseBadRequest(_("Năm không hợp lệ."), content_type="text/plain; charset=utf-8")
    upper = targets.upper_federation(request, scope.issuing_federation())
    may_give = targets.may_give(request.user, upper)
    if request.method == "POST" and not may_give:
        raise PermissionDenied
    board = targets.board(request.user, upper, year)
    initial = board.initial()
    conflicts, problems = {}, []
    if request.method == "POST":
        formset = targets_formset(request.POST, initial)
        plan_form = GivenPlanForm(request.POST, prefix="g-plan", plans=board.plans)
        if formset.is_valid() and plan_form.is_valid():
            try:
                with transaction.atomic():
                    changed = targets.give(request.user, upper, year, _given_rows(formset), plan_form.chosen())
            except PermissionError as error:
                raise PermissionDenied from error
            except targets.StaleTargets as error:
                messages.error(request, str(error))
                conflicts = error.current
                formset = targets_formset(_refreshed_versions(request.POST, formset, conflicts), initial)
                board = targets.board(request.user, upper, year)
            except (StaleVersion, IntegrityError):
                messages.error(request, str(targets.StaleTargets(year, {})))
            else:
                messages.success(
                    request,
                    _("Đã giao chỉ tiêu năm %(y)s cho %(n)s liên đoàn cấp dưới.") % {"y": year, "n": changed},
                )
                return redirect(f"{request.path}?year={year}" + _federation_query(request))
        else:
            problems = [line for form in formset for line in form.problems()]
            problems += [f"{_('Theo kế hoạch, quyết định')}: {e}" for e in plan_form.errors.get("plan", [])]
            problems += [str(e) for e in formset.non_form_errors()]
            messages.error(request, _("Chưa lưu gì: hãy sửa các ô báo lỗi."))
    else:
        formset = targets_formset(None, initial)
        plan_form = GivenPlanForm(
            prefix="g-plan",
            plans=board.plans,
            initial={"plan": _default_plan(board)},
        )
    rows = [
        {
            "form": form,
            "federation": child,
            "target": board.targets.get(child.pk),
            "conflicted": child.pk in conflicts,
            "current": conflicts.get(child.pk),
        }
        for form, child in zip(formset, board.children, strict=False)
    ]
    context = {
        "year": year,
        "years": list(range(timezone.localdate().year + 1, queries.FIRST_YEAR - 1, -1)),
        "board": board,
        "formset": formset,
        "plan_form": plan_form,
        "rows": rows,
        "problems": problems,
        "may_give": may_give,
        "federation_query": _federation_query(request),
        "breadcrumbs": [
            (_("Báo cáo"), "reports:centre"),
            (_("Chỉ tiêu"), "reports:quota_list"),
            (_("Giao chỉ tiêu cho các liên đoàn cấp dưới"), None),
        ],
    }
    return render(request, "reports/targets_below.html", context)


def targets_formset(data, initial):
    return GivenTargetFormSet(data, initial=initial, prefix="g")


def _default_plan(board) -> int | None:
    if board.own is not None and board.own.plan_id:
        return board.own.plan_id
    covering = [p for p in board.plans if p.from_year <= board.year <= p.to_year]
    return covering[0].pk if covering else None


def _federation_query(request) -> str:
    raw = request.GET.get("federation", "")
    return f"&federation={raw}" if raw.isdigit() else ""


def aggregates(request):
    """Totals of the years before the system, typed in once: one year, or a period of years."""
    if not _may_set_quotas(request.user):
        raise PermissionDenied
    federation = Scope(user=request.user).issuing_federation()
    queryset = YearlyAggregate.objects.for_user(request.user).filter(federation=federation)
    if request.method == "POST":
        formset = AggregateFormSet(request.POST, queryset=queryset, prefix="a")
        if formset.is_valid():
            try:
                with transaction.atomic():
                    for instance in formset.save(commit=False):
                        instance.federation = federation
                        instance.save()
                    for instance in formset.deleted_objects:
                        instance.delete()
            except StaleVersion as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("Đã lưu số liệu tổng hợp các năm trước."))
                for note in formset.overlap_notes:
                    messages.warning(request, note)
                return redirect("reports:aggregates")
        else:
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


# ---------------------------------------------------------------------------------------
# The register of issued reports (sổ văn bản đi)
# ---------------------------------------------------------------------------------------


def _may_read_register(user) -> bool:
    return is_federation_reader(user) or user_role(user) == Role.PARTY_VIEWER


def _issued_or_404(request, pk: int) -> IssuedReport:
    report = (
        IssuedReport.objects.for_user(request.user)
        .select_related("document_type", "federation", "issued_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def register_list(request):
    """The federation's register of issued reports, newest first (scoped: a Party viewer sees
    what was addressed to their organisation or to one below it)."""
    if not _may_read_register(request.user):
        raise PermissionDenied
    reports = (
        IssuedReport.objects.for_user(request.user)
        .select_related("document_type", "federation", "issued_by")
        .defer("content", "person_ids", "disclosed_fields")
    )
    kind = request.GET.get("kind")
    if kind in KINDS:
        reports = reports.filter(report_kind=kind)
    year = request.GET.get("year")
    if year and year.isdigit():
        reports = reports.filter(register_year=int(year))
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/register_list.html",
        {
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "paginator": page.paginator,
            "kinds": [(k, TITLES[k]) for k in KINDS],
            "kind": kind,
            "may_issue": is_district_staff(request.user),
            "breadcrumbs": [(_("Báo cáo"), "reports:centre"), (_("Sổ văn bản đi"), None)],
        },
    )


def _issue_initial(request, federation, kind: str) -> dict:
    recipients = report_recipients(federation)
    return {
        "document_type": register.default_type(kind),
        "issued_on": datetime.date.today(),
        "signer_title": (federation.signer_title if federation else "") or "CHỦ TỊCH",
        "signer_name": (federation.signer_name if federation else "") or "",
        "recipients": "\n".join(recipients),
    }


def issue_report(request, kind: str):
    """ "Phát hành": the register's next number, the signer, the date and the recipients."""
    if kind not in KINDS:
        raise Http404
    if not is_district_staff(request.user) or not may_see_report(request.user, kind):
        raise PermissionDenied
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope) if request.method == "GET" else int(request.POST.get("year", ""))
        if not 2000 <= year <= 2100:
            raise ValueError(year)
    except ValueError:
        return HttpResponseBadRequest(_("Năm không hợp lệ."), content_type="text/plain; charset=utf-8")
    federation = scope.issuing_federation()
    register.document_types()  # a new install gets the default types
    signers = [
        f"{p.user.last_name} {p.user.first_name}".strip() or p.user.get_username()
        for p in UserProfile.objects.for_user(request.user)
        .filter(role=Role.LEADERSHIP, federation=federation)
        .select_related("user")
    ]
    if request.method == "POST":
        form = IssueForm(request.POST, user=request.user, signers=signers)
        if form.is_valid():
            data = form.cleaned_data
            issued = register.issue(
                request.user,
                register.IssueRequest(
                    kind=kind,
                    report_year=year,
                    document_type=data["document_type"],
                    signer_title=data["signer_title"],
                    signer_name=data["signer_name"],
                    recipients=data["recipients"],
                    addressed_to=list(data["addressed_to"]),
                    issued_on=data["issued_on"],
                ),
            )
            if issued.person_ids:
                record_access(
                    request,
                    AccessLog.Action.EXPORT,
                    f"Phát hành {issued.reference} — {TITLES[kind]} — {year}",
                    issued.person_ids,
                    fields=issued.disclosed_fields,
                )
            messages.success(
                request,
                _("Đã phát hành văn bản số %(ref)s ngày %(d)s.")
                % {"ref": issued.reference, "d": issued.issued_on.strftime("%d/%m/%Y")},
            )
            return redirect("reports:issued_detail", pk=issued.pk)
        messages.error(request, _("Chưa phát hành: hãy sửa các ô báo lỗi."))
    else:
        form = IssueForm(initial=_issue_initial(request, federation, kind), user=request.user, signers=signers)
    return render(
        request,
        "reports/issue.html",
        {
            "form": form,
            "kind": kind,
            "title": TITLES[kind],
            "year": year,
            "federation": federation,
            "signers": signers,
            "previous": register.latest_issued(request.user, kind, year),
            "breadcrumbs": [
                (_("Báo cáo"), "reports:centre"),
                (_("Sổ văn bản đi"), "reports:register"),
                (_("Phát hành"), None),
            ],
        },
    )


def issued_detail(request, pk: int):
    if not _may_read_register(request.user):
        raise PermissionDenied
    report = _issued_or_404(request, pk)
    return render(
        request,
        "reports/issued_detail.html",
        {
            "report": report,
            "kind_title": TITLES.get(report.report_kind, report.report_kind),
            "addressed_to": list(report.addressed_to.order_by("name")),
            "may_compare": is_federation_reader(request.user) and may_see_report(request.user, report.report_kind),
            "breadcrumbs": [
                (_("Báo cáo"), "reports:centre"),
                (_("Sổ văn bản đi"), "reports:register"),
                (report.reference, None),
            ],
        },
    )


def issued_download(request, pk: int):
    """The file exactly as issued (byte for byte); every download is access-logged."""
    if not _may_read_register(request.user):
        raise PermissionDenied
    report = _issued_or_404(request, pk)
    data = bytes(report.content)
    if register.sha256(data) != report.sha256:
        logger.error("issued report %s: stored file does not match its SHA-256", report.pk)
        return HttpResponse(
            _(
                "Tệp lưu của văn bản số %(ref)s không khớp mã SHA-256 đã ghi khi phát hành: không tải về. "
                "Hãy báo quản trị viên khôi phục từ bản sao lưu."
            )
            % {"ref": report.reference},
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    record_access(
        request,
        AccessLog.Action.EXPORT,
        f"Văn bản đã phát hành số {report.reference} — {report.title}",
        report.person_ids,
        fields=report.disclosed_fields,
    )
    code = report.document_type.code
    filename = f"{report.register_year}-{report.number}-{code}-{report.report_kind}-{report.report_year}.xlsx"
    response = xlsx_response(data, filename)
    response["X-Content-SHA256"] = report.sha256
    return response


def issued_compare(request, pk: int):
    """ "So với bản đã phát hành": rows and totals that differ between the issued file and today's."""
    if not is_federation_reader(request.user):
        raise PermissionDenied
    report = _issued_or_404(request, pk)
    if not may_see_report(request.user, report.report_kind):
        raise PermissionDenied
    scope = Scope(user=request.user)
    current = build_report(report.report_kind, scope, report.report_year)
    diffs = compare.compare(bytes(report.content), current)
    if lists_people(report.report_kind):
        seen = disclosure.collected()
        record_access(
            request,
            AccessLog.Action.VIEW,
            f"So với bản đã phát hành {report.reference}",
            sorted(seen.person_ids | set(report.person_ids)),
            fields=sorted(seen.fields | set(report.disclosed_fields)),
        )
    return render(
        request,
        "reports/issued_compare.html",
        {
            "report": report,
            "diffs": diffs,
            "unchanged": all(d.unchanged for d in diffs),
            "breadcrumbs": [
                (_("Báo cáo"), "reports:centre"),
                (_("Sổ văn bản đi"), "reports:register"),
                (report.reference, reverse("reports:issued_detail", args=[report.pk])),
                (_("So với bản đã phát hành"), None),
            ],
        },
    )


def compare_latest(request, kind: str):
    """From a report's screen: compare with the last issued version of that report and year."""
    if kind not in KINDS:
        raise Http404
    if not is_federation_reader(request.user) or not may_see_report(request.user, kind):
        raise PermissionDenied
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope)
    except ValueError:
        return HttpResponseBadRequest(_("Năm không hợp lệ."), content_type="text/plain; charset=utf-8")
    issued = register.latest_issued(request.user, kind, year)
    if issued is None:
        messages.info(request, _("Báo cáo này của năm %(y)s chưa được phát hành.") % {"y": year})
        return redirect(f"{reverse('reports:register')}?kind={kind}")
    return redirect("reports:issued_compare", pk=issued.pk)


# ---------------------------------------------------------------------------------------
# A new year: what it needs, prepared from an earlier year (staff and leadership)
# ---------------------------------------------------------------------------------------


class _NewYearForms:
    """The sections of the "Năm mới" form: only the pieces the year is missing."""

    def __init__(self, request, status: newyear.YearStatus, proposal: newyear.Proposal):
        data = request.POST if request.method == "POST" else None
        user, year = request.user, status.year
        self.plan_choice = self.plan = self.target = self.quotas = self.policy = None
        if status.target is None:
            plans = newyear.plans_for(user, year)
            covering = [p for p in plans if p.from_year <= year <= p.to_year]
            self.plan_choice = NewYearPlanChoiceForm(
                data,
                prefix="c",
                user=user,
                plans=plans,
                initial={"plan": covering[0].pk if covering else None, "add_plan": not covering},
            )
            latest = plans[0] if plans else None
            self.plan = PlanForm(
                data,
                prefix="p",
                initial={
                    "issuer": getattr(latest, "issuer", ""),
                    "title": getattr(latest, "title", ""),
                    "from_year": year,
                    "to_year": year,
                },
            )
            source = proposal.target
            self.target = NewYearTargetForm(
                data,
                prefix="t",
                initial={
                    "classes": getattr(source, "classes", 0),
                    "learners": getattr(source, "learners", 0),
                    "introductions": getattr(source, "introductions", 0),
                    "party_cells": getattr(source, "party_cells", 0),
                },
            )
        missing = status.unions_without_quota
        if missing:
            initial = [
                {"union_id": u.pk, "union_name": f"{u.code} — {u.name}", "introduce": proposal.quotas.get(u.pk)}
                for u in missing
            ]
            self.quotas = QuotaFormSet(data, initial=initial, prefix="q")
        if not status.policies and newyear.may_add_policy(user):
            self.policy = _policy_form(data, user, proposal.policy, year)

    def sections(self) -> list:
        return [f for f in (self.plan_choice, self.target, self.quotas, self.policy) if f is not None]

    def is_valid(self, year: int) -> bool:
        valid = all([f.is_valid() for f in self.sections()])
        if self.plan_choice is not None and self.plan_choice.is_valid() and self.plan_choice.cleaned_data["add_plan"]:
            valid = self.plan.is_valid() and valid
            period = self.plan.cleaned_data if self.plan.is_valid() else None
            if period and not period["from_year"] <= year <= period["to_year"]:
                self.plan.add_error("to_year", _("Kế hoạch phải áp dụng cho năm %(y)s.") % {"y": year})
                valid = False
        if self.policy is not None and self.policy.is_valid() and self.policy.cleaned_data.get("create"):
            start, end = self.policy.cleaned_data["from_year"], self.policy.cleaned_data["to_year"]
            if not start <= year <= end:
                self.policy.add_error("to_year", _("Chế độ phải áp dụng cho năm %(y)s.") % {"y": year})
                valid = False
        return valid

    def save(self, user, status: newyear.YearStatus, expected: str) -> None:
        plan = new_plan = target_values = policy = None
        if self.plan_choice is not None:
            if self.plan_choice.cleaned_data["add_plan"]:
                new_plan = self.plan.save(commit=False)
            else:
                plan = self.plan_choice.cleaned_data["plan"]
            target_values = {
                k: self.target.cleaned_data[k] for k in ("classes", "learners", "introductions", "party_cells")
            }
        quota_values = (
            {f.cleaned_data["union_id"]: f.cleaned_data["introduce"] for f in self.quotas} if self.quotas else {}
        )
        if self.policy is not None and self.policy.cleaned_data.get("create"):
            policy = self.policy.save(commit=False)
        if plan is None and new_plan is None and status.target is not None:
            plan = status.target.plan
        newyear.save_year(user, status, expected, plan, new_plan, target_values, quota_values, policy)


def _policy_form(data, user, source, year: int):
    initial = {"from_year": year, "to_year": year, "create": True}
    if source is not None:
        initial.update(
            name=source.name,
            amount=source.amount,
            funding_source=source.funding_source,
            basis=source.basis,
            note=source.note,
        )
    return NewYearPolicyForm(data, prefix="s", user=user, initial=initial)


def new_year(request):
    """What the year needs (plan and targets, quotas, stipend policy, classes), and the
    missing pieces proposed from the latest earlier year for review, saved all or nothing."""
    if not newyear.may_prepare(request.user):
        raise PermissionDenied
    scope = Scope(user=request.user)
    try:
        year = _year(request, scope)
    except ValueError:
        return HttpResponseBadRequest(_("Năm không hợp lệ."), content_type="text/plain; charset=utf-8")
    federation = scope.issuing_federation()
    status = newyear.year_status(request.user, federation, year)
    proposal = newyear.prepare(request.user, federation, year)
    forms_ = _NewYearForms(request, status, proposal)
    if request.method == "POST":
        if not forms_.sections():
            return redirect(f"{request.path}?year={year}")
        if forms_.is_valid(year):
            try:
                forms_.save(request.user, status, request.POST.get("fingerprint", ""))
            except PermissionError as error:
                raise PermissionDenied from error
            except (newyear.StaleYear, IntegrityError) as error:
                messages.error(request, str(error) if isinstance(error, newyear.StaleYear) else _STALE_OR_DUPLICATE)
            else:
                messages.success(request, _("Đã chuẩn bị năm %(y)s.") % {"y": year})
                return redirect(f"{request.path}?year={year}")
        else:
            messages.error(request, _("Chưa lưu gì: hãy sửa các ô báo lỗi."))
    this_year = timezone.localdate().year
    context = {
        "year": year,
        "years": list(range(this_year + 1, queries.FIRST_YEAR - 1, -1)),
        "status": status,
        "proposal": proposal,
        "forms": forms_,
        "fingerprint": newyear.fingerprint(request.user, federation, year),
        "quota_rows": list(zip(status.unions_without_quota, forms_.quotas or [], strict=False)),
        "may_add_policy": newyear.may_add_policy(request.user),
        "breadcrumbs": [(_("Báo cáo"), "reports:centre"), (_("Năm mới"), None)],
    }
    return render(request, "reports/new_year.html", context)


_STALE_OR_DUPLICATE = gettext_lazy(
    "Chưa lưu gì: đã có kế hoạch cùng số hoặc chế độ hỗ trợ cùng tên bắt đầu từ năm này. Hãy đổi lại rồi lưu."
)
