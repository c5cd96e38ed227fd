from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FederationTarget, Plan, YearlyAggregate


class QuotaForm(forms.Form):
    union_id = forms.IntegerField(widget=forms.HiddenInput)
    union_name = forms.CharField(required=False, disabled=True, label=_("Công đoàn cơ sở"))
    introduce = forms.IntegerField(
        label=_("Chỉ tiêu giới thiệu"),
        min_value=0,
        max_value=100000,
        error_messages={"min_value": _("Chỉ tiêu không được âm."), "invalid": _("Chỉ tiêu phải là số nguyên.")},
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end input-number-narrow"}),
    )


QuotaFormSet = forms.formset_factory(QuotaForm, extra=0)


class FederationTargetForm(forms.ModelForm):
    class Meta:
        model = FederationTarget
        fields = ["plan", "classes", "learners", "party_cells"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.for_user(user)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css


class AggregateForm(forms.ModelForm):
    class Meta:
        model = YearlyAggregate
        fields = ["year", "introduced", "admitted", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"


class BaseAggregateFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE") or not form.cleaned_data:
                continue
            year = form.cleaned_data.get("year")
            if year in seen:
                form.add_error("year", _("Năm %(y)s bị nhập hai lần.") % {"y": year})
            seen[year] = form
            introduced, admitted = form.cleaned_data.get("introduced"), form.cleaned_data.get("admitted")
            if admitted is not None and introduced is not None and admitted > introduced * 2:
                form.add_error("admitted", _("Số kết nạp lớn bất thường so với số được giới thiệu; hãy kiểm tra lại."))


AggregateFormSet = forms.modelformset_factory(
    YearlyAggregate, form=AggregateForm, formset=BaseAggregateFormSet, extra=2, can_delete=True
)
