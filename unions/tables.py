from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, Enterprise, GrassrootsUnion


class EnterpriseTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Tên doanh nghiệp"), order_by=("name_folded",))
    tax_code = tables.Column(verbose_name=_("Mã số DN"))
    ownership = tables.Column(verbose_name=_("Loại hình"))
    commune = tables.Column(verbose_name=_("Xã/thị trấn"), order_by=("commune__name",))
    workers = tables.Column(verbose_name=_("Số lao động"), attrs={"td": {"class": "text-end"}})
    party_org_since = tables.DateColumn(verbose_name=_("Có tổ chức Đảng từ"), default="—")
    is_pilot = tables.BooleanColumn(verbose_name=_("DN điểm"), yesno="✔,")

    class Meta:
        model = Enterprise
        fields = ["name", "tax_code", "ownership", "commune", "workers", "party_org_since", "is_pilot"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = "name"


class UnionTable(tables.Table):
    code = tables.Column(verbose_name=_("Mã"), linkify=True)
    name = tables.Column(verbose_name=_("Công đoàn cơ sở"), linkify=True, order_by=("name_folded",))
    enterprise = tables.Column(verbose_name=_("Doanh nghiệp"), linkify=True, order_by=("enterprise__name_folded",))
    commune = tables.Column(
        verbose_name=_("Xã/thị trấn"), accessor="enterprise__commune", order_by=("enterprise__commune__name",)
    )
    members = tables.Column(verbose_name=_("Số đoàn viên"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = GrassrootsUnion
        fields = ["code", "name", "enterprise", "commune", "members"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = "name"


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
