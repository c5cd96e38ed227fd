"""Register lists: search, filters, sorting, and an Excel export of exactly what the list shows."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(federation):
    """A small federation register with every filter value represented."""
    tien_cuong = factories.make_commune_for(federation)
    doan_lap = factories.make_commune_for(federation)
    rows = {
        "phuc_thuan": factories.make_enterprise(
            federation=federation,
            name="Công ty TNHH Phúc Thuận",
            ownership="llc",
            industry="Da giày",
            commune=doan_lap,
            workers=800,
            is_pilot=True,
        ),
        "sunvigo": factories.make_enterprise(
            federation=federation,
            name="Công ty Cổ phần SunVigo Việt Nam",
            ownership="fdi",
            industry="Đồ chơi",
            commune=tien_cuong,
            workers=1500,
            is_pilot=True,
        ),
        "dang_bo": factories.make_enterprise(
            federation=federation,
            name="Công ty Cổ phần Đồng Hưng",
            ownership="jsc",
            industry="Cơ khí",
            commune=tien_cuong,
            workers=300,
            party_org_since=datetime.date(2012, 3, 3),
        ),
        "htx": factories.make_enterprise(
            federation=federation,
            name="Hợp tác xã Đoàn Kết",
            ownership="coop",
            industry="Nông nghiệp",
            commune=doan_lap,
            workers=25,
        ),
    }
    factories.make_union(
        enterprise=rows["phuc_thuan"], code="CD-PHUCTHUAN", name="Công đoàn Công ty TNHH Phúc Thuận", members=742
    )
    factories.make_union(enterprise=rows["sunvigo"], code="CD-SUNVIGO", name="Công đoàn SunVigo", members=1380)
    factories.make_union(enterprise=rows["dang_bo"], code="CD-DONGHUNG", name="Công đoàn Đồng Hưng")
    rows["communes"] = (tien_cuong, doan_lap)
    return rows


def _list_names(client, url, params) -> list[str]:
    """Names in the first column of the rendered table, in order."""
    text = client.get(url, params).content.decode()
    body = text.split('data-testid="result-table"', 1)[1]
    return re.findall(r'<tr[^>]*>\s*<td[^>]*><a href="[^"]+">([^<]+)</a>', body)


def _export(client, url, params):
    response = client.get(url, {**params, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["phuc thuan", "PHÚC THUẬN", "Phuc  Thuan", "tnhh phúc"])
def test_enterprise_search_ignores_accents_and_case(client, staff, register, query):
    client.force_login(staff)
    assert _list_names(client, "/unions/enterprises/", {"q": query}) == ["Công ty TNHH Phúc Thuận"]


def test_enterprise_search_finds_a_tax_code_and_the_letter_d(client, staff, register):
    client.force_login(staff)
    code = register["htx"].tax_code
    assert _list_names(client, "/unions/enterprises/", {"q": code[-6:]}) == ["Hợp tác xã Đoàn Kết"]
    assert _list_names(client, "/unions/enterprises/", {"q": "dong hung"}) == ["Công ty Cổ phần Đồng Hưng"]


def test_union_search_covers_the_enterprise_name_and_tax_code(client, staff, register):
    client.force_login(staff)
    assert _list_names(client, "/unions/", {"q": "sunvigo viet nam"}) == ["CD-SUNVIGO"]
    assert _list_names(client, "/unions/", {"q": register["dang_bo"].tax_code}) == ["CD-DONGHUNG"]


# --- filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"has_party": "1"}, ["Công ty Cổ phần Đồng Hưng"]),
        ({"has_party": "0"}, ["Công ty Cổ phần SunVigo Việt Nam", "Công ty TNHH Phúc Thuận", "Hợp tác xã Đoàn Kết"]),
        ({"is_pilot": "1"}, ["Công ty Cổ phần SunVigo Việt Nam", "Công ty TNHH Phúc Thuận"]),
        ({"ownership": "coop"}, ["Hợp tác xã Đoàn Kết"]),
        ({"industry": "Da giày"}, ["Công ty TNHH Phúc Thuận"]),
        ({"is_pilot": "0", "has_party": "0"}, ["Hợp tác xã Đoàn Kết"]),
    ],
)
def test_enterprise_filters(client, staff, register, params, expected):
    client.force_login(staff)
    assert _list_names(client, "/unions/enterprises/", params) == expected


def test_commune_filter_offers_only_communes_in_scope(client, staff, register):
    outside = factories.make_area(name="Xã Ngoài Phạm Vi")
    client.force_login(staff)
    tien_cuong = register["communes"][0]
    names = _list_names(client, "/unions/enterprises/", {"commune": tien_cuong.pk})
    assert names == ["Công ty Cổ phần Đồng Hưng", "Công ty Cổ phần SunVigo Việt Nam"]
    text = client.get("/unions/enterprises/").content.decode()
    assert tien_cuong.name in text and outside.name not in text


def test_union_filters_use_the_enterprise(client, staff, register):
    client.force_login(staff)
    assert _list_names(client, "/unions/", {"has_party": "1"}) == ["CD-DONGHUNG"]
    assert _list_names(client, "/unions/", {"ownership": "fdi"}) == ["CD-SUNVIGO"]


def test_an_invalid_filter_value_shows_nothing_rather_than_everything(client, staff, register):
    client.force_login(staff)
    assert _list_names(client, "/unions/enterprises/", {"ownership": "state"}) == []
    assert _export(client, "/unions/enterprises/", {"ownership": "state"})[1:] == []


def test_sorting_by_workers_descending(client, staff, register):
    client.force_login(staff)
    names = _list_names(client, "/unions/enterprises/", {"sort": "-workers"})
    assert names == [
        "Công ty Cổ phần SunVigo Việt Nam",
        "Công ty TNHH Phúc Thuận",
        "Công ty Cổ phần Đồng Hưng",
        "Hợp tác xã Đoàn Kết",
    ]


# --- export == list -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"has_party": "0"}, {"is_pilot": "1", "sort": "-workers"}, {"q": "cong ty", "sort": "commune"}],
    ids=["all", "without-party", "pilots-by-workers", "search-by-commune"],
)
def test_enterprise_export_has_exactly_the_listed_rows_in_order(client, staff, register, params):
    client.force_login(staff)
    listed = _list_names(client, "/unions/enterprises/", params)
    rows = _export(client, "/unions/enterprises/", params)
    header, data = rows[0], rows[1:]
    assert header[:4] == ["STT", "Tên doanh nghiệp", "Mã số doanh nghiệp", "Loại hình"]
    assert [row[1] for row in data] == listed
    assert [row[0] for row in data] == list(range(1, len(listed) + 1))


def test_export_ignores_pagination(client, staff, federation):
    for _ in range(55):
        factories.make_enterprise(federation=federation)
    client.force_login(staff)
    assert len(_list_names(client, "/unions/enterprises/", {})) == 50
    assert len(_list_names(client, "/unions/enterprises/", {"page": 2})) == 5
    assert len(_export(client, "/unions/enterprises/", {"page": 2})) == 1 + 55


def test_export_values_are_typed_and_vietnamese(client, staff, register):
    client.force_login(staff)
    rows = _export(client, "/unions/enterprises/", {"has_party": "1"})
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Số lao động"] == 300
    assert row["Có tổ chức Đảng"] == "Có"
    assert row["Có tổ chức Đảng từ ngày"] == datetime.datetime(2012, 3, 3)
    assert row["Loại hình"] == "Công ty cổ phần"
    assert row["Mã công đoàn"] == "CD-DONGHUNG"
    assert row["Mã số doanh nghiệp"] == register["dang_bo"].tax_code  # text, leading zero kept


def test_union_export_matches_the_union_list(client, staff, register):
    client.force_login(staff)
    params = {"has_party": "0", "sort": "-members"}
    listed = _list_names(client, "/unions/", params)
    rows = _export(client, "/unions/", params)
    assert rows[0][:3] == ["STT", "Mã công đoàn", "Tên công đoàn cơ sở"]
    assert [row[1] for row in rows[1:]] == listed == ["CD-SUNVIGO", "CD-PHUCTHUAN"]


def test_exported_text_never_runs_as_a_formula(client, staff, federation):
    factories.make_enterprise(federation=federation, name='=HYPERLINK("http://x","bấm")')
    client.force_login(staff)
    response = client.get("/unions/enterprises/", {"export": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cell = workbook.active["B2"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_chair_export_holds_only_their_own_enterprise(client, chair_a, union_a, union_b):
    client.force_login(chair_a)
    rows = _export(client, "/unions/enterprises/", {})
    assert [row[1] for row in rows[1:]] == [union_a.enterprise.name]
    rows = _export(client, "/unions/", {})
    assert [row[1] for row in rows[1:]] == ["CD-AAA"]


def test_party_viewer_cannot_export(client, party_viewer, union_a):
    client.force_login(party_viewer)
    assert client.get("/unions/enterprises/", {"export": "xlsx"}).status_code == 403


# --- query counts do not grow with rows ---------------------------------------------------------


def _queries_for(client, url, django_assert_max_num_queries, limit):
    client.get("/")  # the session's first save (its idle limit renewed) is not the page's work
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/unions/enterprises/", "/unions/", "/unions/enterprises/?export=xlsx"])
def test_list_query_count_is_flat(client, staff, federation, django_assert_max_num_queries, url):
    client.force_login(staff)
    factories.make_union(federation=federation)
    # 13 on a first view: the data version is read once, and the counts are then kept (tienlang.lib.kept).
    few = _queries_for(client, url, django_assert_max_num_queries, 13)
    for _ in range(30):
        factories.make_union(federation=federation)
    many = _queries_for(client, url, django_assert_max_num_queries, 13)
    assert many == few


def test_detail_query_counts_do_not_grow_with_committee_and_figures(
    client, staff, union_a, django_assert_max_num_queries
):
    client.force_login(staff)
    factories.make_committee_member(union=union_a)
    factories.make_figure(enterprise=union_a.enterprise, year=2020)
    few_union = _queries_for(client, f"/unions/{union_a.pk}/", django_assert_max_num_queries, 15)
    few_enterprise = _queries_for(client, union_a.enterprise.get_absolute_url(), django_assert_max_num_queries, 15)
    for year in range(2005, 2020):
        factories.make_committee_member(union=union_a)
        factories.make_figure(enterprise=union_a.enterprise, year=year)
    assert _queries_for(client, f"/unions/{union_a.pk}/", django_assert_max_num_queries, 15) == few_union
    assert (
        _queries_for(client, union_a.enterprise.get_absolute_url(), django_assert_max_num_queries, 15) == few_enterprise
    )
