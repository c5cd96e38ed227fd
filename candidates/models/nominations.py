"""Nominations and the dated history of every step.

A nomination's `status` is where it is now; `stage` is the furthest forward step it has
ever reached (nominated=1 … official=7). Reports count "ever reached" from `stage`, so a
person who enrolled and later dropped out still counts as enrolled. Both are kept right
by `candidates.services`, the only code that moves a nomination.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib import disclosure, glossary
from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.collation import COLLATION
from tienlang.lib.text import fold
from unions.models import Federation, GrassrootsUnion, PartyOrganization
from unions.querysets import ScopedQuerySet, party_organization_ids

from .people import Person


class Status(models.TextChoices):
    NOMINATED = "nominated", glossary.STATUS["nominated"]
    APPROVED = "approved", glossary.STATUS["approved"]
    REJECTED = "rejected", glossary.STATUS["rejected"]
    ENROLLED = "enrolled", glossary.STATUS["enrolled"]
    COMPLETED = "completed", glossary.STATUS["completed"]
    NOT_COMPLETED = "not_completed", glossary.STATUS["not_completed"]
    INTRODUCED = "introduced", glossary.STATUS["introduced"]
    ADMITTED = "admitted", glossary.STATUS["admitted"]
    OFFICIAL = "official", glossary.STATUS["official"]
    WITHDRAWN = "withdrawn", glossary.STATUS["withdrawn"]
    # A probationary member not recognised as official is struck off (Điều lệ Đảng, Điều 5).
    REMOVED = "removed", glossary.STATUS["removed"]


# Furthest-forward step numbers; terminal statuses keep the stage reached before them (a removed
# probationary member still counts as admitted: the reports' "ever reached" figures do not change).
STAGE = {
    Status.NOMINATED: 1,
    Status.APPROVED: 2,
    Status.ENROLLED: 3,
    Status.COMPLETED: 4,
    Status.INTRODUCED: 5,
    Status.ADMITTED: 6,
    Status.OFFICIAL: 7,
}
OPEN_STATUSES = [Status.NOMINATED, Status.APPROVED, Status.ENROLLED, Status.COMPLETED, Status.INTRODUCED]
ENDED_STATUSES = [Status.REJECTED, Status.NOT_COMPLETED, Status.WITHDRAWN]


class NominationQuerySet(ScopedQuerySet):
    federation_lookup = "federation"
    union_lookup = "union"

    def party_viewer_filter(self, profile):
        # A Party committee reads the people introduced to it (and what followed), except
        # people whose data is restricted: restriction stops disclosure to it too.
        if not profile.party_organization_id:
            return self.none()
        # ... or to any organisation below it (a city committee reads what its communes received).
        return self.filter(
            introduction__receiving_organization__in=party_organization_ids(profile),
            stage__gte=STAGE[Status.INTRODUCED],
            person__processing_restricted=False,
        )

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def reached(self, status: str):
        return self.filter(stage__gte=STAGE[status])

    def search(self, text: str, field: str = "search_folded"):
        digits = re.sub(r"\D", "", text or "")
        if len(digits) >= 6 and digits == (text or "").strip():
            return self.filter(person__citizen_id__contains=digits)
        return super().search(text, field)


class Nomination(models.Model):
    """One person's path through the programme in one year (hồ sơ nguồn phát triển Đảng)."""

    person = models.ForeignKey(
        Person, verbose_name=_("đoàn viên"), on_delete=models.PROTECT, related_name="nominations"
    )
    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.PROTECT, related_name="nominations"
    )
    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="nominations"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.NOMINATED)
    stage = models.PositiveSmallIntegerField(_("bước đã đạt"), default=1)
    nominated_on = models.DateField(_("ngày giới thiệu"))
    voluntary_application = models.BooleanField(_("có đơn tự nguyện"), default=False)
    chair_assessment = models.TextField(_("nhận xét của Chủ tịch CĐCS"), blank=True)
    qualities_confirmed = models.BooleanField(
        _("xác nhận tiêu chuẩn chính trị, đạo đức, gương mẫu"),
        default=False,
        help_text=_("Lập trường chính trị, phẩm chất đạo đức, gương mẫu trong lao động, tích cực hoạt động công đoàn."),
    )
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    warnings_accepted = models.BooleanField(_("đã chấp nhận cảnh báo"), default=False)
    in_district = models.BooleanField(_("thường trú trong huyện"), default=False)
    search_folded = models.CharField(max_length=500, editable=False, default="")
    # The person's name, copied so that the list sorts in Vietnamese order from one index.
    sort_name = models.CharField(max_length=120, editable=False, default="", db_collation=COLLATION)
    source_import = models.ForeignKey(
        "NominationImport",
        verbose_name=_("nhập từ tệp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = NominationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=[*HISTORY_EXCLUDED, "sort_name"])  # derived, like the folded text

    class Meta:
        verbose_name = _("hồ sơ nguồn")
        verbose_name_plural = _("hồ sơ nguồn")
        ordering = ["-year", "sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["nominated", "approved", "enrolled", "completed", "introduced"]),
                name="candidates_nomination_one_open_per_person",
                violation_error_message=_("Người này đang có hồ sơ chưa kết thúc."),
            ),
            models.UniqueConstraint(
                fields=["person", "year"],
                name="candidates_nomination_once_a_year",
                violation_error_message=_("Người này đã được giới thiệu trong năm nay."),
            ),
            models.CheckConstraint(condition=Q(stage__gte=1, stage__lte=7), name="candidates_nomination_stage_range"),
        ]
        indexes = [
            # The list's filters (year, status) and its order (name, then id) in one index,
            # and the unfiltered list in name order (docs/performance.md).
            models.Index(fields=["federation", "year", "status", "sort_name", "id"], name="cand_nom_fed_year_status"),
            models.Index(fields=["federation", "sort_name", "id"], name="cand_nom_fed_search"),
            models.Index(fields=["sort_name", "id"], name="cand_nom_search"),  # an administrator's list
            models.Index(fields=["federation", "status", "nominated_on"], name="cand_nom_fed_status_date"),
            # The review queue of a scope covering many federations (an upper level, an administrator).
            models.Index(fields=["status", "nominated_on", "sort_name", "id"], name="cand_nom_status_date"),
            models.Index(fields=["union", "year", "stage"], name="cand_nom_union_year_stage"),
            # The list sorted by one of its columns, ties by id (`CappedPaginator`): a page read
            # from the index in either direction, not every row in scope joined and sorted.
            models.Index(fields=["year", "id"], name="cand_nom_year_order"),
            models.Index(fields=["nominated_on", "id"], name="cand_nom_date_order"),
            models.Index(fields=["status", "id"], name="cand_nom_status_order"),
            models.Index(fields=["in_district", "id"], name="cand_nom_in_district_order"),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("candidates:nomination_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # A nomination's status is political data about its person.
        disclosure.note(instance.person_id, "candidates.Nomination", field_names)
        return instance

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_incomplete(self) -> bool:
        """Without the voluntary application or the chair's assessment (an upload left them blank)."""
        return not self.voluntary_application or not (self.chair_assessment or "").strip()

    @property
    def has_open_warnings(self) -> bool:
        return bool(self.warnings) and not self.warnings_accepted

    def refresh_search(self) -> None:
        person = self.person
        self.search_folded = fold(f"{person.full_name} {person.residence_commune} {self.union.code} {self.union.name}")
        self.sort_name = person.full_name
        self.in_district = person.lives_in_district


class ByNominationQuerySet(ScopedQuerySet):
    """Rows that belong to a nomination are visible exactly when their nomination is."""

    federation_lookup = "nomination__federation"
    union_lookup = "nomination__union"


class NominationEvent(models.Model):
    """One dated step in a nomination's history: who moved it, when, from where to where, why."""

    nomination = models.ForeignKey(Nomination, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("từ"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang"), max_length=16, choices=Status.choices)
    happened_on = models.DateField(_("ngày"))
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("lý do, ghi chú"), blank=True)
    is_correction = models.BooleanField(_("là đính chính"), default=False)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)

    objects = ByNominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("bước của hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["nomination", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.from_status or '—'} → {self.to_status}"


class Introduction(models.Model):
    """The union committee's resolution introducing the person to the Party (form 4A-KNĐ)."""

    nomination = models.OneToOneField(
        Nomination, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="introduction"
    )
    resolution_number = models.CharField(_("số nghị quyết"), max_length=40)
    resolution_date = models.DateField(_("ngày nghị quyết"))
    meeting_date = models.DateField(_("ngày họp BCH"))
    committee_total = models.PositiveSmallIntegerField(_("tổng số ủy viên BCH"))
    committee_present = models.PositiveSmallIntegerField(_("số ủy viên dự họp"))
    votes_for = models.PositiveSmallIntegerField(_("số phiếu tán thành"))
    votes_against = models.PositiveSmallIntegerField(_("số phiếu không tán thành"), default=0)
    receiving_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("tổ chức Đảng tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="introductions",
    )
    co_introducer_name = models.CharField(_("đảng viên chính thức cùng giới thiệu"), max_length=120)
    co_introducer_worked_since = models.DateField(_("cùng công tác từ ngày"))
    residence_comment_requested = models.BooleanField(_("đã đề nghị chi bộ nơi cư trú nhận xét"), default=False)

    objects = ByNominationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("giới thiệu cho Đảng")
        verbose_name_plural = _("giới thiệu cho Đảng")
        ordering = ["-resolution_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_present__lte=models.F("committee_total")),
                name="candidates_introduction_present_le_total",
                violation_error_message=_("Số ủy viên dự họp không thể lớn hơn tổng số ủy viên."),
            ),
            models.CheckConstraint(
                condition=Q(votes_for__lte=models.F("committee_present") - models.F("votes_against")),
                name="candidates_introduction_votes_le_present",
                violation_error_message=_("Tổng số phiếu vượt quá số ủy viên dự họp."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resolution_number} — {self.nomination}"
