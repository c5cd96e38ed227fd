"""Earlier years: typed in per year or per period, and never counted twice in the multi-year report."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from reports import queries
from reports.models import YearlyAggregate
from tests import factories
from tests.factories import make_nomination

pytestmark = pytest.mark.django_db

# The demo's paper figures: one row a year for 2015–2020 (SPEC §5, "over 600 a year").
DEMO_YEARS = {2015: 612, 2016: 634, 2017: 605, 2018: 641, 2019: 620, 2020: 608}


def history_sheet(content: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(content), data_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Năm")
    titles = list(rows[header])
    body, totals = [], None
    for row in rows[header + 2 :]:
        if row[0] == "Tổng cộng":
            totals = row
            break
        body.append(row)
    texts = [str(v) for row in rows for v in row if isinstance(v, str)]
    return titles, body, totals, texts


def test_demo_history_counts_every_year_once(client, demo):
    client.force_login(factories.get_user("lanhdao"))
    titles, body, totals, texts = history_sheet(client.get("/reports/history.xlsx?year=2022").content)
    introduced = titles.index("Đã giới thiệu cho Đảng")
    years = [row[0] for row in body]
    # Years are numbers, each once, in order; the 2020 – 03/2022 period is not a row.
    assert years == sorted(set(years)) and all(isinstance(y, int) for y in years)
    assert years == [2015, 2016, 2017, 2018, 2019, 2020, 2022]
    by_year = {row[0]: row for row in body}
    for year, figure in DEMO_YEARS.items():
        assert by_year[year][introduced] == figure
    recorded_2022 = by_year[2022][introduced]
    # The old report added the period's 392 on top of 2020 and 2022: 4,112 and more.
    assert totals[introduced] == sum(DEMO_YEARS.values()) + recorded_2022 == 3720 + recorded_2022
    assert totals[introduced] < 4112
    note = next(t for t in texts if t.startswith("Ghi chú — Giai đoạn 2020–2022"))
    assert "392 được giới thiệu cho Đảng" in note and "287 được kết nạp" in note
    assert "không cộng vào tổng" in note and "2020, 2022" in note


def test_history_screen_shows_the_period_as_a_note_and_the_same_total(client, demo):
    client.force_login(factories.get_user("canbo"))
    page = client.get("/reports/history/?year=2022").content.decode()
    assert "Ghi chú — Giai đoạn 2020–2022" in page
    scope = queries.Scope(user=factories.get_user("canbo"))
    rows = queries.history(scope, until=2022)
    assert [r.label for r in rows] == ["2015", "2016", "2017", "2018", "2019", "2020", "2022"]
    assert f'<td class="text-end">{rows.total("introduced")}</td>' in page


def test_dashboard_trend_has_no_period_bar(client, demo):
    client.force_login(factories.get_user("canbo"))
    page = client.get("/?year=2022").content.decode()
    assert 'text-anchor="middle">2022</text>' in page  # the trend chart's year labels
    assert 'text-anchor="middle">2020–2022</text>' not in page
    assert 'text-anchor="middle">2021</text>' not in page


@pytest.fixture
def fed_with_records(federation, union_a):
    staff = factories.make_user("staff", federation=federation, username="staff2")
    make_nomination(union_a, year=2022, user=staff)
    return federation


def _aggregate(federation, start, end, introduced, admitted=None, source=""):
    return YearlyAggregate.objects.create(
        federation=federation, start_year=start, end_year=end, introduced=introduced, admitted=admitted, source=source
    )


def test_a_period_without_overlap_is_counted_once_as_one_row(fed_with_records):
    _aggregate(fed_with_records, 2015, 2017, 1500)
    _aggregate(fed_with_records, 2018, 2018, 500)
    rows = queries.history(queries.Scope(federation=fed_with_records), until=2022)
    assert [(r.label, r.introduced, r.is_aggregate) for r in rows] == [
        ("2015–2017", 1500, True),
        ("2018", 500, True),
        ("2022", 0, False),
    ]
    assert rows.notes == []
    assert rows.total("introduced") == 2000


def test_a_period_overlapping_a_typed_year_or_a_recorded_year_is_a_note(fed_with_records):
    _aggregate(fed_with_records, 2019, 2019, 600)
    _aggregate(fed_with_records, 2019, 2021, 900, 700, source="Báo cáo giấy")  # overlaps 2019
    _aggregate(fed_with_records, 2021, 2022, 400)  # overlaps 2022, which has records
    _aggregate(fed_with_records, 2022, 2022, 50)  # a typed-in year that has records
    rows = queries.history(queries.Scope(federation=fed_with_records), until=2022)
    assert [r.label for r in rows] == ["2019", "2022"]
    assert rows.total("introduced") == 600 + rows[-1].introduced
    assert [(n.label, n.overlaps) for n in rows.notes] == [
        ("Năm 2022", [2022]),
        ("Giai đoạn 2019–2021", [2019]),
        ("Giai đoạn 2021–2022", [2022]),
    ]
    assert "không cộng vào tổng vì trùng năm 2019 đã tính" in rows.notes[1].text


def test_a_period_reaching_past_the_report_year_is_a_note(fed_with_records):
    _aggregate(fed_with_records, 2019, 2021, 900)
    rows = queries.history(queries.Scope(federation=fed_with_records), until=2020)
    assert list(rows) == [] and rows.notes[0].label == "Giai đoạn 2019–2021"


def test_two_periods_sharing_no_year_are_both_counted(fed_with_records):
    _aggregate(fed_with_records, 2015, 2016, 100)
    _aggregate(fed_with_records, 2017, 2019, 300)
    rows = queries.history(queries.Scope(federation=fed_with_records), until=2021)
    assert [r.label for r in rows] == ["2015–2016", "2017–2019"]
    assert rows.total("introduced") == 400


# --- the entry screen -------------------------------------------------------------------


def _post(client, rows, existing=()):
    data = {"a-TOTAL_FORMS": len(existing) + len(rows), "a-INITIAL_FORMS": len(existing)}
    for index, row in enumerate([*existing, *rows]):
        for key, value in row.items():
            data[f"a-{index}-{key}"] = value
    return client.post(reverse("reports:aggregates"), data, follow=True)


def _row(start, end="", introduced=100, admitted="", source=""):
    return {"start_year": start, "end_year": end, "introduced": introduced, "admitted": admitted, "source": source}


def test_entry_refuses_a_year_typed_twice(client, leadership):
    client.force_login(leadership)
    page = _post(client, [_row(2016), _row(2016, 2016)]).content.decode()
    assert "Năm 2016 bị nhập hai lần." in page
    assert not YearlyAggregate.objects.exists()


def test_entry_refuses_two_overlapping_periods_naming_the_years(client, leadership):
    client.force_login(leadership)
    page = _post(client, [_row(2015, 2018), _row(2017, 2019)]).content.decode()
    assert "Giai đoạn 2017–2019 trùng với giai đoạn 2015–2018 ở năm 2017, 2018" in page
    assert not YearlyAggregate.objects.exists()  # all or nothing


def test_entry_refuses_an_end_before_the_start(client, leadership):
    client.force_login(leadership)
    page = _post(client, [_row(2019, 2017)]).content.decode()
    assert "Năm kết thúc (2017) phải sau hoặc bằng năm bắt đầu (2019)." in page
    assert not YearlyAggregate.objects.exists()


def test_entry_accepts_a_period_over_typed_years_and_says_it_is_a_note(client, leadership, federation):
    client.force_login(leadership)
    page = _post(client, [_row(2020, introduced=608), _row(2020, 2022, introduced=392)]).content.decode()
    assert "Đã lưu số liệu tổng hợp các năm trước." in page
    assert "Giai đoạn 2020–2022 trùng với năm 2020 đã nhập riêng từng năm" in page
    assert sorted(YearlyAggregate.objects.values_list("start_year", "end_year")) == [(2020, 2020), (2020, 2022)]


def test_entry_of_one_year_leaves_the_end_year_blank(client, leadership):
    client.force_login(leadership)
    _post(client, [_row(2017, introduced=605)])
    aggregate = YearlyAggregate.objects.get()
    assert (aggregate.start_year, aggregate.end_year, aggregate.label) == (2017, 2017, "2017")


def test_entry_refuses_a_stale_save(client, leadership, federation):
    aggregate = _aggregate(federation, 2018, 2018, 641)
    client.force_login(leadership)
    opened = {"id": aggregate.pk, "version": aggregate.version, **_row(2018, 2018, introduced=640)}
    aggregate.introduced = 700
    aggregate.save()  # someone else saved meanwhile
    page = _post(client, [], existing=[opened]).content.decode()
    assert "Chưa lưu" in page
    aggregate.refresh_from_db()
    assert aggregate.introduced == 700


def test_a_chair_cannot_open_the_entry_screen(client, chair_a):
    client.force_login(chair_a)
    assert client.get(reverse("reports:aggregates")).status_code == 403


# --- the migration ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_turns_the_noted_period_into_start_and_end_years():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("reports", "0002_historicalfederationtarget_historicalplan_and_more")])
        old = executor.loader.project_state(
            [("reports", "0002_historicalfederationtarget_historicalplan_and_more")]
        ).apps
        federation = old.get_model("unions", "Federation").objects.create(name="LĐLĐ huyện Thử Nghiệm Cũ")
        Aggregate = old.get_model("reports", "YearlyAggregate")
        Aggregate.objects.create(federation=federation, year=2016, introduced=634, source="Báo cáo giấy")
        Aggregate.objects.create(
            federation=federation,
            year=2021,
            introduced=392,
            admitted=287,
            source="Báo cáo giấy: từ năm 2020 đến 03/2022 gần 400 người được giới thiệu",
        )
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("reports"))
        rows = sorted(
            YearlyAggregate.objects.filter(federation_id=federation.pk).values_list(
                "start_year", "end_year", "introduced", "admitted"
            )
        )
        assert rows == [(2016, 2016, 634, None), (2020, 2022, 392, 287)]
    finally:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
