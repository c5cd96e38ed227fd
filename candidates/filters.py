from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from unions.filters import YES_NO, SearchFilterMixin
from unions.models import GrassrootsUnion

from .models import Nomination, Person, Status


class NominationFilter(SearchFilterMixin):
    year = django_filters.NumberFilter(label=_("Năm"))
    status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=Status.choices)
    union = django_filters.ModelChoiceFilter(label=_("Công đoàn cơ sở"), queryset=GrassrootsUnion.objects.all())
    in_district = django_filters.ChoiceFilter(label=_("Thường trú trong huyện"), choices=YES_NO, method="filter_in")
    warnings = django_filters.ChoiceFilter(label=_("Có cảnh báo"), choices=YES_NO, method="filter_warnings")

    class Meta:
        model = Nomination
        fields = ["q", "year", "status", "union", "in_district", "warnings"]

    def filter_in(self, queryset, name, value):
        return queryset.filter(in_district=value == "1")

    def filter_warnings(self, queryset, name, value):
        return queryset.exclude(warnings=[]) if value == "1" else queryset.filter(warnings=[])


class PersonFilter(SearchFilterMixin):
    """People by name (closest first); by the place of residence too when "tìm cả địa chỉ" is ticked."""

    address = django_filters.BooleanFilter(
        label=_("Tìm cả địa chỉ"),
        method="filter_address",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input d-block"}),
    )
    union = django_filters.ModelChoiceFilter(label=_("Công đoàn cơ sở"), queryset=GrassrootsUnion.objects.all())
    lives_in_district = django_filters.ChoiceFilter(
        label=_("Thường trú trong huyện"), choices=YES_NO, method="filter_in"
    )

    class Meta:
        model = Person
        fields = ["q", "address", "union", "lives_in_district"]

    def filter_search(self, queryset, name, value):
        address = bool(self.form.cleaned_data.get("address"))
        found = queryset.search(value, address=address)
        # The list's own sorting wins when the user picked a column (see PersonListView).
        return found if self.data.get("sort") else found.ranked(value, address=address)

    def filter_queryset(self, queryset):
        """A search ranked closest first is applied last: the other filters narrow every one of its parts."""
        text = self.form.cleaned_data.get("q")
        if not text or self.data.get("sort"):
            return super().filter_queryset(queryset)
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return queryset.closest_first(text, address=bool(self.form.cleaned_data.get("address")))

    def filter_address(self, queryset, name, value):
        return queryset  # read by filter_search

    def filter_in(self, queryset, name, value):
        return queryset.filter(lives_in_district=value == "1")
