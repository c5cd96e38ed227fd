"""The nomination upload pages: template download, upload, a preview of every row, save.

The uploaded bytes are kept on a `NominationImport` (with their SHA-256) between the
preview and the confirmation; confirming reads and judges those stored bytes again and
never trusts anything posted back. Imports are reached only through
`NominationImport.objects.for_user`, so another union's preview is a 404.
"""

from __future__ import annotations

import datetime
import os

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import FormView

from jobs.runner import enqueue
from tienlang.lib.xlsx import MAX_UPLOAD_BYTES, UploadError, xlsx_response
from unions.models import GrassrootsUnion
from unions.permissions import RoleRequiredMixin, is_chair, is_district_staff, user_union_id

from .. import imports, jobs, services
from ..models import NominationImport

# A preview nobody confirmed is dropped after this long: the stored file holds personal data.
PREVIEW_LIFETIME = datetime.timedelta(days=1)


class ImporterMixin(RoleRequiredMixin):
    """District staff (any union in their scope) and union chairs (their own union)."""

    def test_role(self, user) -> bool:
        return is_district_staff(user) or is_chair(user)


def person_name(user) -> str:
    """Vietnamese order: family and middle names before the given name."""
    if user is None:
        return _("Hệ thống (lệnh nhập)")
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def crumbs(*extra) -> list:
    return [(gettext_lazy("Hồ sơ nguồn"), "candidates:nomination_list"), *extra]


class TemplateDownloadView(ImporterMixin, View):
    def get(self, request):
        union = None
        if is_chair(request.user):
            union = GrassrootsUnion.objects.for_user(request.user).first()
        year = timezone.localdate().year
        return xlsx_response(imports.build_template(union=union, year=year), "mau-danh-sach-nguon.xlsx")


def year_choices(today: datetime.date | None = None) -> list[tuple[int, str]]:
    year = (today or timezone.localdate()).year
    return [(y, str(y)) for y in range(year + 1, year - 6, -1)]


class NominationUploadForm(forms.Form):
    union = forms.ModelChoiceField(label=gettext_lazy("Công đoàn cơ sở"), queryset=GrassrootsUnion.objects.none())
    year = forms.TypedChoiceField(label=gettext_lazy("Năm giới thiệu"), coerce=int, choices=())
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách (.xlsx)"),
        help_text=gettext_lazy("Tệp Excel .xlsx theo tệp mẫu, tối đa 10 MB và 5.000 dòng."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The only unions offered (and accepted) are those in the user's scope.
        unions = GrassrootsUnion.objects.for_user(user).select_related("federation").order_by("name", "pk")
        self.fields["union"].queryset = unions
        if is_chair(user):
            self.fields["union"].empty_label = None
            self.fields["union"].initial = user_union_id(user)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload

    def clean_union(self):
        union = self.cleaned_data["union"]
        if not services.can_nominate_for(self.user, union):
            raise forms.ValidationError(_("Bạn không được nhập hồ sơ cho công đoàn cơ sở này."))
        return union


class ImportUploadView(ImporterMixin, FormView):
    form_class = NominationUploadForm
    template_name = "candidates/import_upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Tải lên danh sách đoàn viên từ Excel"),
            breadcrumbs=crumbs((_("Tải lên từ Excel"), None)),
            columns=imports.COLUMNS,
            max_rows=f"{imports.MAX_IMPORT_ROWS:,}".replace(",", "."),
            recent=list(
                NominationImport.objects.for_user(self.request.user)
                .select_related("union", "uploaded_by")
                .defer("content")[:10]
            ),
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        union = form.cleaned_data["union"]
        year = form.cleaned_data["year"]
        upload.seek(0)
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            result = imports.analyse(data, union, year, user=self.request.user)
        except UploadError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        expire_stale_previews()
        record = NominationImport.objects.create(
            federation=union.federation,
            union=union,
            year=year,
            file_name=os.path.basename(upload.name or "")[:255] or "danh-sach.xlsx",
            sha256=result.sha256,
            content=data,
            rows_total=len(result.rows),
            uploaded_by=self.request.user,
        )
        return redirect("candidates:import_preview", pk=record.pk)


def expire_stale_previews() -> None:
    """Previews never confirmed: keep the record (who, when, SHA-256), drop the personal data."""
    NominationImport.objects.filter(
        state=NominationImport.State.PREVIEW, uploaded_at__lt=timezone.now() - PREVIEW_LIFETIME
    ).update(state=NominationImport.State.REFUSED, content=b"")


class ImportPreviewView(ImporterMixin, View):
    template_name = "candidates/import_preview.html"

    def get_record(self, for_update: bool = False) -> NominationImport:
        queryset = NominationImport.objects.for_user(self.request.user).select_related(
            "union", "union__federation", "uploaded_by"
        )
        if for_update:
            queryset = queryset.select_for_update(of=("self",))
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get(self, request, pk):
        record = self.get_record()
        if record.state != NominationImport.State.PREVIEW:
            return self.not_pending(record)
        try:
            result = imports.analyse(bytes(record.content), record.union, record.year, user=request.user)
        except UploadError as exc:
            return self.render(record, None, upload_error=str(exc))
        return self.render(record, result)

    def post(self, request, pk):
        if "discard" not in request.POST:
            large = self.start_background_save()
            if large is not None:
                return large
        with transaction.atomic():
            # Locked: a double click, or two tabs, cannot save the same file twice.
            record = self.get_record(for_update=True)
            if record.state != NominationImport.State.PREVIEW:
                return self.not_pending(record)
            if not services.can_nominate_for(request.user, record.union):
                raise PermissionDenied
            if "discard" in request.POST:
                record.state, record.content = NominationImport.State.REFUSED, b""
                record.save(update_fields=["state", "content"])
                messages.info(request, _("Đã hủy tệp “%(f)s”; không lưu hồ sơ nào.") % {"f": record.file_name})
                return redirect("candidates:import_upload")
            try:
                result = imports.import_file(
                    bytes(record.content), record.union, record.year, user=request.user, record=record
                )
            except UploadError as exc:
                return self.render(record, None, upload_error=str(exc))
        if result.ok and result.record is not None:
            count = len(result.saved)
            messages.success(request, _("Đã lưu %(n)s hồ sơ") % {"n": count})
            asked = sum(1 for row in result.rows if row.held_elsewhere is not None)
            if asked:
                messages.info(
                    request,
                    _(
                        "%(n)s dòng có số CCCD đã có trong dữ liệu của Liên đoàn: đã gửi đề nghị để cán bộ LĐLĐ "
                        "nơi đang quản lý xác nhận; hồ sơ sẽ được mở khi đề nghị được chấp nhận."
                    )
                    % {"n": asked},
                )
            if result.rows_with_warnings:
                messages.warning(
                    request,
                    _("%(n)s hồ sơ có cảnh báo, đã được đánh dấu để cán bộ LĐLĐ xem xét.")
                    % {"n": result.rows_with_warnings},
                )
            return redirect("candidates:nomination_list")
        messages.error(request, _("Chưa lưu hồ sơ nào: tệp còn lỗi. Hãy sửa tệp rồi tải lên lại."))
        return self.render(record, result, status=200)

    def start_background_save(self):
        """A file of thousands of rows is saved by a background job whose page shows its progress."""
        record = self.get_record()
        if record.rows_total <= jobs.BACKGROUND_IMPORT_ROWS or record.state != NominationImport.State.PREVIEW:
            return None
        if not services.can_nominate_for(self.request.user, record.union):
            raise PermissionDenied
        label = _("Lưu %(n)s hồ sơ từ tệp “%(f)s”") % {"n": record.rows_total, "f": record.file_name}
        # Each row is read (and judged again) then saved: two steps per row.
        job = enqueue("nomination_import", self.request.user, label, {"record": record.pk}, total=2 * record.rows_total)
        return redirect(job)

    def not_pending(self, record: NominationImport):
        if record.state == NominationImport.State.SAVED:
            messages.info(
                self.request,
                _("Tệp “%(f)s” đã được lưu (%(n)s hồ sơ).") % {"f": record.file_name, "n": record.rows_saved},
            )
            return redirect("candidates:nomination_list")
        messages.warning(
            self.request,
            _("Bản xem trước của tệp “%(f)s” đã hủy hoặc hết hạn; hãy tải tệp lên lại.") % {"f": record.file_name},
        )
        return redirect("candidates:import_upload")

    def render(self, record, result, upload_error: str = "", status: int = 200):
        context = {
            "record": record,
            "result": result,
            "upload_error": upload_error,
            "title": _("Kiểm tra tệp “%(f)s”") % {"f": record.file_name},
            "breadcrumbs": crumbs(
                (_("Tải lên từ Excel"), reverse("candidates:import_upload")), (record.file_name, None)
            ),
            "can_save": result is not None and result.ok,
            "uploader": person_name(record.uploaded_by),
        }
        return render(self.request, self.template_name, context, status=status)
