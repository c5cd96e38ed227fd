"""The register of issued reports (sổ văn bản đi): numbers, the file as sent, scope, what changed since."""

from __future__ import annotations

import datetime
import hashlib
import io
import threading

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from reports import register
from reports.models import ImmutableRecord, IssuedReport, RegisterCounter, UnionQuota
from tests import factories
from unions.models import AccessLog, PartyOrganization, Role
from unions.querysets import party_organization_ids

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def texts(content: bytes) -> list[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    return [str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value]


def issue_form(**overrides) -> dict:
    data = {
        "year": 2022,
        "document_type": register.default_type("quota").pk,
        "issued_on": TODAY.strftime("%d/%m/%Y"),
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nguyễn Văn Ký",
        "recipients": "Thường trực Huyện ủy\nBan Tổ chức Huyện ủy\nLưu VP",
    }
    data.update(overrides)
    return data


def post_issue(client, kind="quota", **overrides):
    return client.post(reverse("reports:issue", args=[kind]), issue_form(**overrides))


@pytest.fixture
def captured(monkeypatch):
    """The bytes of every workbook `register.issue` builds, as built."""
    built = []
    original = register.build_report

    def spy(*args, **kwargs):
        data = original(*args, **kwargs)
        built.append(data)
        return data

    monkeypatch.setattr(register, "build_report", spy)
    return built


# --- numbering -------------------------------------------------------------------------------


def test_staff_issue_a_report_with_the_next_number_printed_in_the_workbook(client, demo, captured):
    client.force_login(factories.get_user("canbo"))
    assert client.get(reverse("reports:issue", args=["quota"]) + "?year=2022").status_code == 200
    response = post_issue(client)
    first = IssuedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:issued_detail", args=[first.pk])
    assert (first.number, first.reference, first.register_year) == (1, "1/BC-LĐLĐ", TODAY.year)
    assert (first.report_kind, first.report_year, first.signer_name) == ("quota", 2022, "Nguyễn Văn Ký")
    values = texts(captured[0])
    assert "Số: 1/BC-LĐLĐ" in values
    assert "Nguyễn Văn Ký" in values  # the signer named in the form signs the workbook
    assert any(v.endswith(f"ngày {TODAY.day:02d} tháng {TODAY.month:02d} năm {TODAY.year}") for v in values)
    assert "- Lưu VP;" in values

    post_issue(client, kind="coverage")
    post_issue(client, kind="introductions", document_type=register.default_type("introductions").pk)
    numbers = list(IssuedReport.objects.order_by("pk").values_list("reference", flat=True))
    # One counter per year and document type: the list (DS) starts its own numbering.
    assert numbers == ["1/BC-LĐLĐ", "2/BC-LĐLĐ", "1/DS-LĐLĐ"]
    assert "Số: 2/BC-LĐLĐ" in texts(captured[1])


def test_a_register_year_of_its_own_for_last_years_dates(client, demo):
    client.force_login(factories.get_user("canbo"))
    post_issue(client)
    post_issue(client, issued_on=f"30/12/{TODAY.year - 1}")
    post_issue(client)
    rows = list(IssuedReport.objects.order_by("pk").values_list("register_year", "number"))
    assert rows == [(TODAY.year, 1), (TODAY.year - 1, 1), (TODAY.year, 2)]


def test_the_register_starts_where_the_paper_register_stood(client, demo):
    client.force_login(factories.get_user("canbo"))
    federation = factories.get_user("canbo").profile.federation
    RegisterCounter.objects.create(
        federation=federation, year=TODAY.year, document_type=register.default_type("quota"), last_number=11
    )
    post_issue(client)
    assert IssuedReport.objects.get().reference == "12/BC-LĐLĐ"


def test_bad_issue_input_gets_vietnamese_messages_and_issues_nothing(client, demo):
    client.force_login(factories.get_user("canbo"))
    tomorrow = (TODAY + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    page = post_issue(client, issued_on=tomorrow, recipients="  \n ").content.decode()
    assert "chưa đến" in page and "Hãy ghi ít nhất một nơi nhận." in page
    page = post_issue(client, issued_on="31/02/2026").content.decode()
    assert "Ngày phát hành phải có dạng dd/mm/yyyy." in page
    assert client.post(reverse("reports:issue", args=["quota"]), issue_form(year="abc")).status_code == 400
    assert not IssuedReport.objects.exists() and not RegisterCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_issuing_at_once_get_different_numbers(federation, union_a):
    """Both requests reach the register together (a barrier); the counter row lock orders them."""
    users = [factories.make_user(Role.STAFF, federation=federation, username=f"staff{i}") for i in range(2)]
    document_type = register.default_type("quota")
    barrier = threading.Barrier(len(users))
    results, errors = [], []

    def issue_as(user):
        try:
            barrier.wait()
            report = register.issue(
                user,
                register.IssueRequest(
                    kind="quota",
                    report_year=2022,
                    document_type=document_type,
                    signer_title="CHỦ TỊCH",
                    signer_name="Nguyễn Văn Ký",
                    recipients=["Lưu VP"],
                ),
            )
            results.append((report.number, bytes(report.content)))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue_as, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(number for number, _ in results) == [1, 2]
    for number, content in results:
        assert f"Số: {number}/BC-LĐLĐ" in texts(content)
    assert RegisterCounter.objects.get().last_number == 2


# --- the file as sent ------------------------------------------------------------------------


def test_the_issued_file_downloads_byte_identical_after_the_data_changed(client, demo, captured):
    client.force_login(factories.get_user("canbo"))
    post_issue(client)
    report = IssuedReport.objects.get()
    at_issue = captured[0]
    assert report.sha256 == sha(at_issue) and report.size == len(at_issue)
    # Later: the quotas change and the live report with them; the issued file does not.
    UnionQuota.objects.filter(union__code="CD-SUNVIGO", year=2022).update(introduce=25)
    assert client.get("/reports/quota.xlsx?year=2022").content != at_issue
    client.force_login(factories.get_user("lanhdao"))  # leadership reads the register too
    response = client.get(reverse("reports:issued_download", args=[report.pk]))
    assert response.status_code == 200
    assert response.content == at_issue
    assert sha(response.content) == report.sha256 == response["X-Content-SHA256"]
    detail = client.get(reverse("reports:issued_detail", args=[report.pk])).content.decode()
    assert report.sha256 in detail and "Số: 1/BC-LĐLĐ" in detail


def test_an_issued_report_never_changes(client, demo):
    client.force_login(factories.get_user("canbo"))
    post_issue(client)
    report = IssuedReport.objects.get()
    stored = bytes(report.content)
    report.title = "Sửa"
    with pytest.raises(ImmutableRecord):
        report.save()
    with pytest.raises(ImmutableRecord):
        IssuedReport.objects.filter(pk=report.pk).update(content=b"x")
    with pytest.raises(ImmutableRecord):
        report.delete()
    with pytest.raises(ImmutableRecord):
        IssuedReport.objects.filter(pk=report.pk).delete()
    # The admin shows it read-only: no change, no delete, no add.
    client.force_login(factories.get_user("admin"))
    change_url = reverse("admin:reports_issuedreport_change", args=[report.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(change_url, {"title": "Sửa"}).status_code == 403
    assert (
        client.post(reverse("admin:reports_issuedreport_delete", args=[report.pk]), {"post": "yes"}).status_code == 403
    )
    assert client.get(reverse("admin:reports_issuedreport_add")).status_code == 403
    report = IssuedReport.objects.get()
    assert bytes(report.content) == stored and report.title != "Sửa"


def test_downloads_of_an_issued_list_are_in_the_access_log(client, demo):
    client.force_login(factories.get_user("canbo"))
    post_issue(client, kind="roster", document_type=register.default_type("roster").pk)
    report = IssuedReport.objects.get()
    assert len(report.person_ids) == 47, "the class roster names its 47 learners"
    client.force_login(factories.get_user("lanhdao"))
    client.get(reverse("reports:issued_download", args=[report.pk]))
    entry = AccessLog.objects.filter(user__username="lanhdao", action=AccessLog.Action.EXPORT).latest("pk")
    assert sorted(entry.person_ids) == sorted(report.person_ids)
    assert report.reference in entry.what


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_the_issued_file_and_its_hash(tmp_path, demo, client):
    client.force_login(factories.get_user("canbo"))
    post_issue(client)
    before = IssuedReport.objects.get()
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(path), verbosity=0)
    after = IssuedReport.objects.get()
    assert (after.pk, after.reference, after.sha256) == (before.pk, before.reference, before.sha256)
    assert sha(bytes(after.content)) == before.sha256
    assert RegisterCounter.objects.get().last_number == 1


# --- scope -----------------------------------------------------------------------------------


def test_who_may_issue_and_read_the_register(client, demo):
    client.force_login(factories.get_user("canbo"))
    post_issue(client)
    report = IssuedReport.objects.get()
    detail = reverse("reports:issued_detail", args=[report.pk])
    download = reverse("reports:issued_download", args=[report.pk])
    for username in ["chutich.sunvigo", "lanhdao", "huyenuy"]:
        client.force_login(factories.get_user(username))
        assert post_issue(client).status_code == 403, username  # only staff issue
    assert IssuedReport.objects.count() == 1
    client.force_login(factories.get_user("chutich.sunvigo"))
    for url in [reverse("reports:register"), detail, download]:
        assert client.get(url).status_code == 403
    client.force_login(factories.get_user("canbo.thanhpho"))  # the city federation above reads it
    assert client.get(download).status_code == 200


def test_another_federations_staff_get_404(client, demo):
    client.force_login(factories.get_user("canbo"))
    post_issue(client)
    report = IssuedReport.objects.get()
    other = factories.make_federation(name="Liên đoàn Lao động huyện Khác")
    stranger = factories.make_user(Role.STAFF, federation=other, username="canbo.khac")
    client.force_login(stranger)
    for name in ["reports:issued_detail", "reports:issued_download", "reports:issued_compare"]:
        assert client.get(reverse(name, args=[report.pk])).status_code == 404, name
    page = client.get(reverse("reports:register")).content.decode()
    assert report.reference not in page[page.index('data-testid="register"') :]


def test_a_party_viewer_reads_what_was_addressed_to_their_organisation(client, demo):
    viewer = factories.get_user("huyenuy")
    below = party_organization_ids(viewer.profile)
    # An organisation still at work in the viewer's tree (Huyện ủy Tiên Lãng itself ended on
    # 01/07/2025; a report is issued to a committee that exists).
    committee = PartyOrganization.objects.filter(pk__in=below, retired_on__isnull=True).order_by("pk").first()
    elsewhere = factories.make_party_organization(name="Huyện ủy Nơi Khác", kind="district")
    assert elsewhere.pk not in below
    client.force_login(factories.get_user("canbo"))
    post_issue(client, addressed_to=[committee.pk])
    post_issue(client, kind="coverage", addressed_to=[elsewhere.pk])
    to_them, not_to_them = IssuedReport.objects.order_by("pk")
    assert committee.name in to_them.recipient_lines  # named in "Nơi nhận" too
    client.force_login(viewer)
    page = client.get(reverse("reports:register")).content.decode()
    table = page[page.index('data-testid="register"') :]
    assert to_them.reference in table and not_to_them.reference not in table
    assert client.get(reverse("reports:issued_download", args=[to_them.pk])).status_code == 200
    assert client.get(reverse("reports:issued_download", args=[not_to_them.pk])).status_code == 404
    assert client.get(reverse("reports:issued_compare", args=[to_them.pk])).status_code == 403
    client.force_login(factories.get_user("thanhuy"))  # the city committee above reads it too
    assert client.get(reverse("reports:issued_download", args=[to_them.pk])).status_code == 200


# --- what changed since ------------------------------------------------------------------------


def test_the_comparison_shows_a_changed_total_and_row(client, demo):
    client.force_login(factories.get_user("canbo"))
    post_issue(client)
    report = IssuedReport.objects.get()
    unchanged = client.get(reverse("reports:issued_compare", args=[report.pk])).content.decode()
    assert "Không có thay đổi" in unchanged
    UnionQuota.objects.filter(union__code="CD-SUNVIGO", year=2022).update(introduce=25)
    # From the report's screen: "So với bản đã phát hành" leads to the last issued version.
    response = client.get(reverse("reports:compare_latest", args=["quota"]) + "?year=2022")
    assert response["Location"] == reverse("reports:issued_compare", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert "So với bản đã phát hành" in page and "Không có thay đổi" not in page
    totals = page[page.index('data-testid="totals-diff"') :]
    totals = totals[: totals.index("</table>")]
    assert '<td>Chỉ tiêu</td><td class="text-end">100</td><td class="text-end">105</td>' in totals
    assert "+5" in totals
    rows = page[page.index('data-testid="rows-diff"') :]
    assert "SunVigo" in rows[: rows.index("</table>")]


def test_compare_before_any_issue_says_so(client, demo):
    client.force_login(factories.get_user("canbo"))
    response = client.get(reverse("reports:compare_latest", args=["quota"]) + "?year=2022", follow=True)
    assert "chưa được phát hành" in response.content.decode()
