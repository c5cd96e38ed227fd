"""Who a user is: role, federation, union; and the codes that enrol an authenticator app."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED

from ..querysets import ScopedQuerySet
from .base import Role
from .federations import Federation
from .grassroots import GrassrootsUnion
from .party import PartyOrganization


class UserProfile(models.Model):
    """Ties a user account to a role, a federation and, for a chair, a union."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="profiles"
    )
    union = models.ForeignKey(
        GrassrootsUnion,
        verbose_name=_("công đoàn cơ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chairs",
    )
    party_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("tổ chức Đảng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="viewers",
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="chair") | Q(union__isnull=False),
                name="unions_userprofile_chair_has_union",
                violation_error_message=_("Chủ tịch công đoàn cơ sở phải gắn với một công đoàn cơ sở."),
            ),
            models.CheckConstraint(
                condition=Q(role="chair") | Q(union__isnull=True),
                name="unions_userprofile_only_chair_has_union",
                violation_error_message=_("Chỉ chủ tịch công đoàn cơ sở mới gắn với công đoàn cơ sở."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    def clean(self):
        if self.union_id and self.federation_id and self.union.federation_id != self.federation_id:
            raise ValidationError({"union": _("Công đoàn cơ sở thuộc liên đoàn khác.")})


class EnrolmentCode(models.Model):
    """A one-time code an administrator issues so that a user may set up an authenticator app.

    The password alone never reveals the secret of a new authenticator: the user must also
    type this code, which reaches them by another way (in person, by telephone). Only a hash
    is kept; the code is shown once, to whoever issues it. It is spent when it is accepted,
    expires, and is void after too many wrong tries or when a newer code is issued.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    code_hash = models.CharField(_("mã đã băm"), max_length=128, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã đăng ký xác thực hai bước")
        verbose_name_plural = _("mã đăng ký xác thực hai bước")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user.get_username()} {self.issued_at:%d/%m/%Y %H:%M}"

    @property
    def state(self) -> str:
        if self.used_at:
            return str(_("Đã dùng"))
        if self.revoked_at:
            return str(_("Đã hủy"))
        if self.expires_at <= timezone.now():
            return str(_("Hết hạn"))
        return str(_("Còn hiệu lực"))
