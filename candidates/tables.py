from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tienlang.lib.tables import ChoiceColumn, DateColumn, LinkColumn, RecordColumn, Table, TextColumn, YesNoColumn
from unions.models import Sex

from .models import Nomination, Person, Status

STATUS_CSS = {
    "nominated": "secondary",
    "approved": "primary",
    "rejected": "danger",
    "enrolled": "info",
    "completed": "success",
    "not_completed": "warning",
    "introduced": "success",
    "admitted": "success",
    "official": "dark",
    "withdrawn": "light",
}


def status_badge(record) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_CSS.get(record.status, "secondary"),
        # The label directly: get_status_display() hashes every lazy choice label on each call.
        Status(record.status).label if record.status in Status.values else record.status,
    )


def warnings_badge(record) -> str:
    """How many warnings the nomination carries, green once staff accepted them ("" for none)."""
    if not record.warnings:
        return ""
    css = "success" if record.warnings_accepted else "warning"
    return format_html('<span class="badge text-bg-{}">{}</span>', css, len(record.warnings))


# On a phone a list row is a card (templates/django_tables2/tienlang.html, static/css/app.css): it
# shows the name (the link that opens the record: the one action), the status and the date; the
# cells marked so are left to the wider screens.
CARD_HIDE = {"td": {"class": "card-hide"}}
CARD_TITLE = {"td": {"class": "card-title-cell"}}


class NominationTable(Table):
    name = LinkColumn(
        url_name="candidates:nomination_detail",
        verbose_name=_("Họ và tên"),
        accessor="person__full_name",
        order_by=("sort_name", "pk"),
        attrs=CARD_TITLE,
    )
    citizen_id = TextColumn(
        verbose_name=_("Số CCCD"), accessor="person__masked_citizen_id", orderable=False, attrs=CARD_HIDE
    )
    date_of_birth = DateColumn(verbose_name=_("Ngày sinh"), accessor="person__date_of_birth", attrs=CARD_HIDE)
    union = TextColumn(
        verbose_name=_("Công đoàn cơ sở"), accessor="union__code", order_by=("union__code",), attrs=CARD_HIDE
    )
    year = TextColumn(verbose_name=_("Năm"), attrs=CARD_HIDE)
    # Drawn from the stored value (a RecordColumn reads no get_status_display()).
    status = RecordColumn(verbose_name=_("Trạng thái"), cell=status_badge, order_by=("status",))
    nominated_on = DateColumn(verbose_name=_("Ngày giới thiệu"), default="—")
    in_district = YesNoColumn(verbose_name=_("Trong huyện"), yesno="✔,—", attrs=CARD_HIDE)
    warnings = RecordColumn(verbose_name=_("Cảnh báo"), cell=warnings_badge, orderable=False)

    class Meta:
        model = Nomination
        fields = [
            "name",
            "citizen_id",
            "date_of_birth",
            "union",
            "year",
            "status",
            "nominated_on",
            "in_district",
            "warnings",
        ]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = "name"
        empty_text = _("Chưa có hồ sơ nguồn nào.")


class PersonTable(Table):
    full_name = LinkColumn(
        url_name="candidates:person_detail", verbose_name=_("Họ và tên"), order_by=("full_name", "pk")
    )
    citizen_id = TextColumn(verbose_name=_("Số CCCD"), accessor="masked_citizen_id", orderable=False)
    date_of_birth = DateColumn(verbose_name=_("Ngày sinh"))
    sex = ChoiceColumn(choices=Sex, path="sex", verbose_name=_("Giới tính"), order_by=("sex",))
    union = TextColumn(verbose_name=_("Công đoàn cơ sở"), accessor="union__code")
    residence = TextColumn(verbose_name=_("Thường trú"), orderable=False)

    class Meta:
        model = Person
        fields = ["full_name", "citizen_id", "date_of_birth", "sex", "union", "residence"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = "full_name"
        empty_text = _("Chưa có đoàn viên nào: đoàn viên được thêm khi công đoàn cơ sở giới thiệu họ.")
