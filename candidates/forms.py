from __future__ import annotations

import re

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tienlang.lib.forms import PlainSelect
from tienlang.lib.text import clean_text, strip_invisible
from tienlang.lib.versioning import version_field
from unions.models import GrassrootsUnion, PartyOrganization
from unions.permissions import is_district_staff, user_union_id

from .eligibility import full_months
from .models import (
    CITIZEN_ID_RE,
    DEFAULT_CONSENT_PURPOSE,
    PHONE_RE,
    Education,
    Introduction,
    LegalBasis,
    RequestKind,
    RequestStatus,
    Sex,
    Status,
)
from .services import PERSON_FIELDS

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class NominationForm(forms.Form):
    """The chair's nomination of one person (person's details + the chair's assessment)."""

    union = forms.ModelChoiceField(label=_("Công đoàn cơ sở"), queryset=GrassrootsUnion.objects.none())
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    date_of_birth = forms.DateField(label=_("Ngày sinh"), widget=DATE_WIDGET)
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=40, initial="Kinh")
    religion = forms.CharField(label=_("Tôn giáo"), max_length=60, initial="Không")
    citizen_id = forms.CharField(
        label=_("Số CCCD"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    education = forms.ChoiceField(label=_("Trình độ học vấn"), choices=Education.choices, initial=Education.GRADE_12)
    profession = forms.CharField(label=_("Chuyên môn, nghề nghiệp"), max_length=120, required=False)
    job_title = forms.CharField(label=_("Chức vụ, công việc"), max_length=120, required=False)
    union_joined_on = forms.DateField(label=_("Ngày vào Công đoàn"), widget=DATE_WIDGET)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, required=False)
    residence_province = forms.CharField(label=_("Tỉnh/Thành phố thường trú"), max_length=80)
    residence_district = forms.CharField(label=_("Quận/Huyện thường trú"), max_length=80)
    residence_commune = forms.CharField(label=_("Xã/Phường thường trú"), max_length=80)
    current_address = forms.CharField(label=_("Nơi ở hiện nay"), max_length=255, required=False)
    is_party_member = forms.BooleanField(label=_("Đã là đảng viên"), required=False)
    discipline_until = forms.DateField(
        label=_("Đang chịu kỷ luật đến ngày"), required=False, widget=DATE_WIDGET, help_text=_("Để trống nếu không.")
    )
    nominated_on = forms.DateField(label=_("Ngày giới thiệu"), widget=DATE_WIDGET, initial=timezone.localdate)
    voluntary_application = forms.BooleanField(label=_("Đã có đơn tự nguyện của đoàn viên"), required=True)
    chair_assessment = forms.CharField(
        label=_("Nhận xét của Chủ tịch CĐCS"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lập trường chính trị, phẩm chất đạo đức, gương mẫu trong lao động, hoạt động công đoàn."),
    )
    qualities_confirmed = forms.BooleanField(
        label=_("Tôi xác nhận đoàn viên đạt các tiêu chuẩn về chính trị, đạo đức, được tập thể tín nhiệm"),
        required=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["union"].queryset = GrassrootsUnion.objects.for_user(user).select_related("enterprise")
        if not is_district_staff(user):
            # A chair nominates for their own union only: whatever the request says is ignored.
            del self.fields["union"]
            self.own_union = GrassrootsUnion.objects.for_user(user).filter(pk=user_union_id(user)).first()
        self.helper = FormHelper()
        self.helper.form_id = "nomination-form"
        self.helper.attrs = {"data-check-url": "/candidates/check/"}
        self.helper.layout = Layout(
            # The summary of the findings, at the top; each finding is also shown beside its
            # field as the chair types (static/js/eligibility.js places them).
            HTML('<div id="eligibility-feedback" aria-live="polite">{% include "candidates/_findings.html" %}</div>'),
            "union" if "union" in self.fields else HTML(""),
            Fieldset(
                _("Thông tin đoàn viên"),
                Div(
                    Div("full_name", css_class="col-md-6"),
                    Div("sex", css_class="col-md-2"),
                    Div("date_of_birth", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("citizen_id", css_class="col-md-4"),
                    Div("ethnicity", css_class="col-md-4"),
                    Div("religion", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("education", css_class="col-md-4"),
                    Div("profession", css_class="col-md-4"),
                    Div("job_title", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(Div("union_joined_on", css_class="col-md-4"), Div("phone", css_class="col-md-4"), css_class="row"),
            ),
            Fieldset(
                _("Nơi thường trú"),
                Div(
                    Div("residence_province", css_class="col-md-4"),
                    Div("residence_district", css_class="col-md-4"),
                    Div("residence_commune", css_class="col-md-4"),
                    css_class="row",
                ),
                "current_address",
            ),
            Fieldset(
                _("Điều kiện"),
                Div(
                    Div("is_party_member", css_class="col-md-4"),
                    Div("discipline_until", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Giới thiệu"),
                "nominated_on",
                "voluntary_application",
                "chair_assessment",
                "qualities_confirmed",
            ),
            HTML(
                '<p id="eligibility-status" class="small mb-2" data-testid="findings-count">'
                "{% load i18n %}{% if findings %}{% blocktranslate count n=findings|length %}"
                '{{ n }} điều cần xem trước khi gửi: <a href="#eligibility-feedback">xem ở đầu trang</a>.'
                "{% plural %}"
                '{{ n }} điều cần xem trước khi gửi: <a href="#eligibility-feedback">xem ở đầu trang</a>.'
                "{% endblocktranslate %}{% endif %}</p>"
            ),
            StrictButton(
                _("Kiểm tra điều kiện"),
                type="submit",
                name="action",
                value="check",
                css_class="btn-outline-primary",
                formnovalidate="formnovalidate",
            ),
            Submit("save", _("Gửi hồ sơ"), css_class="ms-2"),
        )

    def clean_citizen_id(self) -> str:
        value = re.sub(r"[\s.\-]", "", strip_invisible(self.cleaned_data["citizen_id"]))
        if not CITIZEN_ID_RE.match(value):
            raise forms.ValidationError(_("Số CCCD phải gồm đúng 12 chữ số (giữ nguyên các số 0 ở đầu)."))
        return value

    def clean_phone(self) -> str:
        value = re.sub(r"[\s.\-]", "", strip_invisible(self.cleaned_data.get("phone")))
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(_("Số điện thoại Việt Nam không hợp lệ (ví dụ 0912345678)."))
        return value

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = clean_text(value) if name != "chair_assessment" else strip_invisible(value).strip()
        dob, joined = data.get("date_of_birth"), data.get("union_joined_on")
        if dob and joined and joined <= dob:
            self.add_error("union_joined_on", _("Ngày vào Công đoàn phải sau ngày sinh."))
        return data

    def chosen_union(self):
        return self.cleaned_data.get("union") if "union" in self.fields else self.own_union

    def person_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PERSON_FIELDS if name in self.cleaned_data}


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    happened_on = forms.DateField(label=_("Ngày"), widget=DATE_WIDGET, initial=timezone.localdate)
    reason = forms.CharField(label=_("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=40, required=False)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET, required=False)
    # Every Party organisation in reach (hundreds at a city): options written without a template each.
    organization = forms.ModelChoiceField(
        label=_("Tổ chức Đảng"), queryset=PartyOrganization.objects.none(), required=False, widget=PlainSelect
    )
    # Admission: the rules are judged on the day the Party cell considered the person.
    cell_considered_on = forms.DateField(label=_("Ngày chi bộ xét kết nạp"), widget=DATE_WIDGET, required=False)
    ceremony_on = forms.DateField(label=_("Ngày lễ kết nạp (ngày vào Đảng)"), widget=DATE_WIDGET, required=False)
    over_age_decision = forms.CharField(
        label=_("Quyết định của cấp ủy cấp tỉnh (kết nạp người trên 60 tuổi)"), max_length=120, required=False
    )

    def __init__(self, *args, user, nomination=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisation the person was introduced to is offered whatever its place.
        introduction = getattr(nomination, "introduction", None) if nomination is not None else None
        keep = [introduction.receiving_organization_id] if introduction is not None else None
        # The list and `details()` use the id and the name only.
        self.fields["organization"].queryset = (
            PartyOrganization.objects.for_user(user)
            .in_reach_of(user, getattr(nomination, "federation", None), keep=keep)
            .filter(retired_on__isnull=True)
            .only("pk", "name")
        )

    def clean(self):
        data = super().clean()
        if data.get("to_status") == Status.ADMITTED:
            if not data.get("decision_number"):
                self.add_error("decision_number", _("Cần số quyết định kết nạp."))
            if not data.get("organization"):
                self.add_error("organization", _("Cần tổ chức Đảng kết nạp."))
            if not data.get("cell_considered_on"):
                self.add_error("cell_considered_on", _("Cần ngày chi bộ xét kết nạp."))
        if data.get("to_status") == Status.OFFICIAL:
            if not data.get("decision_number"):
                self.add_error("decision_number", _("Cần số quyết định công nhận đảng viên chính thức."))
            if not data.get("decision_date"):
                self.add_error("decision_date", _("Cần ngày quyết định công nhận đảng viên chính thức."))
        if data.get("to_status") == Status.REMOVED:
            if not data.get("decision_number"):
                self.add_error("decision_number", _("Cần số quyết định xóa tên."))
            if not data.get("decision_date"):
                self.add_error("decision_date", _("Cần ngày quyết định xóa tên."))
        return data

    def details(self) -> dict:
        details = {}
        if self.cleaned_data.get("decision_number"):
            details["decision_number"] = self.cleaned_data["decision_number"]
        if self.cleaned_data.get("organization"):
            details["organization_id"] = self.cleaned_data["organization"].pk
            details["organization"] = self.cleaned_data["organization"].name
        for name in ("decision_date", "cell_considered_on", "ceremony_on"):
            if self.cleaned_data.get(name):
                details[name] = self.cleaned_data[name].isoformat()
        if self.cleaned_data.get("over_age_decision"):
            details["over_age_decision"] = self.cleaned_data["over_age_decision"]
        return details


class IntroductionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Introduction
        fields = [
            "resolution_number",
            "resolution_date",
            "meeting_date",
            "committee_total",
            "committee_present",
            "votes_for",
            "votes_against",
            "receiving_organization",
            "co_introducer_name",
            "co_introducer_worked_since",
            "residence_comment_requested",
        ]
        widgets = {
            "resolution_date": DATE_WIDGET,
            "meeting_date": DATE_WIDGET,
            "co_introducer_worked_since": DATE_WIDGET,
            "receiving_organization": PlainSelect,
        }

    def __init__(self, *args, user, nomination, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_organization"].queryset = (
            PartyOrganization.objects.for_user(user)
            .in_reach_of(user, nomination.federation)
            .filter(retired_on__isnull=True)
        )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        present, total = data.get("committee_present"), data.get("committee_total")
        votes_for, against = data.get("votes_for") or 0, data.get("votes_against") or 0
        if present is not None and total is not None and present > total:
            self.add_error("committee_present", _("Số ủy viên dự họp không thể lớn hơn tổng số ủy viên."))
        if present is not None and votes_for + against > present:
            self.add_error("votes_for", _("Tổng số phiếu vượt quá số ủy viên dự họp."))
        if total and votes_for * 2 <= total:
            self.add_error("votes_for", _("Nghị quyết giới thiệu cần trên một nửa tổng số ủy viên BCH tán thành."))
        meeting, since = data.get("meeting_date"), data.get("co_introducer_worked_since")
        if meeting and since:
            if full_months(since, meeting) < 12:
                self.add_error(
                    "co_introducer_worked_since",
                    _("Đảng viên giới thiệu phải cùng công tác với người vào Đảng ít nhất 12 tháng."),
                )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CorrectionForm(ReasonForm):
    to_status = forms.ChoiceField(label=_("Đưa về trạng thái"), choices=Status.choices)


# ---------------------------------------------------------------------------------------
# Forms of the personal-data section of a person's page and of the request register
# ---------------------------------------------------------------------------------------


class SmallWidgets:
    """Bootstrap's small controls on every field (the forms sit in a narrow card)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            small = "form-select-sm" if isinstance(field.widget, forms.Select) else "form-control-sm"
            field.widget.attrs.setdefault("class", f"{small.removesuffix('-sm')} {small}")


class LegalBasisForm(SmallWidgets, forms.Form):
    legal_basis = forms.ChoiceField(label=_("Căn cứ xử lý dữ liệu cá nhân"), choices=LegalBasis.choices)
    legal_basis_note = forms.CharField(
        label=_("Văn bản, ghi chú về căn cứ"),
        max_length=255,
        required=False,
        help_text=_("Bắt buộc khi căn cứ là quy định của pháp luật."),
    )
    version = version_field()  # the person's version when the page was opened


class ConsentForm(SmallWidgets, forms.Form):
    given_on = forms.DateField(label=_("Ngày đồng ý"), widget=DATE_WIDGET, initial=timezone.localdate)
    purpose = forms.CharField(label=_("Mục đích xử lý"), max_length=255, initial=DEFAULT_CONSENT_PURPOSE)
    evidence = forms.CharField(
        label=_("Hình thức, chứng cứ"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: phiếu đồng ý có chữ ký, kèm đơn tự nguyện ngày …"),
    )


class WithdrawConsentForm(SmallWidgets, forms.Form):
    withdrawn_on = forms.DateField(label=_("Ngày rút lại"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)


class PrivacyReasonForm(SmallWidgets, forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class RequestForm(SmallWidgets, forms.Form):
    kind = forms.ChoiceField(label=_("Loại yêu cầu"), choices=RequestKind.choices)
    received_on = forms.DateField(label=_("Ngày tiếp nhận"), widget=DATE_WIDGET, initial=timezone.localdate)
    channel = forms.CharField(label=_("Hình thức tiếp nhận"), max_length=120, required=False)
    details = forms.CharField(label=_("Nội dung yêu cầu"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RequestUpdateForm(SmallWidgets, forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=RequestStatus.choices)
    response = forms.CharField(label=_("Kết quả giải quyết"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


class RequestFilterForm(SmallWidgets, forms.Form):
    status = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[("", _("Tất cả")), ("open", _("Chưa kết thúc")), ("overdue", _("Quá hạn"))]
        + list(RequestStatus.choices),
    )
    kind = forms.ChoiceField(label=_("Loại yêu cầu"), required=False, choices=[("", _("Tất cả"))] + RequestKind.choices)
