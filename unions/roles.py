"""Who a user is to the product (the role of their profile)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ LĐLĐ huyện")
    LEADERSHIP = "leadership", _("Lãnh đạo LĐLĐ huyện (Ban Thường vụ)")
    CHAIR = "chair", _("Chủ tịch Công đoàn cơ sở")
    PARTY_VIEWER = "party_viewer", _("Cấp ủy Đảng (xem báo cáo)")
