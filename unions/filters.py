from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, Enterprise, GrassrootsUnion

YES_NO = [("1", _("Có")), ("0", _("Không"))]


class SearchFilterMixin(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="filter_search")

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class EnterpriseFilter(SearchFilterMixin):
    ownership = django_filters.ChoiceFilter(label=_("Loại hình"), choices=Enterprise.Ownership.choices)
    commune = django_filters.ModelChoiceFilter(
        label=_("Xã/thị trấn"),
        queryset=AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).active(),
    )
    has_party = django_filters.ChoiceFilter(label=_("Có tổ chức Đảng"), choices=YES_NO, method="filter_has_party")
    is_pilot = django_filters.ChoiceFilter(label=_("Doanh nghiệp điểm"), choices=YES_NO, method="filter_pilot")

    class Meta:
        model = Enterprise
        fields = ["q", "ownership", "commune", "has_party", "is_pilot"]

    def filter_has_party(self, queryset, name, value):
        return queryset.with_party_organization(value == "1")

    def filter_pilot(self, queryset, name, value):
        return queryset.filter(is_pilot=value == "1")


class UnionFilter(SearchFilterMixin):
    commune = django_filters.ModelChoiceFilter(
        label=_("Xã/thị trấn"),
        field_name="enterprise__commune",
        queryset=AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).active(),
    )

    class Meta:
        model = GrassrootsUnion
        fields = ["q", "commune"]


class AreaFilter(SearchFilterMixin):
    level = django_filters.ChoiceFilter(label=_("Cấp"), choices=AdministrativeUnit.Level.choices)
    active = django_filters.ChoiceFilter(label=_("Đang sử dụng"), choices=YES_NO, method="filter_active")

    class Meta:
        model = AdministrativeUnit
        fields = ["q", "level", "active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(retired_on__isnull=value == "1")


def bootstrap_filter_form(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)
    return form
