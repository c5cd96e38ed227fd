"""A person's move from one grassroots union to another, asked for and confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unions.models import Federation, GrassrootsUnion, Role
from unions.querysets import ScopedQuerySet, federation_ids

from .nominations import Nomination
from .people import Person


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Chờ cán bộ LĐLĐ xác nhận")
    APPROVED = "approved", _("Đã chấp nhận")
    REFUSED = "refused", _("Đã từ chối")


class TransferRequestQuerySet(ScopedQuerySet):
    """Both sides of a request see it: the union (and federation) asking for the person, and the
    union (and federation) that holds them. Nothing else of either side comes with it."""

    def for_user(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        profile = getattr(user, "profile", None)
        if profile is None or profile.federation_id is None:
            return self.none()
        if profile.role in (Role.STAFF, Role.LEADERSHIP):
            below = federation_ids(profile)
            return self.filter(Q(to_federation_id__in=below) | Q(from_federation_id__in=below))
        if profile.role == Role.CHAIR and profile.union_id is not None:
            return self.filter(Q(to_union_id=profile.union_id) | Q(from_union_id=profile.union_id))
        return self.none()

    def pending(self):
        return self.filter(status=TransferStatus.PENDING)


class TransferRequest(models.Model):
    """A union asks to nominate a person who is held by another union or federation.

    A citizen ID outside the user's scope is never reused, moved or overwritten by that user:
    what they typed is kept here, and staff of the federation that holds the person (or the
    administrator) approve or refuse. Only on approval does the person move to the asking union,
    with a new nomination there; every earlier nomination stays under the union it belonged to.
    """

    person = models.ForeignKey(Person, verbose_name=_("đoàn viên"), on_delete=models.PROTECT, related_name="+")
    from_union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn đang quản lý"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    from_federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn đang quản lý"), on_delete=models.PROTECT, related_name="+"
    )
    to_union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    to_federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    nominated_on = models.DateField(_("ngày giới thiệu"))
    # What the asking user typed (the person's details and the nomination's fields), dates as ISO text.
    submitted = models.JSONField(_("nội dung đề nghị"), default=dict)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("thời điểm đề nghị"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    decision_reason = models.TextField(_("lý do"), blank=True)
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("hồ sơ được mở"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = TransferRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đề nghị chuyển đoàn viên")
        verbose_name_plural = _("đề nghị chuyển đoàn viên")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "to_union"],
                condition=Q(status="pending"),
                name="candidates_transferrequest_one_pending",
                violation_error_message=_("Công đoàn này đã có một đề nghị đang chờ xác nhận cho người này."),
            )
        ]

    def __str__(self) -> str:
        return _("Đề nghị số %(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("candidates:transfer_detail", args=[self.pk])

    @property
    def submitted_name(self) -> str:
        return self.submitted.get("person", {}).get("full_name", "")

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING
