"""People search: names first, the place of residence only when asked, closest names first, one query."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from candidates.models import Person
from tests.factories import make_nomination

pytestmark = pytest.mark.django_db


def names_in(html: str) -> list[str]:
    """The names in the people table, top to bottom."""
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/candidates/people/\d+/">([^<]+)</a>', body)


@pytest.fixture
def people(union_a):
    make_nomination(union=union_a, full_name="Trần Thị Hoa", citizen_id="099100000001")
    make_nomination(union=union_a, full_name="Trần Thị Hoa Lan", citizen_id="099100000002")
    make_nomination(union=union_a, full_name="Lê Trần Thị Hoa", citizen_id="099100000003")
    make_nomination(
        union=union_a, full_name="Trần Thị Mai", citizen_id="099100000004", residence_commune="Xã Quỳnh Hoa"
    )
    make_nomination(union=union_a, full_name="Phạm Văn Bình", citizen_id="099100000005")


def test_search_finds_names_not_addresses(client, staff, people):
    client.force_login(staff)
    found = names_in(client.get("/candidates/people/", {"q": "tran thi hoa"}).content.decode())
    assert "Trần Thị Mai" not in found  # lives in Quỳnh Hoa: not a name match
    assert set(found) == {"Trần Thị Hoa", "Trần Thị Hoa Lan", "Lê Trần Thị Hoa"}


def test_search_with_address_ticked_also_finds_the_place_of_residence(client, staff, people):
    client.force_login(staff)
    response = client.get("/candidates/people/", {"q": "tran thi hoa", "address": "on"})
    assert "Trần Thị Mai" in names_in(response.content.decode())
    assert "Tìm cả địa chỉ" in response.content.decode()


def test_search_puts_the_closest_names_first(client, staff, people):
    client.force_login(staff)
    found = names_in(client.get("/candidates/people/", {"q": "Trần Thị Hoa"}).content.decode())
    assert found[0] == "Trần Thị Hoa"  # the name itself, then longer ones
    assert found.index("Trần Thị Hoa Lan") < found.index("Lê Trần Thị Hoa")  # starts with the text


def test_search_sorted_by_a_column_when_the_user_asks(client, staff, people):
    client.force_login(staff)
    found = names_in(client.get("/candidates/people/", {"q": "tran thi hoa", "sort": "full_name"}).content.decode())
    assert found == ["Lê Trần Thị Hoa", "Trần Thị Hoa", "Trần Thị Hoa Lan"]


def test_search_by_citizen_id_digits_still_works(client, staff, people):
    client.force_login(staff)
    assert names_in(client.get("/candidates/people/", {"q": "099100000005"}).content.decode()) == ["Phạm Văn Bình"]


def test_search_never_shows_people_of_another_federation(client, staff, people, union_elsewhere):
    make_nomination(union=union_elsewhere, full_name="Trần Thị Hoa", citizen_id="099100000009")
    client.force_login(staff)
    found = names_in(client.get("/candidates/people/", {"q": "tran thi hoa"}).content.decode())
    assert found.count("Trần Thị Hoa") == 1


def test_search_counts_nothing_and_pages_by_looking_one_row_ahead(client, staff, union_a, django_assert_num_queries):
    for n in range(55):
        make_nomination(union=union_a, full_name=f"Vũ Thị Tìm {n:02d}", citizen_id=f"0992000000{n:02d}")
    client.force_login(staff)
    client.get("/candidates/people/", {"q": "vu thi tim"})
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        first = client.get("/candidates/people/", {"q": "vu thi tim"}).content.decode()
    assert not [sql for sql in seen if "COUNT(" in sql and "candidates_person" in sql], "no count of the matches"
    assert len(names_in(first)) == 50
    assert 'data-testid="result-count">50+<' in first  # more follow
    second = client.get("/candidates/people/", {"q": "vu thi tim", "page": 2}).content.decode()
    assert len(names_in(second)) == 5
    assert 'data-testid="result-count">55<' in second
    assert client.get("/candidates/people/", {"q": "vu thi tim", "page": 99}).status_code == 200


def test_search_queries_do_not_grow_with_the_matches(client, staff, union_a):
    client.force_login(staff)

    def queries_for(count: int) -> int:
        for n in range(count - Person.objects.filter(name_folded__startswith="do thi dem").count()):
            make_nomination(union=union_a, full_name=f"Đỗ Thị Đếm {n:03d}", citizen_id=f"099300{count:03d}{n:03d}")
        client.get("/candidates/people/", {"q": "do thi dem"})
        seen = []
        with connection.execute_wrapper(lambda execute, *args: seen.append(1) or execute(*args)):
            client.get("/candidates/people/", {"q": "do thi dem"})
        return len(seen)

    assert queries_for(10) == queries_for(60)


def test_search_pages_run_from_names_starting_with_the_text_to_the_other_matches(client, staff, union_a):
    # 30 names start with the text, 30 more hold its words elsewhere: page 1 shows the 30 in
    # name order then the 20 closest others, page 2 the last 10, none twice, none lost.
    for n in range(30):
        make_nomination(union=union_a, full_name=f"Hà Thị Ngân {n:02d}", citizen_id=f"0994000000{n:02d}")
        make_nomination(union=union_a, full_name=f"Lê Hà Thị Ngân {n:02d}", citizen_id=f"0994000001{n:02d}")
    client.force_login(staff)
    first = names_in(client.get("/candidates/people/", {"q": "ha thi ngan"}).content.decode())
    second = names_in(client.get("/candidates/people/", {"q": "ha thi ngan", "page": 2}).content.decode())
    assert first[:30] == [f"Hà Thị Ngân {n:02d}" for n in range(30)]
    assert len(first) == 50 and len(second) == 10
    assert sorted(first[30:] + second) == [f"Lê Hà Thị Ngân {n:02d}" for n in range(30)]


def test_search_keeps_the_other_filters_on_both_parts(client, staff, union_a, union_b):
    make_nomination(union=union_a, full_name="Hà Thị Ngân", citizen_id="099500000001")
    make_nomination(union=union_b, full_name="Hà Thị Ngân Anh", citizen_id="099500000002")
    make_nomination(union=union_b, full_name="Lê Hà Thị Ngân", citizen_id="099500000003")
    client.force_login(staff)
    found = names_in(client.get("/candidates/people/", {"q": "ha thi ngan", "union": union_b.pk}).content.decode())
    assert found == ["Hà Thị Ngân Anh", "Lê Hà Thị Ngân"]


def test_one_word_finds_family_names_then_given_names_then_middle_names_then_the_rest(client, staff, union_a):
    for n, name in enumerate(["Phạm Văn Khoa", "Lê Hoa Mai", "Trần Thị Hoa", "Hoàng Văn An", "Hoà Văn Nam", "Lê Hoa"]):
        make_nomination(union=union_a, full_name=name, citizen_id=f"09960000000{n}")
    client.force_login(staff)
    found = names_in(client.get("/candidates/people/", {"q": "Hoa"}).content.decode())
    # The family names starting with it (in name order), the given names ("Lê Hoa" once,
    # although its middle part starts with the word too), the middle name, then a word holding it.
    assert found == ["Hoà Văn Nam", "Hoàng Văn An", "Lê Hoa", "Trần Thị Hoa", "Lê Hoa Mai", "Phạm Văn Khoa"]


def test_words_after_the_family_name_come_before_the_other_matches(client, staff, union_a):
    for n, name in enumerate(["Đỗ Hoa Thị", "Vũ Thị Hoan", "Lê Thị Hoa Lan", "Trần Thị Hoa"]):
        make_nomination(union=union_a, full_name=name, citizen_id=f"09970000000{n}")
    client.force_login(staff)
    found = names_in(client.get("/candidates/people/", {"q": "thi hoa"}).content.decode())
    assert found == ["Trần Thị Hoa", "Lê Thị Hoa Lan", "Vũ Thị Hoan", "Đỗ Hoa Thị"]


def test_one_word_pages_run_through_every_part_none_twice_none_lost(client, staff, union_a, union_elsewhere):
    names = [f"Lê Văn Mơ {n:02d}" for n in range(15)]  # the word in the middle
    names += [f"Trần Minh Mơ{n:02d}" for n in range(15)]  # ... at the start of the given name
    names += [f"Mơ Văn Sáu {n:02d}" for n in range(15)]  # ... at the start of the name
    names += [f"Phạm Thị Hàmơ {n:02d}" for n in range(15)]  # ... inside a word
    names += ["Lê Mơ"]  # given name and middle part at once
    for n, name in enumerate(names):
        make_nomination(union=union_a, full_name=name, citizen_id=f"0998000000{n:02d}")
    make_nomination(union=union_elsewhere, full_name="Lê Mơ", citizen_id="099800000099")
    client.force_login(staff)
    first = names_in(client.get("/candidates/people/", {"q": "mo"}).content.decode())
    second = names_in(client.get("/candidates/people/", {"q": "mo", "page": 2}).content.decode())
    assert len(first) == 50 and len(second) == 11
    assert sorted(first + second) == sorted(names)  # another federation's "Lê Mơ" not among them
    assert first[:15] == sorted(first[:15]) and first[0].startswith("Mơ Văn Sáu")
    assert first[15] == "Lê Mơ" and first[16].startswith("Trần Minh Mơ")
    assert second[-1].startswith("Phạm Thị Hàmơ")
