"""Forms of the steps after the introduction: the cell's resolution, the ceremony, the residence
comments. They only validate; `candidates.services.record_step` and `admission.residence` write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unions.models import PartyOrganization

from .models import ResidenceCommentRequest

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


def date_field(label, required=True) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_WIDGET, input_formats=DATE_INPUTS, required=required)


class CellResolutionForm(forms.Form):
    """Nghị quyết đề nghị kết nạp của chi bộ: the rules are judged on its date."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    happened_on = date_field(_("Ngày chi bộ họp xét kết nạp"))
    resolution_number = forms.CharField(label=_("Số nghị quyết của chi bộ"), max_length=40)
    members_total = forms.IntegerField(label=_("Tổng số đảng viên chính thức của chi bộ"), min_value=1)
    votes_for = forms.IntegerField(label=_("Số đảng viên chính thức tán thành"), min_value=0)
    over_age_decision = forms.CharField(
        label=_("Quyết định của cấp ủy cấp tỉnh (chỉ khi xét người trên 60 tuổi)"), max_length=120, required=False
    )

    def clean(self):
        data = super().clean()
        total, votes = data.get("members_total"), data.get("votes_for")
        if total and votes is not None and votes > total:
            self.add_error("votes_for", _("Số tán thành không thể lớn hơn số đảng viên chính thức."))
        return data

    def details(self) -> dict:
        data = self.cleaned_data
        details = {k: data[k] for k in ("resolution_number", "members_total", "votes_for")}
        if data.get("over_age_decision"):
            details["over_age_decision"] = data["over_age_decision"]
        return details


class CeremonyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    happened_on = date_field(_("Ngày lễ kết nạp (ngày vào Đảng)"))

    def details(self) -> dict:
        return {}


class ResidenceRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Cấp ủy nơi cư trú"), queryset=PartyOrganization.objects.none(), required=False
    )
    organization_text = forms.CharField(
        label=_("hoặc tên cấp ủy (khi chưa có trong danh mục)"), max_length=200, required=False
    )
    number = forms.CharField(label=_("Số công văn"), max_length=40, required=False)
    sent_on = date_field(_("Ngày gửi"))
    channel = forms.ChoiceField(label=_("Hình thức gửi"), choices=ResidenceCommentRequest.Channel.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = PartyOrganization.objects.for_user(user).filter(retired_on__isnull=True)
        for field in self.fields.values():
            small = "form-select-sm" if isinstance(field.widget, forms.Select) else "form-control-sm"
            field.widget.attrs["class"] = f"{small.removesuffix('-sm')} {small}"

    def clean(self):
        data = super().clean()
        data["organization_text"] = (data.get("organization_text") or "").strip()
        if not data.get("organization") and not data["organization_text"]:
            self.add_error("organization", _("Cần chọn cấp ủy nơi cư trú hoặc ghi tên cấp ủy."))
        return data


class ResidenceReplyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    replied_on = date_field(_("Ngày trả lời"))
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=ResidenceCommentRequest.Outcome.choices)
    reply_note = forms.CharField(label=_("Nội dung trả lời"), max_length=500, required=False)
    attachment = forms.FileField(label=_("Bản quét trả lời (PDF, JPEG, PNG; tối đa 5 MB)"), required=False)
