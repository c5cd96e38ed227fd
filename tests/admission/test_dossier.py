"""The admission dossier: each document with its status, date, who recorded it and its scan."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from admission import dossier
from admission.models import DossierItem
from tests import factories
from unions.models import AccessLog, Role

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def nomination(union_a):
    return factories.make_nomination(union_a, year=2025)


def item(nomination, code):
    return next(i for i in dossier.items(nomination) if i.item_type.code == code)


def post_item(client, nomination, code, **data):
    target = item(nomination, code)
    payload = {"status": "received", "received_on": "02/06/2025", "version": target.version, **data}
    return client.post(f"/admission/{nomination.pk}/items/{target.pk}/", payload, follow=True)


def test_every_document_of_the_guide_is_listed_missing_and_residence_comments_only_for_outsiders(nomination):
    items = dossier.items(nomination)
    assert len(items) == 10
    assert {i.status for i in items if i.item_type.code != "residence_comments"} == {"missing"}
    residence = item(nomination, "residence_comments")
    expected = "not_needed" if nomination.person.lives_in_district else "missing"
    assert residence.status == expected


def test_staff_record_a_document_with_its_scan_and_the_download_is_scoped_and_logged(
    client, staff, nomination, chair_b, union_a
):
    client.force_login(staff)
    response = post_item(client, nomination, "application", attachment=SimpleUploadedFile("don.pdf", PDF))
    assert "Đã ghi: Đơn xin vào Đảng" in response.content.decode()
    application = item(nomination, "application")
    assert (application.status, application.received_on, application.recorded_by) == (
        "received",
        datetime.date(2025, 6, 2),
        staff,
    )
    download = client.get(f"/admission/items/{application.pk}/file/")
    assert download.status_code == 200 and bytes(download.content) == PDF
    assert AccessLog.objects.filter(user=staff, person_ids__contains=[nomination.person_id], action="export").exists()
    # Another union's chair, and staff of another federation, get nothing.
    client.force_login(chair_b)
    assert client.get(f"/admission/items/{application.pk}/file/").status_code == 404
    assert client.get(f"/admission/{nomination.pk}/").status_code == 404
    other_staff = factories.make_user(Role.STAFF, federation=factories.make_federation(), username="staff_far")
    client.force_login(other_staff)
    assert client.get(f"/admission/items/{application.pk}/file/").status_code == 404
    # The union's own chair reads the dossier but cannot record.
    chair = factories.make_user(Role.CHAIR, union=union_a, username="chair_own")
    client.force_login(chair)
    assert client.get(f"/admission/{nomination.pk}/").status_code == 200
    assert client.post(f"/admission/{nomination.pk}/items/{application.pk}/", {"status": "missing"}).status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("don.pdf", b"MZ\x90\x00 not a scan", "không phải bản quét PDF, JPEG hoặc PNG"),
        ("to.pdf", PDF + b"\0" * (5 * 1024 * 1024), "quá lớn"),
    ],
)
def test_an_attachment_that_is_not_a_scan_or_too_big_is_refused(client, staff, nomination, name, content, said):
    client.force_login(staff)
    response = post_item(client, nomination, "application", attachment=SimpleUploadedFile(name, content))
    assert said in response.content.decode() and name in response.content.decode()
    assert item(nomination, "application").status == "missing"


def test_a_stale_save_is_refused(client, staff, nomination):
    client.force_login(staff)
    first = item(nomination, "application")
    post_item(client, nomination, "application")
    response = client.post(
        f"/admission/{nomination.pk}/items/{first.pk}/",
        {"status": "missing", "received_on": "", "version": first.version},
        follow=True,
    )
    assert "Bản ghi đã được người khác sửa lúc" in response.content.decode()
    assert item(nomination, "application").status == "received"


def test_documents_that_go_stale_are_reopened_after_12_months(nomination, staff):
    received = datetime.date(2025, 3, 15)
    on_time, late = datetime.date(2026, 3, 15), datetime.date(2026, 3, 16)
    for code in ("introducer_letter", "application"):
        document = next(i for i in dossier.items(nomination, today=received) if i.item_type.code == code)
        dossier.record(document, staff, status="received", received_on=received, version=document.version)
    assert {i.item_type.code: i.status for i in dossier.items(nomination, today=on_time)}["introducer_letter"] == (
        "received"
    )
    reopened = {i.item_type.code: i.status for i in dossier.items(nomination, today=late)}
    assert reopened["introducer_letter"] == "stale"
    assert reopened["application"] == "received", "an application does not go stale"
    assert "Giấy giới thiệu của đảng viên chính thức giới thiệu" in dossier.missing_for(nomination, "before_cell", late)


def test_a_received_document_needs_its_date(nomination, staff):
    application = item(nomination, "application")
    with pytest.raises(Exception, match="cần ngày nhận"):
        dossier.record(application, staff, status="received", received_on=None, version=application.version)
    assert DossierItem.objects.get(pk=application.pk).status == "missing"


def test_the_dossier_pages_title_is_plain_text(client, demo):
    """The page's title names the person; the residence section is in the page, once."""
    import re

    from candidates.models import Nomination, Status
    from tests import factories

    nomination = Nomination.objects.filter(year=2022, status=Status.INTRODUCED).order_by("pk").first()
    client.force_login(factories.get_user("canbo"))
    text = client.get(f"/admission/{nomination.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert "<" not in title and nomination.person.full_name in title
    assert text.count('data-testid="residence"') <= 1
