"""People (union members): who they are, where they live, how their citizen ID is shown."""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Case, F, Func, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tienlang.lib import disclosure
from tienlang.lib.audit import HISTORY_EXCLUDED
from tienlang.lib.collation import COLLATION
from tienlang.lib.text import clean_text, fold
from tienlang.lib.versioning import VersionedModel
from unions.models import Federation, GrassrootsUnion, Sex
from unions.querysets import ScopedQuerySet

from ..sensitivity import mask_citizen_id, masked  # noqa: F401 (mask_citizen_id: re-exported)

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
citizen_id_validator = RegexValidator(CITIZEN_ID_RE, _("Số CCCD gồm đúng 12 chữ số."))
PHONE_RE = re.compile(r"^(0|\+84)(3|5|7|8|9|2\d)\d{8}$")
phone_validator = RegexValidator(PHONE_RE, _("Số điện thoại Việt Nam không hợp lệ (ví dụ 0912345678)."))


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


def _folded_query(text: str) -> str:
    """The search text folded, its spaces single; "" for none or for digits (a citizen ID: no ranking)."""
    query = " ".join(fold(text or "").split())
    return "" if re.fullmatch(r"[\d ]*", query) else query


def _similarity(field: str, query: str) -> Func:
    """PostgreSQL's trigram similarity of a folded column to the folded text."""
    return Func(F(field), Value(query), function="similarity", output_field=models.FloatField())


def given_name_folded() -> Func:
    """The folded name's last word: the given name ("tên"), by which people are looked for and
    Vietnamese lists sorted. PostgreSQL only (`split_part`), with indexes of its own."""
    return Func(F("name_folded"), Value(" "), Value(-1), function="split_part", output_field=models.CharField())


def after_family_name_folded() -> Func:
    """The folded name without its first word (the family name): "thi anh" of "le thi anh".
    PostgreSQL only, with indexes of its own (the same expression, so keep them alike)."""
    return Func(
        F("name_folded"),
        template="substr(%(expressions)s, strpos(%(expressions)s, ' ') + 1)",
        output_field=models.CharField(),
    )


class PersonQuerySet(ScopedQuerySet):
    federation_lookup = "federation"
    union_lookup = "union"

    def search(self, text: str, field: str | None = None, *, address: bool = False):
        """People whose name holds every word typed (accents and case ignored); a citizen ID by its digits.

        Names first: the folded name only (`name_folded`, a trigram index on PostgreSQL), so
        "tran thi hoa" does not find people living in Quỳnh Hoa. With `address` the commune
        and district of residence are searched too (`search_folded`).
        """
        digits = re.sub(r"\D", "", text or "")
        if len(digits) >= 6 and digits == (text or "").strip():
            return self.filter(citizen_id__contains=digits)
        return super().search(text, field or ("search_folded" if address else "name_folded"))

    def closest_first(self, text: str, *, address: bool = False):
        """The people matching `text` (`search`), closest first, read no further than the page shown.

        On PostgreSQL a name search is ordered parts joined by UNION ALL: the names
        starting with the text, in name order, straight from the name's B-tree index; for
        one word, the names whose given name starts with it; the names whose words after the
        family name start with the text (a middle name, "thi anh"); each in the order of what
        it matched, from an index of its own; then the other matches by trigram similarity.
        PostgreSQL reads a part only when the page goes past the ones before, so a common
        name ("nguyen thi", 15,000 people at the nation tier; the given name "anh", 30,000)
        is not ranked whole before 50 are shown (docs/performance.md). The parts come back
        in their order because parallel append is off on the application's connections
        (settings). Elsewhere, and for an address or a citizen ID, one query ranks
        everything (`ranked`).
        """
        found = self.search(text, address=address)
        query = _folded_query(text)
        if address or not query or connections[self.db].vendor != "postgresql":
            return found.ranked(text, address=address)
        # Folded names are lower-case ASCII: every name starting with `query` sorts between
        # `query` and `query` followed by the highest code point.
        last = query + "\U0010ffff"
        starting = self.filter(name_folded__gte=query, name_folded__lt=last).order_by("name_folded", "pk")
        parts = [starting]
        # Then, for one word, the names whose given name starts with it; then the names whose
        # words after the family name start with the text (a middle name, "thi anh"), each
        # part in the order of what it matched, without the names of the parts before it.
        # Both are read from expression indexes of their own (migration `candidates.0015`),
        # an administrator's and a federation's.
        words = {"after_family": after_family_name_folded()}
        before = Q(name_folded__startswith=query)
        if " " not in query:
            words["given_name"] = given_name_folded()
            parts.append(self._starting("given_name", words, query, before))
            before |= Q(given_name__startswith=query)
        parts.append(self._starting("after_family", words, query, before))
        before |= Q(after_family__startswith=query)
        others = found.alias(**words).exclude(before)
        others = others.alias(search_similarity=_similarity("name_folded", query)).order_by(
            "-search_similarity", "name_folded", "pk"
        )
        combined = parts[0].union(*parts[1:], others, all=True)
        combined.__class__ = ClosestFirstQuerySet
        return combined

    def _starting(self, alias: str, words: dict, query: str, before: Q):
        """The names whose `alias` (one of `words`) starts with `query`, leaving out `before`, in its order."""
        here = Q(**{f"{alias}__gte": query, f"{alias}__lt": query + "\U0010ffff"})
        return self.alias(**words).filter(here).exclude(before).order_by(alias, "name_folded", "pk")

    def ranked(self, text: str, *, address: bool = False):
        """Closest first: names starting with the text, then by trigram similarity (PostgreSQL), then by name."""
        query = _folded_query(text)
        if not query:
            return self
        field = "search_folded" if address else "name_folded"
        prefix = Case(When(**{f"{field}__startswith": query}, then=Value(0)), default=Value(1))
        if connections[self.db].vendor == "postgresql":
            return self.alias(search_prefix=prefix, search_similarity=_similarity(field, query)).order_by(
                "search_prefix", "-search_similarity", "name_folded", "pk"
            )
        return self.alias(search_prefix=prefix).order_by("search_prefix", "name_folded", "pk")


class ClosestFirstQuerySet(PersonQuerySet):
    """`closest_first`'s UNION ALL: a slice also bounds each part, so PostgreSQL plans both
    for the rows of one page (an ordered index scan) rather than for every match."""

    def __getitem__(self, k):
        if isinstance(k, slice) and k.stop is not None and self.query.combinator:
            clone = self._chain()
            parts = []
            for part in clone.query.combined_queries:
                part = part.chain()
                part.set_limits(high=k.stop)
                parts.append(part)
            clone.query.combined_queries = tuple(parts)
            return QuerySet.__getitem__(clone, k)
        return super().__getitem__(k)


class Person(VersionedModel):
    """A union member. Sensitive personal data: see the masking and access rules."""

    federation = models.ForeignKey(
        Federation, verbose_name=_("liên đoàn lao động"), on_delete=models.PROTECT, related_name="people"
    )
    union = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("công đoàn cơ sở"), on_delete=models.PROTECT, related_name="people"
    )
    full_name = models.CharField(_("họ và tên"), max_length=120, db_collation=COLLATION)
    name_folded = models.CharField(max_length=120, editable=False)
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
        ordering = ["full_name", "pk"]
        indexes = [
            models.Index(fields=["federation", "full_name", "id"], name="cand_person_fed_name"),
            # A name search's first part, names starting with the text in name order
            # (PersonQuerySet.closest_first): an administrator's, and a federation's.
            models.Index(fields=["name_folded", "id"], name="cand_person_name_order"),
            models.Index(fields=["federation", "name_folded", "id"], name="cand_person_fed_name_order"),
            # The given name and the name after the family name have expression indexes of
            # their own on PostgreSQL (`closest_first`, migration 0015).
            models.Index(fields=["full_name", "date_of_birth"], name="cand_person_name_dob"),
            # Lists sorted by date of birth (people, nominations) or sex read a page in that order.
            models.Index(fields=["date_of_birth", "id"], name="cand_person_dob_order"),
            models.Index(fields=["sex", "id"], name="cand_person_sex_order"),
            # Search within a federation reads the folded text from the index alone.
            models.Index(fields=["federation", "search_folded"], name="cand_person_fed_search"),
            # The few people whose processing is restricted, to count those an export leaves
            # out (roster, stipends) from them instead of scanning the year's rows.
            models.Index(fields=["id"], condition=models.Q(processing_restricted=True), name="cand_person_restricted"),
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
        return masked(self, "citizen_id")  # the field's tag decides how lists show it

    @property
    def residence(self) -> str:
        return ", ".join(p for p in (self.residence_commune, self.residence_district, self.residence_province) if p)


def district_matches(district_text: str, federation: Federation) -> bool:
    """True when `district_text` names the federation's own district ("Tiên Lãng", "huyện Tiên Lãng"),
    or a district merged into it. The one rule: a person's save, the upload and
    `candidates.reorganisation.refresh_in_area` (the batch after a reorganisation) all use it."""
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

    # The area's own name, or that of a unit merged into it (papers issued before the merge).
    names = {core(area.name), *(core(name) for name in getattr(area, "former_names", None) or ())}
    return core(district_text) in names
