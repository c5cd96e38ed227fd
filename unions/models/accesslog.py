"""The access log: who viewed, exported or imported whose personal data, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import ScopedQuerySet
from .federations import Federation


class AccessLogQuerySet(ScopedQuerySet):
    """Leadership and staff read their federation's log; chairs and Party viewers read none of it."""

    federation_lookup = "federation"
    union_lookup = None


class AccessLog(models.Model):
    """Who viewed, exported or imported whose personal data, and when — never the data itself."""

    class Action(models.TextChoices):
        VIEW = "view", _("Xem")
        EXPORT = "export", _("Xuất tệp")
        IMPORT = "import", _("Nhập tệp")
        LOGIN = "login", _("Đăng nhập")
        LOGIN_FAILED = "login_failed", _("Đăng nhập sai")
        # A citizen ID typed by a user that belongs to a person outside their scope.
        LOOKUP = "lookup", _("Tra cứu số CCCD ngoài phạm vi")
        ENROL_ISSUED = "enrol_issued", _("Cấp mã đăng ký hai bước")
        ENROL_USED = "enrol_used", _("Dùng mã đăng ký hai bước")
        ENROL_FAILED = "enrol_failed", _("Mã đăng ký bị từ chối")
        ENROLLED = "enrolled", _("Đăng ký ứng dụng xác thực")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("hành động"), max_length=16, choices=Action.choices)
    what = models.CharField(_("nội dung"), max_length=200)
    path = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    person_ids = models.JSONField(_("mã đoàn viên liên quan"), default=list, blank=True)
    person_count = models.PositiveIntegerField(_("số đoàn viên"), default=0)
    # Names of the personal-data fields shown in full (tags in candidates/sensitivity.py).
    fields = models.JSONField(_("dữ liệu đã hiển thị"), default=list, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["federation", "-at"], name="unions_accesslog_fed_at")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.get_action_display()} {self.what}"
