"""The upload pages: who may use them, what the preview shows, and that saving is all or nothing."""

from __future__ import annotations

import datetime
import hashlib
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Nomination, NominationImport, Person, TransferRequest
from tests import factories
from tests.candidates.test_import_support import make_xlsx, row
from unions.models import Role

pytestmark = pytest.mark.django_db

UPLOAD = reverse("candidates:import_upload")
TEMPLATE = reverse("candidates:import_template")


def preview_url(record) -> str:
    return reverse("candidates:import_preview", args=[record.pk])


def xlsx_file(data: bytes, name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def upload(client, union, data: bytes, year: int = 2022, name: str = "danh-sach.xlsx"):
    return client.post(UPLOAD, {"union": union.pk, "year": year, "file": xlsx_file(data, name)})


# --- who may ---------------------------------------------------------------------------------


def test_chair_and_staff_download_the_template(client, chair_a, staff):
    for user in (chair_a, staff):
        client.force_login(user)
        response = client.get(TEMPLATE)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[4]][:5] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD"]
    client.force_login(chair_a)
    assert (
        chair_a.profile.union.name
        in openpyxl.load_workbook(io.BytesIO(client.get(TEMPLATE).content)).active["A2"].value
    )


def test_leadership_and_party_viewers_get_403(client, leadership, party_viewer, union_a):
    for user in (leadership, party_viewer):
        client.force_login(user)
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, union_a, make_xlsx([row()])).status_code == 403
        assert client.get(TEMPLATE).status_code == 403
    assert NominationImport.objects.count() == 0


def test_anonymous_visitors_go_to_login(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_chair_is_offered_only_their_own_union(client, chair_a, union_a, union_b):
    client.force_login(chair_a)
    form = client.get(UPLOAD).context["form"]
    assert list(form.fields["union"].queryset) == [union_a]
    assert form.fields["year"].initial == timezone.localdate().year


def test_chair_cannot_upload_into_another_union_by_editing_the_post(client, chair_a, union_b):
    client.force_login(chair_a)
    response = upload(client, union_b, make_xlsx([row()]))
    assert response.status_code == 200
    assert "union" in response.context["form"].errors
    assert NominationImport.objects.count() == 0


def test_staff_choose_among_their_federations_unions_only(client, staff, union_a, union_b, union_elsewhere):
    client.force_login(staff)
    assert set(client.get(UPLOAD).context["form"].fields["union"].queryset) == {union_a, union_b}
    response = upload(client, union_elsewhere, make_xlsx([row()]))
    assert "union" in response.context["form"].errors
    response = upload(client, union_b, make_xlsx([row()]))
    assert response.status_code == 302
    assert NominationImport.objects.get().union == union_b


def test_another_unions_chair_gets_404_on_the_preview(client, chair_a, chair_b, staff, union_a, other_federation):
    client.force_login(chair_a)
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([row()]))))
    client.force_login(chair_b)
    assert client.get(preview_url(record)).status_code == 404
    assert client.post(preview_url(record), {"save": "1"}).status_code == 404
    outsider = factories.make_user(Role.STAFF, federation=other_federation)
    client.force_login(outsider)
    assert client.get(preview_url(record)).status_code == 404
    client.force_login(staff)
    assert client.get(preview_url(record)).status_code == 200
    assert Nomination.objects.count() == 0


def test_posts_need_the_csrf_token(chair_a, union_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair_a)
    assert upload(client, union_a, make_xlsx([row()])).status_code == 403
    assert NominationImport.objects.count() == 0


def _pk_from(response) -> int:
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


# --- upload, preview, save -------------------------------------------------------------------


def test_chair_uploads_previews_every_row_and_saves_all(client, chair_a, union_a):
    client.force_login(chair_a)
    rows = [row(full_name="Lâm Thị Một"), row(full_name="Lâm Văn Hai", education="8/12"), row(full_name="Lâm Thị Ba")]
    data = make_xlsx(rows)
    response = upload(client, union_a, data)
    record = NominationImport.objects.get(pk=_pk_from(response))
    assert record.state == NominationImport.State.PREVIEW
    assert record.sha256 == hashlib.sha256(data).hexdigest() and bytes(record.content) == data
    assert (record.union, record.year, record.uploaded_by, record.rows_total) == (union_a, 2022, chair_a, 3)
    assert Nomination.objects.count() == 0, "nothing is saved before the confirmation"

    page = client.get(preview_url(record))
    html = page.content.decode()
    for data_row in rows:
        assert data_row["full_name"] in html
        assert data_row["citizen_id"] not in html, "citizen IDs are masked"
        assert f"{data_row['citizen_id'][:3]}******{data_row['citizen_id'][-3:]}" in html
    assert 'data-testid="count-rows">3 dòng' in html
    assert 'data-testid="count-warnings">1 có cảnh báo' in html
    assert "thấp hơn tốt nghiệp THCS" in html
    assert page.context["can_save"] is True
    assert 'data-testid="save-all"' in html and "disabled" not in html.split('data-testid="save-all"')[1].split(">")[0]

    response = client.post(preview_url(record), {"save": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("candidates:nomination_list")
    assert "Đã lưu 3 hồ sơ" in [str(m) for m in response.context["messages"]]
    record.refresh_from_db()
    assert (record.state, record.rows_saved) == (NominationImport.State.SAVED, 3)
    assert Nomination.objects.filter(source_import=record, union=union_a, created_by=chair_a).count() == 3

    again = client.post(preview_url(record), {"save": "1"})
    assert again.status_code == 302 and Nomination.objects.count() == 3, "a second click saves nothing twice"


def test_preview_with_errors_disables_saving_and_a_forced_post_saves_nothing(client, chair_a, union_a):
    client.force_login(chair_a)
    rows = [row() for _ in range(5)]
    rows[2]["date_of_birth"] = "30/02/1996"
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx(rows))))
    page = client.get(preview_url(record))
    html = page.content.decode()
    assert page.context["can_save"] is False
    assert 'data-testid="save-all" disabled' in html
    assert "Dòng 4, cột “Ngày sinh”" in html and "không phải ngày có thật" in html
    response = client.post(preview_url(record), {"save": "1"})
    assert response.status_code == 200
    assert "Chưa lưu hồ sơ nào" in response.content.decode()
    assert Nomination.objects.count() == 0 and Person.objects.count() == 0
    record.refresh_from_db()
    assert record.state == NominationImport.State.PREVIEW


def test_confirming_uses_the_stored_file_and_ignores_posted_data(client, chair_a, union_a, union_b):
    client.force_login(chair_a)
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([row(), row()]))))
    client.post(preview_url(record), {"save": "1", "union": union_b.pk, "year": 2020, "rows": "99"})
    assert Nomination.objects.filter(union=union_a, year=2022).count() == 2
    assert not Nomination.objects.filter(union=union_b).exists()


def test_confirming_judges_again_what_changed_since_the_preview(client, chair_a, union_a, union_b):
    client.force_login(chair_a)
    person = row()
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([person, row()]))))
    elsewhere = factories.make_nomination(union_b, year=2021, citizen_id=person["citizen_id"])  # meanwhile
    response = client.post(preview_url(record), {"save": "1"}, follow=True)
    text = response.content.decode()
    # The person now belongs to another union: their row becomes a request, nothing of theirs is told.
    assert "1 dòng có số CCCD đã có trong dữ liệu của Liên đoàn" in text
    assert "tại một công đoàn cơ sở khác" not in text
    assert Nomination.objects.filter(union=union_a).count() == 1
    assert not Nomination.objects.filter(union=union_a, person=elsewhere.person).exists()
    assert TransferRequest.objects.get(person=elsewhere.person).to_union == union_a


def test_unreadable_file_is_refused_on_the_form_and_not_stored(client, chair_a, union_a):
    client.force_login(chair_a)
    response = upload(client, union_a, "STT,Họ và tên\n1,A\n".encode(), name="danh-sach.xlsx")
    assert response.status_code == 200
    assert "CSV" in str(response.context["form"].errors["file"])
    response = upload(client, union_a, make_xlsx([row()], keys=["full_name", "citizen_id"]))
    assert "Thiếu cột bắt buộc" in str(response.context["form"].errors["file"])
    assert NominationImport.objects.count() == 0


def test_oversized_file_gets_a_message_not_a_server_error(client, chair_a, union_a):
    client.force_login(chair_a)
    response = upload(client, union_a, b"PK\x03\x04" + b"\0" * (11 * 1024 * 1024))
    assert response.status_code == 200
    assert "Tệp quá lớn" in str(response.context["form"].errors["file"])


def test_discarding_a_preview_drops_the_stored_file(client, chair_a, union_a):
    client.force_login(chair_a)
    record = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([row()]))))
    response = client.post(preview_url(record), {"discard": "1"})
    assert response.status_code == 302 and response["Location"] == UPLOAD
    record.refresh_from_db()
    assert record.state == NominationImport.State.REFUSED and bytes(record.content) == b""
    assert client.post(preview_url(record), {"save": "1"}).status_code == 302
    assert Nomination.objects.count() == 0


def test_previews_left_for_a_day_lose_their_personal_data(client, chair_a, union_a):
    client.force_login(chair_a)
    old = NominationImport.objects.get(pk=_pk_from(upload(client, union_a, make_xlsx([row()]))))
    NominationImport.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - datetime.timedelta(days=2))
    _pk_from(upload(client, union_a, make_xlsx([row()])))
    old.refresh_from_db()
    assert old.state == NominationImport.State.REFUSED and bytes(old.content) == b""
    assert old.sha256, "the record of the upload itself stays"
