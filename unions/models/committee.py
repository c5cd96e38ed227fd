"""Executive committee (Ban Chấp hành) members of a grassroots union, term by term."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.collation import COLLATION
from tienlang.lib.text import clean_text, fold
from tienlang.lib.versioning import VersionedModel

from ..querysets import ScopedQuerySet
from .grassroots import GrassrootsUnion


class CommitteeMemberQuerySet(ScopedQuerySet):
    federation_lookup = "union__federation"
    union_lookup = "union"

    def current(self, on=None):
        """Members whose term covers `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(term_start__lte=on), Q(term_end__isnull=True) | Q(term_end__gte=on))


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class CommitteeMember(VersionedModel):
    """A member of a grassroots union's executive committee (Ban Chấp hành, BCH) for one term."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch")
        VICE_CHAIR = "vice_chair", _("Phó Chủ tịch")
        MEMBER = "member", _("Ủy viên")

    RANKS = {Position.CHAIR: 1, Position.VICE_CHAIR: 2, Position.MEMBER: 3}

    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.CASCADE, related_name="committee"
    )
    full_name = models.CharField(_("họ và tên"), max_length=120, db_collation=COLLATION)
    full_name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    position = models.CharField(_("chức vụ trong BCH"), max_length=12, choices=Position.choices)
    rank = models.PositiveSmallIntegerField(editable=False, default=3)
    term_start = models.DateField(_("nhiệm kỳ từ ngày"))
    term_end = models.DateField(_("nhiệm kỳ đến ngày"), null=True, blank=True)
    is_party_member = models.BooleanField(_("đã là đảng viên"), default=False)
    volunteered = models.BooleanField(
        _("xung phong học lớp bồi dưỡng nhận thức về Đảng"),
        default=False,
        help_text=_("Đồng chí tự nguyện đăng ký tham gia lớp bồi dưỡng nhận thức về Đảng."),
    )

    objects = CommitteeMemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("ủy viên Ban Chấp hành")
        verbose_name_plural = _("ủy viên Ban Chấp hành")
        ordering = ["union", "rank", "full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="unions_committeemember_term_order",
                violation_error_message=_("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(is_party_member=False) | Q(volunteered=False),
                name="unions_committeemember_party_member_not_volunteer",
                violation_error_message=_("Người đã là đảng viên không đăng ký học lớp bồi dưỡng nhận thức về Đảng."),
            ),
            models.UniqueConstraint(
                fields=["union", "term_start"],
                condition=Q(position="chair"),
                name="unions_committeemember_one_chair_per_term",
                violation_error_message=_("Công đoàn cơ sở đã có chủ tịch trong nhiệm kỳ này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_position_display()})"

    def save(self, *args, **kwargs):
        self.full_name = clean_text(self.full_name)
        self.full_name_folded = fold(self.full_name)
        self.rank = self.RANKS.get(self.position, 3)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("unions:union_detail", args=[self.union_id])
