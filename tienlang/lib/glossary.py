"""The programme's words, in one place: the class, the records, the statuses, the roles, the reports.

Templates read them as `{{ terms.class_name }}` (context processor `context`), models and
exports import them, so a screen, a status badge and an Excel title never disagree. The
words follow the specification (SPEC §1–§4) and the documents of the programme.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PRODUCT = _("Phát triển đảng viên")
PRODUCT_LONG = _("Phát triển đảng viên trong doanh nghiệp")

TERMS = {
    "product": PRODUCT,
    "product_long": PRODUCT_LONG,
    # The study class: "lớp bồi dưỡng nhận thức về Đảng" everywhere (the article's "lớp học
    # tìm hiểu về Đảng" is the same class; the screens use one name).
    "class_name": _("lớp bồi dưỡng nhận thức về Đảng"),
    "class_title": _("Lớp bồi dưỡng nhận thức về Đảng"),
    "classes_menu": _("Lớp học"),
    "nomination": _("hồ sơ nguồn phát triển Đảng"),
    "nominations_title": _("Hồ sơ nguồn phát triển Đảng"),
    "nominations_menu": _("Hồ sơ nguồn"),
    # What a Party committee reader sees: the people introduced to their organisations.
    "introduced_title": _("Người được giới thiệu cho Đảng"),
    "nominate_title": _("Giới thiệu đoàn viên đi học lớp bồi dưỡng nhận thức về Đảng"),
    "nominate_menu": _("Giới thiệu đoàn viên"),
    "member": _("đoàn viên ưu tú"),
    "union": _("Công đoàn cơ sở"),
    "quota": _("chỉ tiêu"),
    "quotas_title": _("Giao chỉ tiêu"),
    "stipend_policy": _("Chế độ hỗ trợ học viên"),
    "new_year": _("Năm mới"),
    "reports_menu": _("Báo cáo"),
}

# Nomination statuses (SPEC §2), in the order of the path.
STATUS = {
    "nominated": _("Được giới thiệu học"),
    "approved": _("Đủ điều kiện"),
    "rejected": _("Không đủ điều kiện"),
    "enrolled": _("Đang học"),
    "completed": _("Hoàn thành lớp học"),
    "not_completed": _("Không hoàn thành"),
    "introduced": _("Đã giới thiệu cho Đảng"),
    "admitted": _("Đã kết nạp"),
    "official": _("Đảng viên chính thức"),
    "withdrawn": _("Rút khỏi danh sách"),
    "removed": _("Xóa tên khỏi danh sách đảng viên dự bị"),
}

# Roles of a user's profile (SPEC §1).
ROLE = {
    "staff": _("Cán bộ LĐLĐ huyện"),
    "leadership": _("Lãnh đạo LĐLĐ huyện (Ban Thường vụ)"),
    "chair": _("Chủ tịch Công đoàn cơ sở"),
    "party_viewer": _("Cấp ủy Đảng (xem báo cáo)"),
}

# Report titles (SPEC §4), as printed on the documents sent to the Party committee.
REPORT_TITLES = {
    "quota": "Báo cáo kết quả thực hiện chỉ tiêu giới thiệu đoàn viên ưu tú cho Đảng",
    "roster": "Danh sách học viên lớp bồi dưỡng nhận thức về Đảng",
    "stipends": "Danh sách ký nhận hỗ trợ học viên",
    "introductions": "Danh sách đoàn viên ưu tú được giới thiệu cho tổ chức Đảng",
    "coverage": "Báo cáo tình hình doanh nghiệp, công đoàn và tổ chức Đảng",
    "history": "Tổng hợp kết quả giới thiệu đoàn viên ưu tú cho Đảng qua các năm",
}


def brand(short_name: str | None) -> str:
    """The header's brand: the federation's short name and the product's name."""
    return f"{short_name} · {PRODUCT}" if short_name else str(PRODUCT)


def context(request) -> dict:
    """Template context: `terms`, `statuses`, `roles`, `report_titles`."""
    return {"terms": TERMS, "statuses": STATUS, "roles": ROLE, "report_titles": REPORT_TITLES}
