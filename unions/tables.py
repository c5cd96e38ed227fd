"""List tables. Every ordering ends with the primary key so pages and exports agree row for row."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, Enterprise, GrassrootsUnion

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle mb-0"}
NUMBER_ATTRS = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class NumberColumn(tables.Column):
    """Whole numbers with the locale's thousands separator (1.500)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return intcomma(value)

    def value(self, value):
        return value


class EnterpriseTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Tên doanh nghiệp"), order_by=("name_folded", "pk"))
    tax_code = tables.Column(verbose_name=_("Mã số DN"), order_by=("tax_code", "pk"))
    ownership = tables.Column(verbose_name=_("Loại hình"), order_by=("ownership", "name_folded", "pk"))
    industry = tables.Column(verbose_name=_("Ngành nghề"), order_by=("industry", "name_folded", "pk"))
    commune = tables.Column(verbose_name=_("Xã/thị trấn"), order_by=("commune__name_folded", "name_folded", "pk"))
    workers = NumberColumn(verbose_name=_("Số lao động"), order_by=("workers", "name_folded", "pk"))
    union = tables.Column(verbose_name=_("Công đoàn cơ sở"), accessor="pk", orderable=False, empty_values=())
    party_org_since = tables.DateColumn(
        verbose_name=_("Có tổ chức Đảng từ"), default="—", order_by=("party_org_since", "name_folded", "pk")
    )
    is_pilot = tables.BooleanColumn(verbose_name=_("DN điểm"), yesno="✔,", order_by=("-is_pilot", "name_folded", "pk"))

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "tax_code",
            "ownership",
            "industry",
            "commune",
            "workers",
            "union",
            "party_org_since",
            "is_pilot",
        ]
        attrs = TABLE_ATTRS
        order_by = "name"
        empty_text = _("Chưa có doanh nghiệp nào trong danh sách.")

    def render_union(self, record):
        # `unions` is prefetched (scoped) by the view: no query per row.
        return (
            format_html_join(", ", '<a href="{}">{}</a>', ((u.get_absolute_url(), u.code) for u in record.unions.all()))
            or "—"
        )


class UnionTable(tables.Table):
    code = tables.Column(verbose_name=_("Mã"), linkify=True, order_by=("code",))
    name = tables.Column(verbose_name=_("Công đoàn cơ sở"), linkify=True, order_by=("name_folded", "pk"))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"), linkify=True, order_by=("enterprise__name_folded", "pk"))
    ownership = tables.Column(
        verbose_name=_("Loại hình"),
        accessor="enterprise__get_ownership_display",
        order_by=("enterprise__ownership", "name_folded", "pk"),
    )
    commune = tables.Column(
        verbose_name=_("Xã/thị trấn"),
        accessor="enterprise__commune",
        order_by=("enterprise__commune__name_folded", "name_folded", "pk"),
    )
    members = NumberColumn(verbose_name=_("Số đoàn viên"), order_by=("members", "name_folded", "pk"))
    founded_on = tables.DateColumn(
        verbose_name=_("Ngày thành lập"), default="—", order_by=("founded_on", "name_folded", "pk")
    )
    has_party = tables.BooleanColumn(
        verbose_name=_("DN có tổ chức Đảng"),
        accessor="enterprise__has_party_organization",
        yesno="✔,",
        order_by=("enterprise__party_org_since", "name_folded", "pk"),
    )

    class Meta:
        model = GrassrootsUnion
        fields = ["code", "name", "enterprise", "ownership", "commune", "members", "founded_on", "has_party"]
        attrs = TABLE_ATTRS
        order_by = "name"
        empty_text = _("Chưa có công đoàn cơ sở nào: thêm công đoàn cho một doanh nghiệp trong danh sách.")


class AreaTable(tables.Table):
    name = tables.Column(verbose_name=_("Tên"), linkify=True, order_by=("name_folded",))
    level = tables.Column(verbose_name=_("Cấp"))
    parent = tables.Column(verbose_name=_("Trực thuộc"), order_by=("parent__name_folded",))
    retired_on = tables.DateColumn(verbose_name=_("Ngừng sử dụng từ"), default="—")
    merged_into = tables.Column(verbose_name=_("Sáp nhập vào"), default="—", order_by=("merged_into__name",))

    class Meta:
        model = AdministrativeUnit
        fields = ["name", "level", "parent", "retired_on", "merged_into"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Chưa có đơn vị hành chính nào.")
