"""People (union members), their nominations and the dated history of every step.

A nomination's `status` is where it is now; `stage` is the furthest forward step it has
ever reached (nominated=1 … official=7). Reports count "ever reached" from `stage`, so a
person who enrolled and later dropped out still counts as enrolled. Both are kept right
by `candidates.services`, the only code that moves a nomination.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib import disclosure
from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.text import clean_text, fold
from tienlang.lib.versioning import VersionedModel
from unions.models import Federation, GrassrootsUnion, PartyOrganization, Sex  # noqa: F401 (Sex: one enum, used here)
from unions.querysets import ReferenceQuerySet, ScopedQuerySet, federation_ids, party_organization_ids

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
citizen_id_validator = RegexValidator(CITIZEN_ID_RE, _("Số CCCD gồm đúng 12 chữ số."))
PHONE_RE = re.compile(r"^(0|\+84)(3|5|7|8|9|2\d)\d{8}$")
phone_validator = RegexValidator(PHONE_RE, _("Số điện thoại Việt Nam không hợp lệ (ví dụ 0912345678)."))


def mask_citizen_id(value: str) -> str:
    """First 3 and last 3 digits only: 031******123."""
    if not value:
        return ""
    return f"{value[:3]}{'*' * max(len(value) - 6, 0)}{value[-3:]}"


class Education(models.TextChoices):
    """General education (x/12) and trained levels; the order is the order of levels."""

    GRADE_1 = "1/12", "1/12"
    GRADE_2 = "2/12", "2/12"
    GRADE_3 = "3/12", "3/12"
    GRADE_4 = "4/12", "4/12"
    GRADE_5 = "5/12", "5/12"
    GRADE_6 = "6/12", "6/12"
    GRADE_7 = "7/12", "7/12"
    GRADE_8 = "8/12", "8/12"
    GRADE_9 = "9/12", "9/12"
    GRADE_10 = "10/12", "10/12"
    GRADE_11 = "11/12", "11/12"
    GRADE_12 = "12/12", "12/12"
    THCS = "THCS", _("Tốt nghiệp THCS")
    THPT = "THPT", _("Tốt nghiệp THPT")
    VOCATIONAL = "TC", _("Trung cấp")
    COLLEGE = "CD", _("Cao đẳng")
    UNIVERSITY = "DH", _("Đại học")
    MASTER = "THS", _("Thạc sĩ")
    DOCTOR = "TS", _("Tiến sĩ")

    @classmethod
    def rank(cls, value: str) -> int:
        """Comparable level: grades 1–12, THCS = 9, THPT = 12, trained levels above."""
        if value and value.endswith("/12"):
            return int(value.split("/")[0])
        return {"THCS": 9, "THPT": 12, "TC": 13, "CD": 14, "DH": 15, "THS": 16, "TS": 17}.get(value, 0)

    @classmethod
    def parse(cls, text: str) -> str:
        """Accept '9/12', 'THCS', 'Trung cấp', 'đại học', … ; raise ValueError otherwise."""
        raw = clean_text(text)
        match = re.fullmatch(r"(\d{1,2})\s*/\s*12", raw)
        if match and 1 <= int(match.group(1)) <= 12:
            return f"{int(match.group(1))}/12"
        key = fold(raw).replace(" ", "")
        aliases = {
            "thcs": "THCS",
            "totnghiepthcs": "THCS",
            "thpt": "THPT",
            "totnghiepthpt": "THPT",
            "trungcap": "TC",
            "tc": "TC",
            "caodang": "CD",
            "cd": "CD",
            "daihoc": "DH",
            "dh": "DH",
            "thacsi": "THS",
            "ths": "THS",
            "tiensi": "TS",
            "ts": "TS",
        }
        if key in aliases:
            return aliases[key]
        raise ValueError(
            _("“%(v)s” không phải trình độ hợp lệ (9/12, 12/12, THCS, THPT, Trung cấp, Cao đẳng, Đại học…)")
            % {"v": raw}
        )


class LegalBasis(models.TextChoices):
    """Why the federation may hold a person's data (recorded per person)."""

    CONSENT = "consent", _("Sự đồng ý của chủ thể dữ liệu")
    LAW = "law", _("Theo quy định của pháp luật (ghi rõ văn bản)")


class PersonQuerySet(ScopedQuerySet):
    federation_lookup = "federation"
    union_lookup = "union"

    def unrestricted(self):
        """People whose data may still be processed (not restricted at their request)."""
        return self.filter(processing_restricted=False)

    def search(self, text: str, field: str = "search_folded"):
        digits = re.sub(r"\D", "", text or "")
        if len(digits) >= 6 and digits == (text or "").strip():
            return self.filter(citizen_id__contains=digits)
        return super().search(text, field)


class Person(VersionedModel):
    """A union member. Sensitive personal data: see the masking and access rules."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="people"
    )
    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.PROTECT, related_name="people"
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    search_folded = models.CharField(max_length=400, editable=False)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    ethnicity = models.CharField(_("dân tộc"), max_length=40, default="Kinh")
    religion = models.CharField(_("tôn giáo"), max_length=60, default="Không")
    citizen_id = models.CharField(
        _("số CCCD"),
        max_length=12,
        unique=True,
        validators=[citizen_id_validator],
        error_messages={"unique": _("Số CCCD này đã có trong hệ thống.")},
    )
    education = models.CharField(_("trình độ học vấn"), max_length=8, choices=Education.choices)
    profession = models.CharField(_("chuyên môn, nghề nghiệp"), max_length=120, blank=True)
    job_title = models.CharField(_("chức vụ, công việc"), max_length=120, blank=True)
    is_direct_production = models.BooleanField(_("công nhân trực tiếp sản xuất"), default=True)
    union_joined_on = models.DateField(_("ngày vào Công đoàn"))
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, validators=[phone_validator])
    residence_province = models.CharField(_("tỉnh/thành phố thường trú"), max_length=80)
    residence_district = models.CharField(_("quận/huyện thường trú"), max_length=80)
    residence_commune = models.CharField(_("xã/phường thường trú"), max_length=80)
    current_address = models.CharField(_("nơi ở hiện nay"), max_length=255, blank=True)
    lives_in_district = models.BooleanField(_("thường trú trong huyện"), default=False, editable=False)
    is_party_member = models.BooleanField(_("đã là đảng viên"), default=False)
    discipline_until = models.DateField(
        _("đang chịu kỷ luật đến ngày"), null=True, blank=True, help_text=_("Để trống nếu không bị kỷ luật.")
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # Personal-data duties (see candidates/privacy.py and candidates/sensitivity.py).
    legal_basis = models.CharField(
        _("căn cứ xử lý dữ liệu cá nhân"), max_length=10, choices=LegalBasis.choices, blank=True
    )
    legal_basis_note = models.CharField(_("văn bản, ghi chú về căn cứ"), max_length=255, blank=True)
    processing_restricted = models.BooleanField(
        _("hạn chế xử lý dữ liệu"),
        default=False,
        help_text=_("Đang hạn chế: không chuyển bước hồ sơ, không lập hồ sơ mới, không đưa vào danh sách xuất."),
    )
    restricted_on = models.DateField(_("hạn chế từ ngày"), null=True, blank=True)
    restriction_reason = models.CharField(_("lý do hạn chế"), max_length=500, blank=True)
    anonymised_at = models.DateTimeField(_("thời điểm ẩn danh hóa"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("đoàn viên")
        verbose_name_plural = _("đoàn viên")
        ordering = ["name_folded", "pk"]
        indexes = [
            models.Index(fields=["federation", "name_folded"], name="cand_person_fed_name"),
            models.Index(fields=["full_name", "date_of_birth"], name="cand_person_name_dob"),
            # Search within a federation reads the folded text from the index alone.
            models.Index(fields=["federation", "search_folded"], name="cand_person_fed_search"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        for name in (
            "full_name",
            "ethnicity",
            "religion",
            "profession",
            "job_title",
            "residence_province",
            "residence_district",
            "residence_commune",
            "current_address",
            "note",
        ):
            setattr(self, name, clean_text(getattr(self, name)))
        self.name_folded = fold(self.full_name)
        self.search_folded = fold(f"{self.full_name} {self.residence_commune} {self.residence_district}")
        self.lives_in_district = district_matches(self.residence_district, self.federation)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("candidates:person_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        disclosure.note(instance.pk, "candidates.Person", field_names)  # the access log of the page
        return instance

    @property
    def masked_citizen_id(self) -> str:
        from .sensitivity import masked  # the field's tag decides how lists show it

        return masked(self, "citizen_id")

    @property
    def residence(self) -> str:
        return ", ".join(p for p in (self.residence_commune, self.residence_district, self.residence_province) if p)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


def district_matches(district_text: str, federation: Federation) -> bool:
    """True when `district_text` names the federation's own district ("Tiên Lãng", "huyện Tiên Lãng")."""
    area = getattr(federation, "area", None)
    if area is None or not district_text:
        return False
    prefixes = ("huyen ", "quan ", "thi xa ", "thanh pho ", "tp ", "tp. ")

    def core(text: str) -> str:
        text = fold(text)
        for prefix in prefixes:
            if text.startswith(prefix):
                return text[len(prefix) :].strip()
        return text

    return core(district_text) == core(area.name)


class Status(models.TextChoices):
    NOMINATED = "nominated", _("Được giới thiệu học")
    APPROVED = "approved", _("Đủ điều kiện")
    REJECTED = "rejected", _("Không đủ điều kiện")
    ENROLLED = "enrolled", _("Đang học")
    COMPLETED = "completed", _("Hoàn thành lớp học")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành")
    INTRODUCED = "introduced", _("Đã giới thiệu cho Đảng")
    ADMITTED = "admitted", _("Đã kết nạp")
    OFFICIAL = "official", _("Đảng viên chính thức")
    WITHDRAWN = "withdrawn", _("Rút khỏi danh sách")


# Furthest-forward step numbers; terminal statuses keep the stage reached before them.
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
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("hồ sơ nguồn")
        verbose_name_plural = _("hồ sơ nguồn")
        ordering = ["-year", "search_folded", "pk"]
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
            models.Index(
                fields=["federation", "year", "status", "search_folded", "id"], name="cand_nom_fed_year_status"
            ),
            models.Index(fields=["federation", "search_folded", "id"], name="cand_nom_fed_search"),
            models.Index(fields=["search_folded", "id"], name="cand_nom_search"),  # an administrator's list
            models.Index(fields=["federation", "status", "nominated_on"], name="cand_nom_fed_status_date"),
            models.Index(fields=["union", "year", "stage"], name="cand_nom_union_year_stage"),
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
    def has_open_warnings(self) -> bool:
        return bool(self.warnings) and not self.warnings_accepted

    def refresh_search(self) -> None:
        person = self.person
        self.search_folded = fold(f"{person.full_name} {person.residence_commune} {self.union.code} {self.union.name}")
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


class NominationImport(models.Model):
    """An uploaded nomination file: kept for the preview, then as the record of what was saved."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Đang xem trước")
        SAVED = "saved", _("Đã lưu")
        REFUSED = "refused", _("Bị từ chối")

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.PROTECT, related_name="imports"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("nội dung"), editable=False)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.PREVIEW)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_saved = models.PositiveIntegerField(_("số dòng đã lưu"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tệp nhập hồ sơ")
        verbose_name_plural = _("tệp nhập hồ sơ")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.sha256[:12]})"


class EligibilityRule(models.Model):
    """A named eligibility rule with its legal basis, thresholds (as data) and validity dates.

    A nomination is judged by the rules in force on its own date.
    """

    class Code(models.TextChoices):
        UNION_MEMBER = "union_member", _("Là đoàn viên công đoàn doanh nghiệp ngoài nhà nước thuộc liên đoàn")
        MEMBERSHIP = "membership", _("Thời gian sinh hoạt công đoàn")
        AGE = "age", _("Tuổi đời")
        EDUCATION = "education", _("Trình độ học vấn")
        PARTY_MEMBER = "party_member", _("Chưa là đảng viên")
        OPEN_NOMINATION = "open_nomination", _("Không có hồ sơ khác đang mở")
        DISCIPLINE = "discipline", _("Không đang chịu kỷ luật")

    code = models.CharField(_("mã quy tắc"), max_length=20, choices=Code.choices)
    name = models.CharField(_("tên quy tắc"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=255)
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    params = models.JSONField(_("ngưỡng"), default=dict, blank=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("quy tắc điều kiện")
        verbose_name_plural = _("quy tắc điều kiện")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="candidates_eligibilityrule_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.legal_basis})"


# ---------------------------------------------------------------------------------------
# Personal-data duties: consents, data-subject requests, anonymisation records
# ---------------------------------------------------------------------------------------

DEFAULT_CONSENT_PURPOSE = (
    "Tạo nguồn, bồi dưỡng nhận thức về Đảng và giới thiệu đoàn viên ưu tú cho tổ chức Đảng xem xét kết nạp"
)


class ByPersonQuerySet(ScopedQuerySet):
    """Rows about one person: visible exactly when the person is."""

    federation_lookup = "person__federation"
    union_lookup = "person__union"


class ConsentQuerySet(ByPersonQuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)


class Consent(models.Model):
    """A person's consent to the processing of their data for one purpose, and its withdrawal."""

    person = models.ForeignKey(Person, verbose_name=_("đoàn viên"), on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("mục đích xử lý"), max_length=255, default=DEFAULT_CONSENT_PURPOSE)
    given_on = models.DateField(_("ngày đồng ý"))
    evidence = models.CharField(
        _("hình thức, chứng cứ"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: phiếu đồng ý có chữ ký, kèm đơn tự nguyện ngày …"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    withdrawn_on = models.DateField(_("ngày rút lại"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi việc rút lại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_note = models.CharField(_("ghi chú khi rút lại"), max_length=255, blank=True)

    objects = ConsentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("sự đồng ý xử lý dữ liệu")
        verbose_name_plural = _("sự đồng ý xử lý dữ liệu")
        ordering = ["person", "-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.purpose[:60]} ({self.given_on:%d/%m/%Y})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class RequestKind(models.TextChoices):
    """Rights a data subject may exercise (the register's request types)."""

    ACCESS = "access", _("Xem, nhận bản sao dữ liệu")
    CORRECTION = "correction", _("Chỉnh sửa dữ liệu")
    DELETION = "deletion", _("Xóa dữ liệu")
    RESTRICTION = "restriction", _("Hạn chế xử lý dữ liệu")
    OBJECTION = "objection", _("Phản đối xử lý dữ liệu")
    WITHDRAW_CONSENT = "withdraw", _("Rút lại sự đồng ý")
    OTHER = "other", _("Khác (hỏi đáp, khiếu nại)")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Đã giải quyết")
    REFUSED = "refused", _("Từ chối (có lý do)")


OPEN_REQUEST_STATUSES = [RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS]


class DataSubjectRequestQuerySet(ByPersonQuerySet):
    # The register is kept by the federation's staff: chairs do not read it.
    union_lookup = None

    def open(self):
        return self.filter(status__in=OPEN_REQUEST_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


class DataSubjectRequest(models.Model):
    """A request by a person about their own data, with its legal deadline and who handled it.

    `due_on` is computed when the request is received, from the number of hours set per
    kind in settings (`DSR_RESPONSE_HOURS`), and kept: a later change of the setting does
    not move the deadline of a request already received.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("đoàn viên"), on_delete=models.PROTECT, related_name="data_requests"
    )
    kind = models.CharField(_("loại yêu cầu"), max_length=12, choices=RequestKind.choices)
    received_on = models.DateField(_("ngày tiếp nhận"))
    due_on = models.DateField(_("hạn giải quyết"), editable=False)
    channel = models.CharField(
        _("hình thức tiếp nhận"), max_length=120, blank=True, help_text=_("Ví dụ: đơn trực tiếp, thư, thư điện tử.")
    )
    details = models.TextField(_("nội dung yêu cầu"), blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    response = models.TextField(_("kết quả giải quyết"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = DataSubjectRequestQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("yêu cầu của chủ thể dữ liệu")
        verbose_name_plural = _("yêu cầu của chủ thể dữ liệu")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="cand_dsr_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.received_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        return self.is_open and self.due_on < (today or timezone.localdate())


class AnonymisationLogQuerySet(ByPersonQuerySet):
    union_lookup = None


class AnonymisationLog(models.Model):
    """That a person's identifying data was removed: when, by whom, under which rule, which fields.

    Never the removed values themselves.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("đoàn viên"), on_delete=models.PROTECT, related_name="anonymisations"
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Để trống: lệnh chạy định kỳ anonymise_expired."),
    )
    rule = models.CharField(_("căn cứ"), max_length=255)
    fields = models.JSONField(_("các trường đã xóa hoặc thay thế"), default=list)
    rows = models.JSONField(_("số bản ghi liên quan"), default=dict)

    objects = AnonymisationLogQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("nhật ký ẩn danh hóa")
        verbose_name_plural = _("nhật ký ẩn danh hóa")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.person_id} {self.at:%d/%m/%Y %H:%M}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Chờ cán bộ LĐLĐ xác nhận")
    APPROVED = "approved", _("Đã chấp nhận")
    REFUSED = "refused", _("Đã từ chối")


class TransferRequestQuerySet(ScopedQuerySet):
    """Both sides of a request see it: the union (and federation) asking for the person, and the
    union (and federation) that holds them. Nothing else of either side comes with it."""

    def for_user(self, user):
        from unions.models import Role

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
