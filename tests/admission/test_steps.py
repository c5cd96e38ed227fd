"""Every step after the introduction is judged by the rules of its own date, in the browser's
forms as in the services: admission on the cell's date, official status after probation."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from admission import dossier
from candidates import services
from candidates.models import Nomination, NominationEvent, Status
from tests import factories
from unions.models import PartyOrganization

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def introduced(union_a, staff):
    """A person born 01/03/2009, through the class and introduced to the Party."""
    nomination = factories.make_nomination(
        union_a,
        year=2026,
        user=staff,
        date_of_birth=D(2009, 3, 1),
        nominated_on=D(2026, 9, 10),
        union_joined_on=D(2025, 3, 1),
    )
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED, Status.INTRODUCED):
        nomination = services._apply(nomination, status, staff)
    return nomination


def complete_dossier(nomination, staff, on=D(2026, 10, 1)):
    for item in dossier.items(nomination, today=on):
        if item.item_type.step == "before_cell" and item.status == "missing":
            dossier.record(item, staff, status="received", received_on=on, version=item.version)


def admit(client, nomination, cell_on, **extra):
    organization = factories.make_party_organization(name=f"Chi bộ Thử {cell_on}")
    data = {
        "to_status": "admitted",
        "version": Nomination.objects.get(pk=nomination.pk).version,
        "happened_on": cell_on,
        "cell_considered_on": cell_on,
        "decision_number": "12-QĐ/ĐU",
        "decision_date": cell_on,
        "ceremony_on": cell_on,
        "organization": organization.pk,
        **extra,
    }
    return client.post(f"/candidates/{nomination.pk}/move/", data, follow=True)


def test_admission_at_17_years_9_months_is_refused_with_the_rule_named(client, staff, introduced):
    complete_dossier(introduced, staff)
    client.force_login(staff)
    text = admit(client, introduced, "02/12/2026").content.decode()
    assert "chưa đủ 18 tuổi vào ngày chi bộ xét kết nạp 02/12/2026 (17 tuổi 9 tháng)" in text
    assert "Điều lệ Đảng, Điều 1" in text or Nomination.objects.get(pk=introduced.pk).status == Status.INTRODUCED
    assert Nomination.objects.get(pk=introduced.pk).status == Status.INTRODUCED


def test_admission_without_the_dossier_is_refused_naming_what_is_missing(client, staff, introduced):
    client.force_login(staff)
    text = admit(client, introduced, "01/03/2027").content.decode()
    assert "chưa đủ hồ sơ để chi bộ xét kết nạp" in text and "Đơn xin vào Đảng" in text
    assert Nomination.objects.get(pk=introduced.pk).status == Status.INTRODUCED


def test_admission_form_needs_the_cells_date(client, staff, introduced):
    complete_dossier(introduced, staff)
    client.force_login(staff)
    text = admit(client, introduced, "01/03/2027", cell_considered_on="").content.decode()
    assert "Cần ngày chi bộ xét kết nạp" in text
    assert Nomination.objects.get(pk=introduced.pk).status == Status.INTRODUCED


def test_one_person_from_introduction_to_official_status_every_step_checked_and_dated(client, staff, introduced):
    complete_dossier(introduced, staff, on=D(2027, 1, 15))
    client.force_login(staff)
    page = client.get(f"/admission/{introduced.pk}/").content.decode()
    assert "Chi bộ còn xét kết nạp được đến ngày" in page
    admitted = admit(client, introduced, "01/03/2027")
    assert "Đã kết nạp" in admitted.content.decode()
    nomination = Nomination.objects.get(pk=introduced.pk)
    assert nomination.status == Status.ADMITTED
    event = NominationEvent.objects.filter(nomination=nomination, to_status=Status.ADMITTED).get()
    assert event.details["cell_considered_on"] == "2027-03-01" and event.details["ceremony_on"] == "2027-03-01"

    def official(on, **extra):
        data = {
            "to_status": "official",
            "version": Nomination.objects.get(pk=nomination.pk).version,
            "happened_on": on,
            "decision_number": "88-QĐ/ĐU",
            "decision_date": on,
            **extra,
        }
        return client.post(f"/candidates/{nomination.pk}/move/", data, follow=True).content.decode()

    early = official("29/02/2028")  # the day before the end: 2028 is a leap year
    assert "chưa hết 12 tháng dự bị (kết thúc ngày 01/03/2028)" in early
    assert Nomination.objects.get(pk=nomination.pk).status == Status.ADMITTED
    missing = official("01/03/2028", decision_number="")
    assert "Cần số quyết định công nhận đảng viên chính thức" in missing
    assert Nomination.objects.get(pk=nomination.pk).status == Status.ADMITTED
    official("01/03/2028")
    assert Nomination.objects.get(pk=nomination.pk).status == Status.OFFICIAL
    steps = list(NominationEvent.objects.filter(nomination=nomination).values_list("to_status", "happened_on"))
    assert (Status.OFFICIAL, D(2028, 3, 1)) in steps and (Status.ADMITTED, D(2027, 3, 1)) in steps


def test_a_refused_introduction_keeps_every_value_typed_and_stays_open(client, staff, union_a):
    nomination = factories.make_nomination(union_a, year=2022, user=staff)
    for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED):
        nomination = services._apply(nomination, status, staff)
    organization = factories.make_party_organization(name="Đảng ủy xã Giữ Giá Trị")
    client.force_login(staff)
    typed = {
        "to_status": "introduced",
        "version": nomination.version,
        "resolution_number": "07/NQ-CĐCS",
        "resolution_date": "15/06/2022",
        "meeting_date": "14/06/2022",
        "committee_total": "9",
        "committee_present": "7",
        "votes_for": "3",  # not more than half of 9: refused
        "votes_against": "0",
        "receiving_organization": organization.pk,
        "co_introducer_name": "Đảng Viên Giữ Nguyên",
        "co_introducer_worked_since": "01/01/2020",
    }
    page = client.post(f"/candidates/{nomination.pk}/move/", typed, follow=True).content.decode()
    assert "trên một nửa tổng số ủy viên" in page
    assert Nomination.objects.get(pk=nomination.pk).status == Status.COMPLETED
    assert '<details class="border rounded p-2" open>' in page
    for value in (
        "07/NQ-CĐCS",
        "15/06/2022",
        "14/06/2022",
        'value="9"',
        'value="7"',
        "Đảng Viên Giữ Nguyên",
        "01/01/2020",
    ):
        assert value in page, value
    assert f'<option value="{organization.pk}" selected' in page


def test_an_introduced_nominations_page_reads_the_same_queries_however_many_party_organisations(
    client, staff, introduced
):
    """The admitting organisation's drop-down lists every Party organisation in reach, in one query,
    and the open steps are computed once for the page."""
    client.force_login(staff)
    url = f"/candidates/{introduced.pk}/"
    client.get(url)
    counts = []
    for more in (1, 30):
        for _ in range(more):
            factories.make_party_organization()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    odd = factories.make_party_organization(name="Chi bộ <Công ty> A & B")
    text = client.get(url).content.decode()
    assert counts[0] == counts[1] <= 21, counts
    select = re.search(r'<select[^>]*name="organization".*?</select>', text, re.S).group()
    assert f'<option value="{odd.pk}">Chi bộ &lt;Công ty&gt; A &amp; B</option>' in select
    in_reach = PartyOrganization.objects.for_user(staff).filter(retired_on__isnull=True).count()
    assert select.count("<option") == 1 + in_reach  # and the empty choice
