"""Every row of an upload is read, judged and saved (or not) the way the chair and the staff expect."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates import eligibility, imports
from candidates.models import Nomination, NominationEvent, NominationImport, Person, Status
from candidates.services import facts_from_data
from tests import factories
from tests.candidates.test_import_support import citizen_id, make_xlsx, row
from tienlang.lib.text import fold
from tienlang.lib.xlsx import UploadError

pytestmark = pytest.mark.django_db

YEAR = 2022  # a past year: nominated on 31/12/2022
# Reading, judging and saving 5,000 rows: a few lookups, then inserts of 1,000 rows at a time.
QUERY_CEILING_5000 = 40


def run(data: bytes, union, year: int = YEAR, **kwargs) -> imports.ImportResult:
    return imports.import_file(data, union, year, file_name="danh-sach.xlsx", **kwargs)


def problems_of(result) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in result.errors]


def nothing_saved():
    assert Nomination.objects.count() == 0
    assert Person.objects.count() == 0
    assert NominationImport.objects.count() == 0


# --- reading the sheet ---------------------------------------------------------------------


def test_title_block_and_shuffled_columns_with_loose_header_texts(union_a):
    keys = ["citizen_id", "full_name", "union_joined_on", "sex", "date_of_birth", "education"]
    keys += ["residence_commune", "residence_district", "residence_province", "number"]
    headers = {"citizen_id": "SỐ CCCD", "full_name": "ho va ten", "date_of_birth": " Ngày  sinh ", "sex": "GIỚI TÍNH"}
    title = [["LIÊN ĐOÀN LAO ĐỘNG HUYỆN"], ["DANH SÁCH ĐOÀN VIÊN ƯU TÚ NĂM 2022"], []]
    person = row(full_name="Phạm Thị Xáo Trộn")
    result = run(make_xlsx([person], keys=keys, headers=headers, title=title), union_a)
    assert result.ok, result.problems
    assert result.header_row == 4
    saved = Person.objects.get()
    assert saved.full_name == "Phạm Thị Xáo Trộn"
    assert saved.citizen_id == person["citizen_id"]
    assert saved.date_of_birth == datetime.date(1995, 4, 15)
    assert (saved.ethnicity, saved.religion) == ("Kinh", "Không"), "defaults for the columns left out"


def test_dates_as_excel_dates_and_as_text(union_a):
    as_dates = row(date_of_birth=datetime.date(1994, 2, 28), union_joined_on=datetime.datetime(2017, 9, 1))
    as_text = row(date_of_birth="01/12/1993", union_joined_on="5/6/2016")
    result = run(make_xlsx([as_dates, as_text]), union_a)
    assert result.ok, result.problems
    first = Person.objects.get(citizen_id=as_dates["citizen_id"])
    second = Person.objects.get(citizen_id=as_text["citizen_id"])
    assert (first.date_of_birth, first.union_joined_on) == (datetime.date(1994, 2, 28), datetime.date(2017, 9, 1))
    assert (second.date_of_birth, second.union_joined_on) == (datetime.date(1993, 12, 1), datetime.date(2016, 6, 5))


def test_impossible_and_unreadable_dates_name_row_and_column(union_a):
    result = run(make_xlsx([row(), row(date_of_birth="31/02/1995"), row(union_joined_on="2018-13-01")]), union_a)
    assert not result.ok
    errors = problems_of(result)
    assert (3, "Ngày sinh", "“31/02/1995” không phải ngày có thật") in errors
    assert any(r == 4 and c == "Ngày vào Công đoàn" and "dd/mm/yyyy" in m for r, c, m in errors)
    nothing_saved()


def test_citizen_id_stored_as_number_gets_its_leading_zeros_back(union_a):
    lost_one = row(citizen_id=99500000777)  # typed 099500000777, Excel kept a number
    lost_three = row(citizen_id=123456789)  # typed 000123456789
    as_float = row(citizen_id=99500000778.0)
    result = run(make_xlsx([lost_one, lost_three, as_float]), union_a)
    assert result.ok, result.problems
    assert set(Person.objects.values_list("citizen_id", flat=True)) == {"099500000777", "000123456789", "099500000778"}


def test_citizen_id_that_is_not_twelve_digits_is_an_error(union_a):
    result = run(
        make_xlsx([row(citizen_id="09950000012"), row(citizen_id="0995000001234"), row(citizen_id="ABC")]), union_a
    )
    assert [(r, c) for r, c, _ in problems_of(result)] == [(2, "Số CCCD"), (3, "Số CCCD"), (4, "Số CCCD")]
    assert all("12 chữ số" in m for _, _, m in problems_of(result))
    assert "09950000012" not in problems_of(result)[0][2], "even a mistyped number is shown masked"
    assert "“099*****012”" in problems_of(result)[0][2]


def test_decomposed_accents_and_stray_spaces_are_stored_clean(union_a):
    name = unicodedata.normalize("NFD", "  Nguyễn   Thị  Ánh Tuyết ")
    commune = unicodedata.normalize("NFD", " Xã  Đoàn Lập ")
    result = run(make_xlsx([row(full_name=name, residence_commune=commune, job_title=" Tổ trưởng ")]), union_a)
    assert result.ok, result.problems
    person = Person.objects.get()
    assert person.full_name == "Nguyễn Thị Ánh Tuyết"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert person.residence_commune == "Xã Đoàn Lập"
    assert person.job_title == "Tổ trưởng"
    assert person.name_folded == "nguyen thi anh tuyet"
    assert Nomination.objects.search("doan lap").count() == 1


def test_bidi_controls_in_an_uploaded_file_are_not_stored(union_a):
    controls = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    rows = [
        row(full_name=f"Lê Thị{control} Hoa {n}", residence_commune=f"{control}Xã Đoàn Lập")
        for n, control in enumerate(controls, start=1)
    ]
    rows.append(row(full_name="Vũ\u202e Đức\u202c Thắng", citizen_id="\u202e" + citizen_id()))
    result = run(make_xlsx(rows), union_a)
    assert result.ok, result.problems
    names = set(Person.objects.values_list("full_name", flat=True))
    assert names == {f"Lê Thị Hoa {n}" for n in range(1, 10)} | {"Vũ Đức Thắng"}
    assert set(Person.objects.values_list("residence_commune", flat=True)) == {"Xã Đoàn Lập", "Xã Tiên Cường"}
    for person in Person.objects.all():
        stored = person.full_name + person.residence_commune + person.citizen_id + person.name_folded
        assert not set(stored) & set(controls), person.full_name


def test_blank_rows_are_skipped_and_row_numbers_stay_those_excel_shows(union_a):
    rows = [row(), row(), row(date_of_birth="30/02/1990")]
    result = run(make_xlsx(rows, blank_rows_after={0}), union_a)
    assert [r.number for r in result.rows] == [2, 5, 6]
    assert problems_of(result)[0][:2] == (6, "Ngày sinh")


def test_rows_numbered_in_advance_but_left_empty_are_blank(union_a):
    rows = [row(), row()] + [{"number": n} for n in range(3, 40)]
    result = run(make_xlsx(rows), union_a)
    assert result.ok and len(result.rows) == 2
    assert Nomination.objects.count() == 2


def test_missing_required_column_is_named(union_a):
    keys = [k for k in imports.HEADERS if k != "union_joined_on"]
    with pytest.raises(UploadError) as caught:
        run(make_xlsx([row()], keys=keys), union_a)
    assert "“Ngày vào Công đoàn”" in str(caught.value)
    nothing_saved()


def test_required_value_missing_in_a_row(union_a):
    result = run(make_xlsx([row(full_name="", education="")]), union_a)
    assert {(c, m) for _, c, m in problems_of(result)} == {
        ("Họ và tên", "Thiếu giá trị (cột bắt buộc)."),
        ("Trình độ học vấn", "Thiếu giá trị (cột bắt buộc)."),
    }


def test_sex_education_and_phone_are_read_leniently_but_checked(union_a):
    rows = [
        row(sex="NỮ", education="Đại học", phone=912345678),
        row(sex="nam", education=datetime.datetime(2022, 12, 9), phone="091 234.5678"),  # "9/12" Excel made a date
        row(sex=" Nu ", education="trung cap", phone=""),
        row(sex="Khác", education="lớp 5", phone="12345"),
    ]
    result = run(make_xlsx(rows), union_a)
    assert {(r, c) for r, c, _ in problems_of(result)} == {
        (5, "Giới tính"),
        (5, "Trình độ học vấn"),
        (5, "Số điện thoại"),
    }
    parsed = [(r.data.get("sex"), r.data.get("education"), r.data.get("phone")) for r in result.rows[:3]]
    assert parsed == [("F", "DH", "0912345678"), ("M", "9/12", "0912345678"), ("F", "TC", "")]


def test_text_longer_than_the_field_is_an_error(union_a):
    result = run(make_xlsx([row(full_name="Nguyễn " * 30)]), union_a)
    assert problems_of(result) == [(2, "Họ và tên", "Dài quá 120 ký tự.")]


# --- duplicates ----------------------------------------------------------------------------


def test_same_citizen_id_twice_in_the_file_blocks_the_later_row(union_a):
    first = row()
    rows = [first, row(), row(citizen_id=first["citizen_id"], full_name="Người Khác Trùng Số")]
    result = run(make_xlsx(rows), union_a)
    assert problems_of(result) == [
        (4, "Số CCCD", "Số CCCD trùng với dòng 2 trong tệp; mỗi người chỉ ghi một dòng."),
    ]
    nothing_saved()


def test_open_nomination_in_another_union_blocks_the_row(union_a, union_b, staff):
    # Staff see their whole federation, so they are told why (a chair is told only to ask: test_ownership).
    elsewhere = factories.make_nomination(union_b, year=YEAR, citizen_id=citizen_id())
    data = make_xlsx([row(), row(citizen_id=elsewhere.person.citizen_id, full_name="Đỗ Văn Hai Nơi")])
    result = run(data, union_a, user=staff)
    assert problems_of(result) == [
        (3, "Số CCCD", "Đỗ Văn Hai Nơi: số CCCD đang có hồ sơ chưa kết thúc tại một công đoàn cơ sở khác."),
    ]
    assert Nomination.objects.count() == 1
    assert Person.objects.get(pk=elsewhere.person.pk).union == union_b, "the other union's person is untouched"


def test_open_nomination_in_the_same_union_says_so(union_a):
    mine = factories.make_nomination(union_a, year=2021, citizen_id=citizen_id())
    result = run(make_xlsx([row(citizen_id=mine.person.citizen_id, full_name="Vũ Thị Lặp")]), union_a)
    assert "tại công đoàn cơ sở này" in problems_of(result)[0][2]


def test_lookalike_person_with_another_id_is_a_warning_not_a_block(union_a, union_b, staff):
    other = factories.make_nomination(union_b, full_name="Hoàng Thị Giống", date_of_birth=datetime.date(1995, 4, 15))
    result = run(make_xlsx([row(full_name="Hoàng Thị Giống")]), union_a, user=staff)
    assert result.ok
    nomination = Nomination.objects.exclude(pk=other.pk).get()
    assert [w["code"] for w in nomination.warnings] == ["possible_duplicate"]


def test_same_name_and_birth_date_twice_in_the_file_is_flagged(union_a):
    result = run(make_xlsx([row(full_name="Lý Văn Đôi"), row(full_name="Lý Văn Đôi")]), union_a)
    assert result.ok
    assert [(p.row, p.column) for p in result.warnings] == [(3, "Họ và tên")]
    assert "dòng 2" in result.warnings[0].message


# --- all or nothing, warnings, blocks ------------------------------------------------------


def test_one_bad_row_among_two_hundred_saves_nothing_and_names_it(union_a):
    rows = [row() for _ in range(200)]
    rows[136]["union_joined_on"] = "31/04/2019"
    result = run(make_xlsx(rows), union_a)
    assert problems_of(result) == [(138, "Ngày vào Công đoàn", "“31/04/2019” không phải ngày có thật")]
    assert result.rows_with_errors == 1 and len(result.rows) == 200
    nothing_saved()


def test_rows_with_only_warnings_are_saved_and_flagged(union_a):
    young = row(full_name="Mai Thị Trẻ", date_of_birth="01/03/2005")  # 17 years 9 months on 31/12/2022
    low_education = row(full_name="Đinh Văn Lớp Tám", education="8/12")
    clean = row(full_name="Cao Thị Đủ")
    result = run(make_xlsx([young, low_education, clean]), union_a)
    assert result.ok
    assert [(p.row, p.column) for p in result.warnings] == [(2, "Ngày sinh"), (3, "Trình độ học vấn")]
    saved = {n.person.full_name: n for n in Nomination.objects.select_related("person")}
    assert len(saved) == 3
    assert saved["Mai Thị Trẻ"].has_open_warnings
    assert "17 tuổi 9 tháng" in saved["Mai Thị Trẻ"].warnings[0]["message"]
    assert saved["Đinh Văn Lớp Tám"].warnings[0]["code"] == "education"
    assert saved["Cao Thị Đủ"].warnings == [] and not saved["Cao Thị Đủ"].has_open_warnings


def test_blocked_rows_short_membership_too_young_party_member(union_a):
    member = factories.make_nomination(union_a, year=2020, citizen_id=citizen_id())
    member.person.is_party_member = True
    member.person.save()
    Nomination.objects.filter(pk=member.pk).update(status=Status.WITHDRAWN)
    rows = [
        row(full_name="Tô Văn Mới", union_joined_on="01/06/2022"),
        row(full_name="Lưu Thị Nhỏ", date_of_birth="01/06/2006"),
        row(full_name="Hà Văn Đảng Viên", citizen_id=member.person.citizen_id),
    ]
    result = run(make_xlsx(rows), union_a)
    errors = problems_of(result)
    assert [(r, c) for r, c, _ in errors] == [(2, "Ngày vào Công đoàn"), (3, "Ngày sinh"), (4, "Số CCCD")]
    assert "chưa đủ 12 tháng" in errors[0][2]
    assert "chưa đủ 17 tuổi 6 tháng" in errors[1][2]
    assert errors[2][2] == "Hà Văn Đảng Viên: đã là đảng viên."


def test_nominated_twice_in_the_same_year_is_blocked(union_a):
    ended = factories.make_nomination(union_a, year=YEAR, citizen_id=citizen_id())
    Nomination.objects.filter(pk=ended.pk).update(status=Status.WITHDRAWN)
    result = run(make_xlsx([row(citizen_id=ended.person.citizen_id, full_name="Kiều Văn Rút")]), union_a)
    assert problems_of(result) == [(2, "Số CCCD", "Kiều Văn Rút: đã được giới thiệu trong năm 2022.")]


def test_batched_database_rules_say_what_the_one_by_one_rules_say(union_a, union_b, staff):
    """The import answers the database rules for the whole file at once; same findings as the form."""
    open_elsewhere = factories.make_nomination(union_b, year=2021, citizen_id=citizen_id())
    same_year = factories.make_nomination(union_a, year=YEAR, citizen_id=citizen_id())
    Nomination.objects.filter(pk=same_year.pk).update(status=Status.REJECTED)
    admitted = factories.make_nomination(union_a, year=2019, citizen_id=citizen_id())
    Nomination.objects.filter(pk=admitted.pk).update(status=Status.ADMITTED)
    lookalike = factories.make_nomination(union_b, year=2021, full_name="Bùi Thị Na Ná")
    cases = [
        row(citizen_id=open_elsewhere.person.citizen_id),
        row(citizen_id=same_year.person.citizen_id),
        row(citizen_id=admitted.person.citizen_id),
        row(full_name="Bùi Thị Na Ná", date_of_birth=lookalike.person.date_of_birth.strftime("%d/%m/%Y")),
        row(),
    ]
    result = imports.analyse(make_xlsx(cases), union_a, YEAR, user=staff)
    on = imports.nomination_date(YEAR)
    for import_row in result.rows:
        facts = facts_from_data(import_row.data, union_a)
        expected = eligibility.database_findings(facts, on, YEAR, None, eligibility.rules_in_force(on))
        got = [f for f in import_row.findings if f.code in ("open_nomination", "party_member", "possible_duplicate")]
        assert [f.as_dict() for f in got] == [f.as_dict() for f in expected], import_row.number
    assert sum(1 for r in result.rows if r.findings) == 4


def test_a_conflict_at_save_time_rolls_everything_back(union_a, union_b, staff, monkeypatch):
    """If another upload takes a person between the checks and the insert, the constraint wins."""
    taken = factories.make_nomination(union_b, year=2021, citizen_id=citizen_id())
    monkeypatch.setattr(imports.judging, "database_findings", lambda *args: [])  # as if checked a moment earlier
    result = run(make_xlsx([row(), row(citizen_id=taken.person.citizen_id)]), union_a, user=staff)
    assert not result.ok and result.file_problems
    assert Nomination.objects.count() == 1
    assert NominationImport.objects.count() == 0
    assert Person.objects.get(pk=taken.person.pk).union == union_b


# --- what is saved -------------------------------------------------------------------------


def test_nomination_dates_follow_the_year():
    today = datetime.date(2024, 5, 20)
    assert imports.nomination_date(2024, today) == today
    assert imports.nomination_date(2022, today) == datetime.date(2022, 12, 31)
    assert imports.nomination_date(2025, today) == datetime.date(2025, 1, 1)


def test_saved_import_keeps_sha256_links_nominations_and_writes_history(union_a, chair_a):
    data = make_xlsx([row(), row(), row()])
    result = run(data, union_a, user=chair_a)
    record = NominationImport.objects.get()
    import hashlib

    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert bytes(record.content) == data
    assert record.state == NominationImport.State.SAVED
    assert (record.rows_total, record.rows_saved, record.uploaded_by) == (3, 3, chair_a)
    nominations = Nomination.objects.filter(source_import=record)
    assert nominations.count() == 3 == len(result.saved)
    for nomination in nominations:
        assert (nomination.status, nomination.stage, nomination.year) == (Status.NOMINATED, 1, YEAR)
        assert nomination.nominated_on == datetime.date(2022, 12, 31)
        assert nomination.union == union_a and nomination.federation == union_a.federation
        assert nomination.created_by == chair_a
        event = NominationEvent.objects.get(nomination=nomination)
        assert (event.from_status, event.to_status, event.recorded_by) == ("", Status.NOMINATED, chair_a)
        assert event.happened_on == datetime.date(2022, 12, 31)
        assert event.details["import"] == record.pk


def test_this_years_upload_is_dated_today(union_a):
    from django.utils import timezone

    year = timezone.localdate().year
    run(make_xlsx([row(union_joined_on="01/01/2015")]), union_a, year=year)
    assert Nomination.objects.get().nominated_on == timezone.localdate()


def test_bulk_saved_people_match_what_a_normal_save_computes(union_a):
    district = factories.make_area(name="Huyện Thử Nghiệm Trong", level="district")
    union_a.federation.area = district
    union_a.federation.save()
    inside = row(residence_district="huyện Thử Nghiệm Trong", full_name="Đặng Thị Trong Huyện")
    outside = row(residence_district="Huyện Vĩnh Bảo", full_name="Đặng Văn Ngoài Huyện")
    run(make_xlsx([inside, outside]), union_a)
    for person in Person.objects.all():
        stored = (person.name_folded, person.search_folded, person.lives_in_district)
        person.save()  # the model's own derivation
        person.refresh_from_db()
        assert stored == (person.name_folded, person.search_folded, person.lives_in_district)
        nomination = person.nominations.get()
        stored = (nomination.search_folded, nomination.in_district)
        nomination.refresh_search()
        assert stored == (nomination.search_folded, nomination.in_district)
    assert Person.objects.get(full_name="Đặng Thị Trong Huyện").lives_in_district
    assert not Person.objects.get(full_name="Đặng Văn Ngoài Huyện").lives_in_district
    assert Nomination.objects.filter(in_district=True).count() == 1


def test_person_known_from_an_earlier_year_is_updated_and_keeps_what_the_file_leaves_blank(union_a, union_b, staff):
    earlier = factories.make_nomination(
        union_b, year=2020, citizen_id=citizen_id(), ethnicity="Tày", religion="Phật giáo"
    )
    Nomination.objects.filter(pk=earlier.pk).update(status=Status.WITHDRAWN)
    result = run(
        make_xlsx([row(citizen_id=earlier.person.citizen_id, full_name="Tên Mới Đổi", phone="0987654321")]),
        union_a,
        user=staff,  # the federation's staff: both unions are theirs
    )
    assert result.ok, result.problems
    person = Person.objects.get(pk=earlier.person.pk)
    assert (person.full_name, person.phone, person.union) == ("Tên Mới Đổi", "0987654321", union_a)
    assert (person.ethnicity, person.religion) == ("Tày", "Phật giáo")
    assert person.nominations.count() == 2


def test_dry_run_judges_but_writes_nothing(union_a):
    result = run(make_xlsx([row(), row()]), union_a, dry_run=True)
    assert result.ok and len(result.rows) == 2 and result.saved == []
    nothing_saved()


# --- speed ---------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_number_of_rows(union_a):
    def count(n):
        data = make_xlsx([row() for _ in range(n)])
        with CaptureQueriesContext(connection) as queries:
            imports.analyse(data, union_a, YEAR)
        return len(queries)

    assert count(5) == count(60)


def test_five_thousand_rows_are_read_judged_and_saved_in_batches(union_a, union_b):
    # The time it takes is measured by `manage.py bench` (docs/performance.md); what a test can pin
    # on a shared machine is that the work is done in batches: the queries do not grow row by row.
    factories.make_nomination(union_b, year=2021, citizen_id=citizen_id())  # something to look up
    rows = [row(full_name=f"Nguyễn Văn Số {i}") for i in range(imports.MAX_IMPORT_ROWS)]
    data = make_xlsx(rows)
    with CaptureQueriesContext(connection) as queries:
        result = run(data, union_a)
    assert result.ok, result.problems[:3]
    assert Nomination.objects.filter(union=union_a).count() == 5000
    assert NominationEvent.objects.filter(nomination__union=union_a).count() == 5000
    assert Person.objects.filter(name_folded=fold("Nguyễn Văn Số 4999")).exists()
    assert len(queries) <= QUERY_CEILING_5000, len(queries)
