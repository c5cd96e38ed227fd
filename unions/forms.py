from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit


class AreaForm(forms.ModelForm):
    """Rename a unit or correct its code (history of merges is kept separately)."""

    class Meta:
        model = AdministrativeUnit
        fields = ["name", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Lưu")))


class AreaMergeForm(forms.Form):
    new = forms.ModelChoiceField(label=_("Sáp nhập vào"), queryset=AdministrativeUnit.objects.none())
    effective_on = forms.DateField(label=_("Ngày hiệu lực"), initial=timezone.localdate)
    legal_basis = forms.CharField(
        label=_("Căn cứ"), max_length=255, required=False, help_text=_("Số, ngày nghị quyết hoặc quyết định.")
    )

    def __init__(self, *args, area: AdministrativeUnit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new"].queryset = (
            AdministrativeUnit.objects.for_user(user).active().filter(level=area.level).exclude(pk=area.pk)
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Sáp nhập"), css_class="btn-warning"))


class AreaRetireForm(forms.Form):
    retired_on = forms.DateField(label=_("Ngừng sử dụng từ ngày"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Ngừng sử dụng"), css_class="btn-danger"))
