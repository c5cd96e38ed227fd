from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from classes.forms import StipendPolicyForm
from tienlang.lib.versioning import VersionedFormMixin
from unions.models import PartyOrganization

from .models import DocumentType, FederationTarget, Plan, YearlyAggregate


class QuotaForm(forms.Form):
    union_id = forms.IntegerField(widget=forms.HiddenInput)
    union_name = forms.CharField(required=False, disabled=True, label=_("Công đoàn cơ sở"))
    # Blank: the union has no quota this year (no row); 0 is a quota of zero.
    introduce = forms.IntegerField(
        label=_("Chỉ tiêu giới thiệu"),
        required=False,
        min_value=0,
        max_value=100000,
        error_messages={"min_value": _("Chỉ tiêu không được âm."), "invalid": _("Chỉ tiêu phải là số nguyên.")},
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end input-number-narrow"}),
    )


QuotaFormSet = forms.formset_factory(QuotaForm, extra=0)


class PlanForm(forms.ModelForm):
    """A new plan (kế hoạch) the year's targets come from."""

    class Meta:
        model = Plan
        fields = ["number", "issued_on", "issuer", "title", "from_year", "to_year"]
        widgets = {"issued_on": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
            field.error_messages["required"] = _("Hãy nhập %(f)s.") % {"f": field.label}


class NewYearTargetForm(forms.ModelForm):
    """The federation's targets of the new year (its plan is picked or added beside it)."""

    class Meta:
        model = FederationTarget
        fields = ["classes", "learners", "introductions", "party_cells"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm input-number-narrow"


class FederationTargetForm(forms.ModelForm):
    class Meta:
        model = FederationTarget
        fields = ["plan", "classes", "learners", "introductions", "party_cells"]

    def __init__(self, *args, user, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Left blank (an older form, a federation that has no such target): none to introduce.
        self.fields["introductions"].required = False
        plans = Plan.objects.for_user(user)
        self.fields["plan"].queryset = plans
        if year is not None:
            # The plans whose period covers the year first, each with its period, so the plan
            # of the year is the obvious choice (not the one a previous year used).
            ordered = sorted(plans, key=lambda p: (not p.from_year <= year <= p.to_year, -p.to_year, p.pk))
            self.fields["plan"].choices = [("", "---------")] + [
                (p.pk, f"{p} — {p.from_year}–{p.to_year}") for p in ordered
            ]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    def clean_introductions(self):
        return self.cleaned_data.get("introductions") or 0


def _target_number(label, limit: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=limit,
        error_messages={
            "min_value": _("không được âm."),
            "max_value": _("quá lớn (tối đa %(limit_value)s)."),
            "invalid": _("phải là số nguyên."),
        },
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end input-number-narrow"}),
    )


class GivenTargetForm(forms.Form):
    """The targets the level above gives one federation below it for a year.

    All four blank: not given (a target this level gave earlier is withdrawn); 0 is a target of zero.
    """

    federation_id = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    classes = _target_number(_("Số lớp cần mở"), 10000)
    learners = _target_number(_("Số học viên"), 1000000)
    introductions = _target_number(_("Số người giới thiệu cho Đảng"), 1000000)
    party_cells = _target_number(_("Số tổ chức Đảng mới"), 10000)

    NUMBERS = ("classes", "learners", "introductions", "party_cells")

    def clean(self):
        data = super().clean()
        if self.initial and data.get("federation_id") != self.initial.get("federation_id"):
            raise forms.ValidationError(_("Danh sách liên đoàn cấp dưới đã thay đổi; hãy tải lại trang."), code="stale")
        filled = [name for name in self.NUMBERS if data.get(name) is not None or name in self.errors]
        if filled and len(filled) < len(self.NUMBERS):
            for name in self.NUMBERS:
                if name not in filled:
                    self.add_error(name, _("hãy nhập số (0 nếu không giao), hoặc để trống cả dòng."))
        return data

    def problems(self) -> list[str]:
        """Each error as "Federation — field: message", for the summary above the form."""
        name = self.initial.get("federation_name", "")
        lines = []
        for field_name, errors in self.errors.items():
            label = self.fields[field_name].label if field_name in self.fields and field_name != "__all__" else ""
            for error in errors:
                lines.append(f"{name} — {label}: {error}" if label else f"{name}: {error}")
        return lines


GivenTargetFormSet = forms.formset_factory(GivenTargetForm, extra=0)


class GivenPlanForm(forms.Form):
    """The plan or decision of the upper level that the targets it gives come from."""

    plan = forms.TypedChoiceField(label=_("Theo kế hoạch, quyết định"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {p.pk: p for p in plans}
        self.fields["plan"].choices = [("", "---------")] + [(p.pk, f"{p} — {p.from_year}–{p.to_year}") for p in plans]
        self.fields["plan"].error_messages["invalid_choice"] = _("Kế hoạch đã chọn không có trong danh sách.")
        self.fields["plan"].widget.attrs["class"] = "form-select form-select-sm"

    def chosen(self) -> Plan | None:
        pk = self.cleaned_data.get("plan")
        return self.plans.get(pk) if pk else None


class AggregateForm(VersionedFormMixin, forms.ModelForm):
    """One year, or one period of years, of totals kept on paper."""

    class Meta:
        model = YearlyAggregate
        fields = ["start_year", "end_year", "introduced", "admitted", "source"]
        error_messages = {
            "start_year": {"required": _("Hãy nhập năm bắt đầu."), "invalid": _("Năm phải là số, ví dụ 2019.")},
            "end_year": {"invalid": _("Năm phải là số, ví dụ 2021.")},
            "introduced": {"invalid": _("Số được giới thiệu phải là số nguyên.")},
            "admitted": {"invalid": _("Số được kết nạp phải là số nguyên.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_year"].required = False
        self.fields["end_year"].help_text = _("Để trống nếu chỉ một năm.")
        for name, field in self.fields.items():
            if name != "version":
                field.widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is None and "end_year" not in self.errors:
            data["end_year"] = end = start
        if start is not None and end is not None and end < start:
            self.add_error(
                "end_year",
                _("Năm kết thúc (%(end)s) phải sau hoặc bằng năm bắt đầu (%(start)s).")
                % {
                    "end": end,
                    "start": start,
                },
            )
        return data


def _label(start: int, end: int) -> str:
    return _("năm %(y)s") % {"y": start} if start == end else _("giai đoạn %(a)s–%(b)s") % {"a": start, "b": end}


def _years(years) -> str:
    return ", ".join(str(y) for y in sorted(years))


class BaseAggregateFormSet(forms.BaseModelFormSet):
    """Each year is counted once: no year typed in twice, no two periods sharing a year.

    A period that covers years also typed in one by one (the demo's "2020 – 03/2022" beside
    2020) is accepted: the multi-year report shows it as a note, not in the total, and the
    screen says so after saving (`overlap_notes`).
    """

    def clean(self):
        super().clean()
        self.overlap_notes: list[str] = []
        entries = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE") or not form.cleaned_data:
                continue
            start, end = form.cleaned_data.get("start_year"), form.cleaned_data.get("end_year")
            if start is None or end is None or end < start:
                continue
            for other, other_start, other_end in entries:
                self._check_pair(form, start, end, other_start, other_end)
            entries.append((form, start, end))
            introduced, admitted = form.cleaned_data.get("introduced"), form.cleaned_data.get("admitted")
            if admitted is not None and introduced is not None and admitted > introduced * 2:
                form.add_error("admitted", _("Số kết nạp lớn bất thường so với số được giới thiệu; hãy kiểm tra lại."))

    def _check_pair(self, form, start: int, end: int, other_start: int, other_end: int) -> None:
        shared = set(range(start, end + 1)) & set(range(other_start, other_end + 1))
        if not shared:
            return
        single, other_single = start == end, other_start == other_end
        if single and other_single:
            form.add_error("start_year", _("Năm %(y)s bị nhập hai lần.") % {"y": start})
        elif single or other_single:
            period = (other_start, other_end) if single else (start, end)
            self.overlap_notes.append(
                _(
                    "%(period)s trùng với %(years)s đã nhập riêng từng năm: báo cáo nhiều năm chỉ ghi "
                    "%(period)s làm ghi chú, không cộng vào tổng, để không năm nào bị tính hai lần."
                )
                % {"period": _label(*period).capitalize(), "years": _("năm %(y)s") % {"y": _years(shared)}}
            )
        else:
            form.add_error(
                "start_year",
                _(
                    "%(this)s trùng với %(other)s ở %(years)s: mỗi năm chỉ được tính một lần; hãy nhập "
                    "từng năm, hoặc các giai đoạn không trùng nhau."
                )
                % {
                    "this": _label(start, end).capitalize(),
                    "other": _label(other_start, other_end),
                    "years": _("năm %(y)s") % {"y": _years(shared)},
                },
            )


AggregateFormSet = forms.modelformset_factory(
    YearlyAggregate, form=AggregateForm, formset=BaseAggregateFormSet, extra=2, can_delete=True
)


class IssueForm(forms.Form):
    """Issue a report: the register gives the number; staff name the signer and recipients."""

    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.none(), empty_label=None
    )
    issued_on = forms.DateField(
        label=_("Ngày phát hành"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "invalid": _("Ngày phát hành phải có dạng dd/mm/yyyy."),
            "required": _("Hãy nhập ngày phát hành."),
        },
    )
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120)
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Hãy ghi ít nhất một nơi nhận.")},
    )
    addressed_to = forms.ModelMultipleChoiceField(
        label=_("Gửi tổ chức Đảng (người xem của tổ chức đó và cấp trên đọc được văn bản)"),
        queryset=PartyOrganization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, user, signers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = DocumentType.objects.for_user(user).order_by("code")
        self.fields["addressed_to"].queryset = (
            PartyOrganization.objects.for_user(user).filter(retired_on__isnull=True).order_by("name")
        )
        self.signers = list(signers)
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
            field.widget.attrs["class"] = css
        self.fields["issued_on"].widget.attrs["placeholder"] = "dd/mm/yyyy"
        self.fields["signer_name"].widget.attrs["list"] = "signers"

    def clean_issued_on(self):
        value = self.cleaned_data["issued_on"]
        today = datetime.date.today()
        if value > today:
            raise forms.ValidationError(
                _("Ngày phát hành %(d)s chưa đến: chỉ phát hành văn bản với ngày hôm nay hoặc trước đó.")
                % {"d": value.strftime("%d/%m/%Y")}
            )
        if value.year < today.year - 1:
            raise forms.ValidationError(
                _("Ngày phát hành %(d)s đã quá xa: sổ văn bản đi chỉ nhận năm nay và năm trước.")
                % {"d": value.strftime("%d/%m/%Y")}
            )
        return value

    def clean_recipients(self):
        lines = [
            line.strip().lstrip("-").strip().rstrip(";").strip()
            for line in self.cleaned_data["recipients"].splitlines()
        ]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Hãy ghi ít nhất một nơi nhận."))
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("Mỗi nơi nhận tối đa 200 ký tự."))
        return lines


class NewYearPlanChoiceForm(forms.Form):
    """Which plan the new year's targets come from: one already kept, or a new one."""

    plan = forms.ModelChoiceField(label=_("Theo kế hoạch"), queryset=Plan.objects.none(), required=False)
    add_plan = forms.BooleanField(label=_("Thêm kế hoạch mới cho năm này"), required=False)

    def __init__(self, *args, user, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.for_user(user).filter(pk__in=[p.pk for p in plans])
        self.fields["plan"].choices = [("", "---------")] + [(p.pk, f"{p} — {p.from_year}–{p.to_year}") for p in plans]
        self.fields["plan"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["add_plan"].widget.attrs["class"] = "form-check-input"


class NewYearPolicyForm(StipendPolicyForm):
    """The stipend policy of the new year, copied from the last one for review."""

    create = forms.BooleanField(label=_("Thêm chế độ hỗ trợ này cho năm mới"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.fields["create"].widget.attrs["class"] = "form-check-input"

    def full_clean(self):
        # Unticked, the policy is not added and its fields are not checked.
        if self.is_bound and not self.data.get(self.add_prefix("create")):
            self.cleaned_data = {"create": False}
            self._errors = forms.utils.ErrorDict()
            return
        super().full_clean()
