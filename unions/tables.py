"""List tables. Every ordering ends with the primary key so pages and exports agree row for row."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from tienlang.lib.tables import (
    ChoiceColumn,
    DateColumn,
    LinkColumn,
    NumberColumn,
    PatternURL,
    RecordColumn,
    Table,
    TextColumn,
    YesNoColumn,
)

from .models import AdministrativeUnit, Enterprise, GrassrootsUnion

UNION_URL = PatternURL("unions:union_detail")
TABLE_ATTRS = {"class": "table table-sm table-hover align-middle mb-0"}


def union_links(enterprise) -> str:
    """The enterprise's unions as links to their pages, "—" for none. `unions` is prefetched
    (scoped) by the view: no query per row."""
    return (
        format_html_join(", ", '<a href="{}">{}</a>', ((UNION_URL(u.pk), u.code) for u in enterprise.unions.all()))
        or "—"
    )


class EnterpriseTable(Table):
    name = LinkColumn(url_name="unions:enterprise_detail", verbose_name=_("Tên doanh nghiệp"), order_by=("name", "pk"))
    tax_code = TextColumn(verbose_name=_("Mã số DN"), order_by=("tax_code", "pk"))
    ownership = ChoiceColumn(
        choices=Enterprise.Ownership,
        path="ownership",
        verbose_name=_("Loại hình"),
        order_by=("ownership", "name", "pk"),
    )
    industry = TextColumn(verbose_name=_("Ngành nghề"), order_by=("industry", "name", "pk"))
    commune = TextColumn(verbose_name=_("Xã/thị trấn"), order_by=("commune__name", "name", "pk"))
    workers = NumberColumn(verbose_name=_("Số lao động"), order_by=("workers", "name", "pk"))
    union = RecordColumn(verbose_name=_("Công đoàn cơ sở"), cell=union_links, orderable=False)
    party_org_since = DateColumn(
        verbose_name=_("Có tổ chức Đảng từ"), default="—", order_by=("party_org_since", "name", "pk")
    )
    is_pilot = YesNoColumn(verbose_name=_("DN điểm"), yesno="✔,", order_by=("-is_pilot", "name", "pk"))

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


class UnionTable(Table):
    code = LinkColumn(url_name="unions:union_detail", verbose_name=_("Mã"), order_by=("code",))
    name = LinkColumn(url_name="unions:union_detail", verbose_name=_("Công đoàn cơ sở"), order_by=("name", "pk"))
    enterprise = LinkColumn(
        url_name="unions:enterprise_detail",
        key="enterprise_id",
        verbose_name=_("Doanh nghiệp"),
        order_by=("enterprise__name", "pk"),
    )
    ownership = ChoiceColumn(
        choices=Enterprise.Ownership,
        path="enterprise.ownership",
        verbose_name=_("Loại hình"),
        order_by=("enterprise__ownership", "name", "pk"),
    )
    commune = TextColumn(
        verbose_name=_("Xã/thị trấn"),
        accessor="enterprise__commune",
        order_by=("enterprise__commune__name", "name", "pk"),
    )
    members = NumberColumn(verbose_name=_("Số đoàn viên"), order_by=("members", "name", "pk"))
    founded_on = DateColumn(verbose_name=_("Ngày thành lập"), default="—", order_by=("founded_on", "name", "pk"))
    has_party = YesNoColumn(
        verbose_name=_("DN có tổ chức Đảng"),
        accessor="enterprise__has_party_organization",
        yesno="✔,",
        order_by=("enterprise__party_org_since", "name", "pk"),
    )

    class Meta:
        model = GrassrootsUnion
        fields = ["code", "name", "enterprise", "ownership", "commune", "members", "founded_on", "has_party"]
        attrs = TABLE_ATTRS
        order_by = "name"
        empty_text = _("Chưa có công đoàn cơ sở nào: thêm công đoàn cho một doanh nghiệp trong danh sách.")


class AreaTable(Table):
    name = LinkColumn(url_name="unions:area_detail", verbose_name=_("Tên"), order_by=("name",))
    level = ChoiceColumn(choices=AdministrativeUnit.Level, path="level", verbose_name=_("Cấp"), order_by=("level",))
    parent = tables.Column(verbose_name=_("Trực thuộc"), order_by=("parent__name",))
    retired_on = DateColumn(verbose_name=_("Ngừng sử dụng từ"), default="—")
    merged_into = tables.Column(verbose_name=_("Sáp nhập vào"), default="—", order_by=("merged_into__name",))

    class Meta:
        model = AdministrativeUnit
        fields = ["name", "level", "parent", "retired_on", "merged_into"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Chưa có đơn vị hành chính nào.")
