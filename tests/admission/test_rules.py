"""The rules after the introduction, judged on each step's own date, and the working-day clocks."""

from __future__ import annotations

import datetime

import pytest

from admission import rules
from admission.calendar import WorkingCalendar
from admission.models import AdmissionRule, CalendarDay

pytestmark = pytest.mark.django_db
D = datetime.date
BORN = D(2009, 3, 1)


def test_every_rule_is_a_row_with_its_legal_basis():
    rows = {r.code: r for r in AdmissionRule.objects.all()}
    assert set(rows) == set(AdmissionRule.Code.values)
    assert all(r.legal_basis and r.valid_from for r in rows.values())
    assert rows["age_at_cell"].params == {"min_months": 216, "max_months": 720}
    assert "232-QĐ/TW" in rows["probation"].legal_basis


def test_admission_at_17_years_11_months_is_refused_on_the_cells_date():
    findings = rules.judge_admission("Lê Thị Trẻ", BORN, D(2027, 2, 28))
    assert [f.level for f in findings] == ["block"]
    assert "chưa đủ 18 tuổi vào ngày chi bộ xét kết nạp 28/02/2027 (17 tuổi 11 tháng)" in findings[0].message


def test_admission_at_18_years_0_months_is_accepted():
    assert rules.judge_admission("Lê Thị Trẻ", BORN, D(2027, 3, 1)) == []


def test_over_60_needs_the_provincial_decision():
    born = D(1960, 1, 10)
    blocked = rules.judge_admission("Trần Văn Cao", born, D(2021, 3, 1))
    assert blocked[0].level == "block" and "quá 60 tuổi" in blocked[0].message
    allowed = rules.judge_admission("Trần Văn Cao", born, D(2021, 3, 1), over_age_decision="123-QĐ/TU ngày 01/02/2021")
    assert [f.level for f in allowed] == ["warning"]


def test_official_the_day_before_probation_ends_is_refused_and_on_the_day_accepted():
    ceremony = D(2025, 12, 2)
    assert rules.probation_end(ceremony) == D(2026, 12, 2)
    before = rules.judge_official("Phạm Thị Dự Bị", ceremony, D(2026, 12, 1), "45-QĐ/ĐU", D(2026, 12, 1))
    assert [f.code for f in before] == ["probation"] and "kết thúc ngày 02/12/2026" in before[0].message
    assert rules.judge_official("Phạm Thị Dự Bị", ceremony, D(2026, 12, 2), "45-QĐ/ĐU", D(2026, 12, 2)) == []


def test_official_needs_the_decision_number_and_date():
    findings = rules.judge_official("Phạm Thị Dự Bị", D(2025, 1, 5), D(2026, 2, 1), "", None)
    assert any("cần số và ngày quyết định" in f.message for f in findings)


def test_a_dossier_goes_stale_after_12_months_without_the_cell():
    prepared = D(2025, 3, 15)
    assert not rules.is_stale(prepared, D(2026, 3, 15))
    assert rules.is_stale(prepared, D(2026, 3, 16))


def test_working_days_skip_weekends_and_the_five_days_of_tet():
    calendar = WorkingCalendar()
    # Tết Bính Ngọ: 16–20/02/2026 are holidays; 14–15 and 21–22 a weekend.
    assert [calendar.is_working_day(D(2026, 2, d)) for d in range(13, 24)] == [
        True,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    # A decision due within 60 working days of a cell's resolution on 02/02/2026: February gives 14
    # (not the five of Tết), March 22, April 20 (not 27/4 and 30/4), and 1/5 is a holiday: 07/05.
    due = rules.due_date("decision", D(2026, 2, 2), calendar)
    assert due == D(2026, 5, 7)
    assert calendar.working_days_between(D(2026, 2, 2), due) == 60


def test_a_make_up_saturday_and_an_announced_day_off_move_the_due_date():
    # 30 working days from 01/04/2026: 18/05/2026 on the statutory calendar.
    assert rules.due_date("ceremony", D(2026, 4, 1), WorkingCalendar()) == D(2026, 5, 18)
    CalendarDay.objects.create(date=D(2026, 4, 11), kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù thứ Bảy")
    assert rules.due_date("ceremony", D(2026, 4, 1), WorkingCalendar()) == D(2026, 5, 15)
    CalendarDay.objects.create(date=D(2026, 4, 29), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    assert rules.due_date("ceremony", D(2026, 4, 1), WorkingCalendar()) == D(2026, 5, 18)


def test_the_admission_window_names_what_closes_it_first():
    # Born 30/06/1966: over 60 full years and one month from 30/07/2026, so the last day is 29/07/2026.
    window = rules.admission_window(D(1966, 6, 30), D(2022, 4, 2), D(2026, 1, 10), D(2026, 3, 1))
    assert window == [
        ("tuổi 60", D(2026, 7, 29)),
        ("hồ sơ quá 12 tháng", D(2027, 1, 10)),
        ("giấy chứng nhận hết hạn", D(2027, 4, 2)),
    ]


def test_a_wiped_database_still_judges_by_the_regulations_and_lists_the_dossier(union_a):
    from admission import dossier
    from admission.models import DossierItemType
    from tests import factories

    AdmissionRule.objects.all().delete()
    DossierItemType.objects.all().delete()
    assert rules.probation_end(D(2025, 12, 2)) == D(2026, 12, 2)
    assert len(dossier.items(factories.make_nomination(union_a, year=2025))) == 10
