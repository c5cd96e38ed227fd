"""Forms of the personal-data section of a person's page and of the request register."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tienlang.lib.versioning import version_field

from .forms import DATE_WIDGET
from .models import DEFAULT_CONSENT_PURPOSE, LegalBasis, RequestKind, RequestStatus


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
