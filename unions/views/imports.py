"""Excel import of enterprises and unions: template → upload and preview → confirm (staff only).

Between the preview and the confirmation the raw rows wait in the server-side session under
a random token (the browser holds only the token). Confirming checks every row again inside
the saving transaction, so nothing stale or tampered with is ever saved.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from tienlang.lib.xlsx import UploadError, read_upload, xlsx_response

from .. import imports
from ..forms import EnterpriseImportForm
from ..models import Federation
from ..permissions import StaffRequiredMixin, is_district_staff
from .common import Breadcrumbs

SESSION_KEY = "unions_import"
TEMPLATE = "unions/import.html"


@require_GET
def import_template(request):
    """The file staff fill in: the header row and one example row."""
    if not is_district_staff(request.user):
        raise PermissionDenied
    return xlsx_response(imports.build_template_workbook(), "mau-nhap-doanh-nghiep.xlsx")


class ImportBaseView(StaffRequiredMixin, Breadcrumbs, View):
    def get_breadcrumbs(self):
        return [(_("Doanh nghiệp"), "unions:enterprise_list"), (_("Nhập từ Excel"), None)]

    def render_page(self, form=None, result=None, token=None, upload_error=None, filename=None, status=200):
        context = {
            "form": form or EnterpriseImportForm(user=self.request.user),
            "result": result,
            "token": token,
            "upload_error": upload_error,
            "filename": filename,
            "columns": imports.COLUMNS,
            "breadcrumbs": self.get_breadcrumbs(),
            "title": _("Nhập doanh nghiệp và công đoàn cơ sở từ Excel"),
        }
        return render(self.request, TEMPLATE, context, status=status)


class ImportView(ImportBaseView):
    """GET: the upload form. POST: read and check the file, then show every row and its problems."""

    def get(self, request):
        return self.render_page()

    def post(self, request):
        form = EnterpriseImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_page(form=form)
        upload = form.cleaned_data["file"]
        try:
            sheet = read_upload(upload, imports.COLUMNS, max_rows=imports.MAX_IMPORT_ROWS)
        except UploadError as exc:
            return self.render_page(form=form, upload_error=str(exc), filename=upload.name)
        if not sheet.rows:
            return self.render_page(
                form=form, upload_error=_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."), filename=upload.name
            )
        federation = form.federation
        result = imports.check_rows(sheet.rows, sheet.headers, federation)
        token = None
        request.session.pop(SESSION_KEY, None)
        if result.ok:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "token": token,
                "federation": federation.pk,
                "filename": upload.name,
                "headers": sheet.headers,
                "rows": imports.rows_to_session(sheet.rows),
            }
        return self.render_page(form=form, result=result, token=token, filename=upload.name)


class ImportConfirmView(ImportBaseView):
    """POST the token of a clean preview: check again and save every row, or nothing."""

    def post(self, request):
        pending = request.session.get(SESSION_KEY)
        token = request.POST.get("token", "")
        if not pending or not secrets.compare_digest(str(pending.get("token", "")), token):
            messages.error(request, _("Phiên nhập đã hết hạn hoặc đã được lưu. Hãy tải tệp lên lại."))
            return HttpResponseRedirect(reverse("unions:import"))
        federation = Federation.objects.for_user(request.user).filter(pk=pending["federation"]).first()
        if federation is None or not self._may_import_into(federation):
            request.session.pop(SESSION_KEY, None)
            messages.error(request, _("Đồng chí không có quyền nhập vào liên đoàn này."))
            return HttpResponseRedirect(reverse("unions:import"))
        rows = imports.rows_from_session(pending["rows"])
        try:
            result = imports.save_rows(rows, pending["headers"], federation, request.user)
        except imports.ImportRefused as refused:
            request.session.pop(SESSION_KEY, None)
            messages.error(
                request, _("Dữ liệu đã thay đổi từ lúc kiểm tra; chưa lưu dòng nào. Hãy sửa tệp và tải lên lại.")
            )
            return self.render_page(result=refused.result, filename=pending.get("filename"))
        request.session.pop(SESSION_KEY, None)
        unions = sum(1 for row in result.rows if row.union)
        messages.success(
            request,
            _("Đã nhập %(n)s doanh nghiệp và %(u)s công đoàn cơ sở từ tệp %(file)s.")
            % {"n": len(result.rows), "u": unions, "file": pending.get("filename", "")},
        )
        return HttpResponseRedirect(reverse("unions:enterprise_list"))

    def _may_import_into(self, federation) -> bool:
        profile = getattr(self.request.user, "profile", None)
        return self.request.user.is_superuser or (profile is not None and profile.federation_id == federation.pk)
