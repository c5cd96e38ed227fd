from __future__ import annotations

import django_filters
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
    union = django_filters.ModelChoiceFilter(label=_("Công đoàn cơ sở"), queryset=GrassrootsUnion.objects.all())
    lives_in_district = django_filters.ChoiceFilter(
        label=_("Thường trú trong huyện"), choices=YES_NO, method="filter_in"
    )

    class Meta:
        model = Person
        fields = ["q", "union", "lives_in_district"]

    def filter_in(self, queryset, name, value):
        return queryset.filter(lives_in_district=value == "1")
