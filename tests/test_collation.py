"""Vietnamese alphabetical order: the same on screen, in exports, in PostgreSQL and in Python."""

from __future__ import annotations

import io
import sqlite3

import openpyxl
import pytest
from django.db import connection

from tests import factories
from tienlang.lib.collation import COLLATION, compare, register_sqlite_collation, sort_vietnamese, vietnamese_sort_key
from unions.models import AdministrativeUnit

# As a Vietnamese dictionary (and ICU's Vietnamese collation) orders them: D before Đ, a ă â,
# o ô ơ, u ư letters of their own; the tones only between words spelled alike, in the order
# level, grave, hook above, tilde, acute, dot below; lower case before upper case.
DICTIONARY_ORDER = [
    "A B",
    "An",
    "anh",
    "Anh",
    "Ành",
    "Ảnh",
    "Ãnh",
    "Ánh",
    "Ạnh",
    "Ăn",
    "Ân",
    "Chi",
    "Cuong",
    "Cư",
    "Dung",
    "Dương",
    "Đào",
    "Đặng",
    "Nga",
    "Nhung",
    "On",
    "Ôn",
    "Ơn",
    "Tân",
    "Tây Hưng",
    "Toàn Thắng",
    "U",
    "Uy",
    "Ư",
]


def shuffled() -> list[str]:
    return DICTIONARY_ORDER[1::2][::-1] + DICTIONARY_ORDER[::2]


def test_python_key_sorts_in_dictionary_order():
    assert sorted(shuffled(), key=vietnamese_sort_key) == DICTIONARY_ORDER
    assert sort_vietnamese(["Đặng", "Dương"]) == ["Dương", "Đặng"]
    assert sort_vietnamese(["Toàn Thắng", "Tây Hưng"]) == ["Tây Hưng", "Toàn Thắng"]
    assert sort_vietnamese(["Ảnh", "Ánh", "Anh"]) == ["Anh", "Ảnh", "Ánh"]


def test_key_ignores_the_unicode_form():
    # Decomposed input (as some keyboards and files give it) sorts as the composed form.
    import unicodedata

    assert vietnamese_sort_key(unicodedata.normalize("NFD", "Đặng Ánh")) == vietnamese_sort_key("Đặng Ánh")
    assert compare("Ánh", "Ánh") == 0 and compare("Anh", "Ánh") == -1 and compare(None, "a") == -1


def test_sqlite_collation_sorts_like_the_key():
    class Wrapper:
        vendor = "sqlite"

        def __init__(self):
            self.connection = sqlite3.connect(":memory:")

    wrapper = Wrapper()
    register_sqlite_collation(sender=None, connection=wrapper)
    db = wrapper.connection
    db.execute(f"CREATE TABLE t (name TEXT COLLATE {COLLATION})")
    db.executemany("INSERT INTO t VALUES (?)", [(w,) for w in shuffled()])
    assert [r[0] for r in db.execute("SELECT name FROM t ORDER BY name")] == DICTIONARY_ORDER


@pytest.mark.django_db
def test_database_sorts_names_like_the_python_key():
    province = factories.make_area(name="Tỉnh Thứ Tự", level="province", parent=None)
    for word in shuffled():
        AdministrativeUnit.objects.create(name=word, level="district", parent=province)
    names = list(province.children.order_by("name").values_list("name", flat=True))
    assert names == DICTIONARY_ORDER
    assert names == sort_vietnamese(names)


@pytest.mark.django_db
def test_postgresql_collation_is_icu_vietnamese():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT collprovider FROM pg_collation WHERE collname = %s", [COLLATION])
        assert cursor.fetchone() == ("i",)
        words = ", ".join(f"('{w}')" for w in shuffled())
        cursor.execute(f'SELECT w FROM (VALUES {words}) v(w) ORDER BY w COLLATE "vi-x-icu"')
        assert [r[0] for r in cursor.fetchall()] == DICTIONARY_ORDER


@pytest.mark.django_db
def test_union_list_in_vietnamese_order(client, federation, staff):
    for name in ["Toàn Thắng", "Tây Hưng", "Đặng Lâm", "Dương Kinh"]:
        enterprise = factories.make_enterprise(federation=federation, name=f"Công ty {name}")
        factories.make_union(enterprise=enterprise, name=f"Công đoàn {name}")
    client.force_login(staff)
    page = client.get("/unions/").content.decode()
    positions = [page.index(f"Công đoàn {name}") for name in ["Dương Kinh", "Đặng Lâm", "Tây Hưng", "Toàn Thắng"]]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_nomination_list_and_export_in_vietnamese_order(client, union_a, staff):
    for name in ["Đặng Thị Ánh", "Dương Văn Anh", "Đặng Thị Anh", "Đặng Thị Ảnh"]:
        factories.make_nomination(union_a, full_name=name, user=staff)
    expected = ["Dương Văn Anh", "Đặng Thị Anh", "Đặng Thị Ảnh", "Đặng Thị Ánh"]
    client.force_login(staff)
    page = client.get("/candidates/").content.decode()
    positions = [page.index(name) for name in expected]
    assert positions == sorted(positions)

    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/candidates/?export=xlsx").content))
    cells = [c for row in workbook.active.iter_rows(values_only=True) for c in row if c in expected]
    assert cells == expected
