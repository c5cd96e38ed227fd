"""An upload carries the same duties as the form: the voluntary application and the chair's
assessment. Without them a row is saved as incomplete and cannot be approved until completed."""

from __future__ import annotations

import pytest

from candidates import imports, services
from candidates.models import Nomination, Status
from tests.candidates.test_import_support import make_xlsx, row, template_bytes
from tienlang.lib.xlsx import read_upload

pytestmark = pytest.mark.django_db


def test_the_template_has_the_two_columns():
    headers = [c.header for c in imports.COLUMNS]
    assert "Đơn tự nguyện" in headers and "Nhận xét của Chủ tịch CĐCS" in headers
    sheet = read_upload(template_bytes(), imports.COLUMNS)
    assert sheet.rows[0].values["voluntary_application"] == "Có"


def test_a_row_without_them_is_saved_flagged_and_approval_waits_for_the_chair(client, union_a, staff, chair_a):
    data = make_xlsx([row(voluntary_application="", chair_assessment=""), row()])
    result = imports.import_file(data, union_a, 2022, user=chair_a, file_name="t.xlsx")
    assert result.ok
    flagged = [(p.row, p.column) for p in result.warnings]
    assert len(flagged) == 1 and flagged[0][1] == "Đơn tự nguyện"
    incomplete, complete = sorted(Nomination.objects.filter(union=union_a), key=lambda n: n.is_incomplete, reverse=True)
    assert incomplete.is_incomplete and not incomplete.voluntary_application
    assert not complete.is_incomplete and complete.chair_assessment == "Gương mẫu, nhiệt tình."
    with pytest.raises(Exception, match="chưa có đơn tự nguyện hoặc nhận xét"):
        services.move(incomplete, Status.APPROVED, staff)
    services.move(complete, Status.APPROVED, staff)
    # The chair completes it on the nomination page; then staff can approve.
    client.force_login(chair_a)
    page = client.get(incomplete.get_absolute_url()).content.decode()
    assert 'data-testid="incomplete"' in page
    response = client.post(
        f"/candidates/{incomplete.pk}/complete/",
        {"voluntary_application": "on", "chair_assessment": "Tích cực, được tập thể tín nhiệm.", "version": 1},
        follow=True,
    )
    assert "Đã bổ sung hồ sơ" in response.content.decode()
    incomplete.refresh_from_db()
    assert not incomplete.is_incomplete
    services.move(incomplete, Status.APPROVED, staff)


def test_a_bad_application_value_is_named(union_a):
    result = imports.analyse(make_xlsx([row(voluntary_application="Chắc có")]), union_a, 2022)
    assert [(p.column, p.message) for p in result.errors] == [("Đơn tự nguyện", "Ghi “Có” hoặc “Không”.")]


def test_another_unions_chair_cannot_complete(client, union_a, chair_b, staff):
    imports.import_file(
        make_xlsx([row(voluntary_application="", chair_assessment="")]), union_a, 2022, user=staff, file_name="t.xlsx"
    )
    nomination = Nomination.objects.get(union=union_a)
    client.force_login(chair_b)
    response = client.post(
        f"/candidates/{nomination.pk}/complete/", {"voluntary_application": "on", "chair_assessment": "x"}
    )
    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.is_incomplete
