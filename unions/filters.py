"""Filter forms of the register lists (GET). Choices are limited to the user's scope."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from tienlang.lib.forms import FixedChoices, PlainSelect
from tienlang.lib.kept import kept_count, kept_query, request_version

from .models import AdministrativeUnit, Enterprise, GrassrootsUnion

YES_NO = [("1", _("Có")), ("0", _("Không"))]
# Above this many unions in scope a drop-down is unusable and slow to render (a city, the
# nation): the union filter becomes a box for the union's code (docs/performance.md).
MAX_UNION_OPTIONS = 200


class UnionCodeField(forms.ModelChoiceField):
    """A union typed by its code (CD-…), or given by its id as links from other pages do."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        found = self.queryset.filter(code__iexact=text).first()
        if found is None and text.isdigit():
            found = self.queryset.filter(pk=int(text)).first()
        if found is None:
            raise forms.ValidationError(_("Không có công đoàn cơ sở mã “%(code)s”.") % {"code": text}, code="invalid")
        return found

    def prepare_value(self, value):
        if isinstance(value, GrassrootsUnion):
            return value.code
        return value


def compact_union_choices(form: forms.Form, data_version: int | None = None) -> None:
    """Turn a union drop-down with too many options into a code box (one count query, kept
    until the next write when the request's `data_version` is given)."""
    for name, field in list(form.fields.items()):
        queryset = getattr(field, "queryset", None)
        if queryset is None or queryset.model is not GrassrootsUnion or isinstance(field, UnionCodeField):
            continue
        if kept_count(queryset, data_version) <= MAX_UNION_OPTIONS:
            continue
        form.fields[name] = UnionCodeField(
            queryset=queryset,
            required=False,
            label=field.label,
            widget=forms.TextInput(attrs={"placeholder": _("Mã công đoàn, ví dụ CD-…")}),
        )


class SearchFilterMixin(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="filter_search")

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


def _user(request):
    return getattr(request, "user", None)


def communes_in_scope(user, data_version: int | None = None) -> FixedChoices:
    """Communes where the user can see at least one enterprise (retired ones included).

    Plain (id, name) pairs: an upper level's list offers a thousand communes, and building
    them as model objects for the drop-down cost more than the page's own rows. Kept until
    the next write when the request's `data_version` is given (`tienlang.lib.kept`).
    """
    queryset = (
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE,
            pk__in=Enterprise.objects.for_user(user).values("commune"),
        )
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return kept_query("choices", queryset, data_version, lambda: FixedChoices.escaped(queryset))


def industries_in_scope(user, data_version: int | None = None) -> FixedChoices:
    queryset = (
        Enterprise.objects.for_user(user)
        .exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )
    return kept_query("choices", queryset, data_version, lambda: FixedChoices.escaped((v, v) for v in queryset))


class EnterpriseAttributeFilters(SearchFilterMixin):
    """Filters on the enterprise's own fields; `enterprise_path` is "" on enterprises, "enterprise__" on unions."""

    enterprise_path = ""

    ownership = django_filters.ChoiceFilter(label=_("Loại hình"), choices=Enterprise.Ownership.choices)
    commune = django_filters.ChoiceFilter(label=_("Xã/thị trấn"), choices=[])
    industry = django_filters.ChoiceFilter(label=_("Ngành nghề"), choices=[])
    has_party = django_filters.ChoiceFilter(label=_("Có tổ chức Đảng"), choices=YES_NO, method="filter_has_party")
    is_pilot = django_filters.ChoiceFilter(label=_("Doanh nghiệp điểm"), choices=YES_NO, method="filter_pilot")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        path = self.enterprise_path
        for name in ("ownership", "commune", "industry"):
            self.filters[name].field_name = f"{path}{name}"
        version = request_version(request)
        self.filters["industry"].extra["choices"] = industries_in_scope(_user(request), version)
        self.filters["commune"].extra["choices"] = communes_in_scope(_user(request), version)

    def filter_has_party(self, queryset, name, value):
        return queryset.filter(**{f"{self.enterprise_path}party_org_since__isnull": value != "1"})

    def filter_pilot(self, queryset, name, value):
        return queryset.filter(**{f"{self.enterprise_path}is_pilot": value == "1"})


class EnterpriseFilter(EnterpriseAttributeFilters):
    class Meta:
        model = Enterprise
        fields = ["q", "ownership", "commune", "industry", "has_party", "is_pilot"]


class UnionFilter(EnterpriseAttributeFilters):
    enterprise_path = "enterprise__"

    class Meta:
        model = GrassrootsUnion
        fields = ["q", "ownership", "commune", "industry", "has_party", "is_pilot"]


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
        if type(field.widget) is forms.Select:
            plain = PlainSelect(attrs=field.widget.attrs)
            plain.choices = field.widget.choices
            field.widget = plain
        if isinstance(field.widget, forms.Select):
            # Long choices (industries) must not stretch the filter bar across the page.
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " filter-narrow").strip()
    return form
