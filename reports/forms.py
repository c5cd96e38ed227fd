from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from classes.forms import StipendPolicyForm

from .models import FederationTarget, Plan, YearlyAggregate


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
        fields = ["classes", "learners", "party_cells"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm input-number-narrow"


class FederationTargetForm(forms.ModelForm):
    class Meta:
        model = FederationTarget
        fields = ["plan", "classes", "learners", "party_cells"]

    def __init__(self, *args, user, year=None, **kwargs):
        super().__init__(*args, **kwargs)
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
