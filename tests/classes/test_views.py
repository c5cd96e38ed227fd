"""Class pages: who may open and change what, forms that answer in Vietnamese, bounded queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import Nomination, Status
from classes import services
from classes.models import Attendance, ClassStatus, Enrollment, PaymentStatus, Result, StipendPayment, TrainingClass
from tests import factories
from unions.models import AccessLog

pytestmark = pytest.mark.django_db

CLOSES = datetime.date(2022, 3, 25)


def page(response) -> str:
    return response.content.decode()


# --- access ------------------------------------------------------------------------------


def test_chair_cannot_open_another_unions_learner_or_payment_by_url(
    client, klass, policy, learner_a, learner_b, staff, chair_a
):
    services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff)
    own, other = StipendPayment.objects.get(enrollment=learner_a), StipendPayment.objects.get(enrollment=learner_b)
    client.force_login(chair_a)
    assert client.get(f"/classes/learners/{learner_b.pk}/").status_code == 404
    assert client.get(f"/classes/payments/{other.pk}/").status_code == 404
    assert client.get(f"/classes/learners/{learner_a.pk}/").status_code == 200
    response = client.get(f"/classes/payments/{own.pk}/")
    assert response.status_code == 200 and "3.000.000 ₫" in page(response) and "Ba triệu đồng" in page(response)


def test_chair_reads_the_class_with_only_their_own_learners(client, klass, learner_a, learner_b, chair_a):
    client.force_login(chair_a)
    text = page(client.get(f"/classes/{klass.pk}/"))
    assert "Đặng Thị Ánh" in text and "Trịnh Văn Bình" not in text
    assert "Ghi danh học viên" not in text  # no staff buttons
    listing = page(client.get("/classes/"))
    assert "Lớp thử nghiệm khóa 1/2022" in listing


def test_chair_gets_404_for_a_class_without_their_people(client, federation, chair_a, learner_b):
    empty = factories.make_class(federation)
    client.force_login(chair_a)
    assert client.get(f"/classes/{empty.pk}/").status_code == 404
    assert client.get(f"/classes/{learner_b.training_class_id}/").status_code == 404


def test_chair_cannot_record_attendance_results_or_payments(client, klass, session, policy, learner_a, chair_a):
    client.force_login(chair_a)
    base = f"/classes/{klass.pk}"
    posts = {
        f"{base}/sessions/{session.pk}/attendance/": {f"a{learner_a.pk}-present": "on"},
        f"{base}/payments/": {
            "selected": [learner_a.pk],
            "action": "pay",
            "policy": policy.pk,
            "voucher_number": "X",
            "on": "25/03/2022",
        },
        f"{base}/results/": {f"r{learner_a.pk}-result": "passed"},
        f"{base}/enrol/": {"selected": [learner_a.nomination_id], "on": "20/03/2022"},
    }
    for url, data in posts.items():
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert not Attendance.objects.exists() and not StipendPayment.objects.exists()


def test_leadership_reads_but_cannot_write(client, klass, session, policy, learner_a, leadership):
    client.force_login(leadership)
    assert client.get(f"/classes/{klass.pk}/").status_code == 200
    assert client.get("/classes/budget/").status_code == 200
    assert client.get(f"/classes/learners/{learner_a.pk}/").status_code == 200
    base = f"/classes/{klass.pk}"
    for url in (
        "/classes/new/",
        f"{base}/edit/",
        f"{base}/enrol/",
        f"{base}/results/",
        f"{base}/payments/",
        f"{base}/employers/",
        f"{base}/sessions/new/",
        f"{base}/sessions/{session.pk}/attendance/",
        "/classes/policies/new/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    payment = services.commit_stipends(
        klass, [learner_a.pk], policy, factories.make_user("staff", federation=klass.federation)
    )[0]
    assert client.post(f"/classes/payments/{payment.pk}/cancel/", {"reason": "x"}).status_code == 403


def test_staff_of_another_federation_get_404(client, klass, session, other_federation):
    outsider = factories.make_user("staff", federation=other_federation)
    client.force_login(outsider)
    assert client.get(f"/classes/{klass.pk}/").status_code == 404
    assert client.get(f"/classes/{klass.pk}/payments/").status_code == 404
    assert client.get(f"/classes/{klass.pk}/sessions/{session.pk}/attendance/").status_code == 404


def test_party_viewer_has_no_access(client, klass, party_viewer):
    client.force_login(party_viewer)
    assert client.get("/classes/").status_code == 403
    assert client.get(f"/classes/{klass.pk}/").status_code == 403


# --- creating a class and its sessions -----------------------------------------------------


def class_data(**overrides):
    data = {
        "name": "Lớp bồi dưỡng nhận thức về Đảng khóa 3/2022",
        "year": "2022",
        "organiser": "Trung tâm Chính trị huyện phối hợp Ban Tổ chức Huyện ủy và LĐLĐ huyện",
        "opens_on": "12/09/2022",
        "closes_on": "17/09/2022",
        "venue": "Trung tâm Chính trị huyện",
        "capacity": "50",
        "status": "planned",
        "note": "",
    }
    data.update(overrides)
    return data


def test_staff_open_a_class_with_dates_as_dd_mm_yyyy(client, staff, federation):
    client.force_login(staff)
    response = client.post("/classes/new/", class_data())
    klass = TrainingClass.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/classes/{klass.pk}/"
    assert (klass.federation, klass.opens_on, klass.capacity) == (federation, datetime.date(2022, 9, 12), 50)


def test_class_form_answers_in_vietnamese(client, staff, klass, learner_a, learner_b):
    client.force_login(staff)
    text = page(client.post("/classes/new/", class_data(closes_on="10/09/2022")))
    assert "Ngày bế giảng (10/09/2022) không được trước ngày khai giảng (12/09/2022)." in text
    text = page(client.post("/classes/new/", class_data(opens_on="31/02/2022")))
    assert "Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy" in text
    text = page(client.post("/classes/new/", class_data(name=klass.name)))
    assert "Đã có lớp “Lớp thử nghiệm khóa 1/2022” trong năm 2022." in text
    text = page(
        client.post(
            f"/classes/{klass.pk}/edit/",
            class_data(name=klass.name, capacity="1", opens_on="20/03/2022", closes_on="25/03/2022"),
        )
    )
    assert "Số học viên tối đa không thể nhỏ hơn số học viên đã ghi danh (2)." in text
    text = page(
        client.post(
            f"/classes/{klass.pk}/edit/",
            class_data(name=klass.name, status="cancelled", opens_on="20/03/2022", closes_on="25/03/2022"),
        )
    )
    assert "Lớp đã có 2 học viên ghi danh; không thể hủy lớp." in text
    klass.refresh_from_db()
    assert klass.status == ClassStatus.PLANNED
    assert TrainingClass.objects.count() == 1


def test_session_date_must_fall_within_the_class(client, staff, klass):
    client.force_login(staff)
    text = page(client.post(f"/classes/{klass.pk}/sessions/new/", {"date": "01/04/2022", "topic": "Điều lệ Đảng"}))
    assert "Ngày học phải trong thời gian mở lớp, từ 20/03/2022 đến 25/03/2022." in text
    response = client.post(f"/classes/{klass.pk}/sessions/new/", {"date": "21/03/2022", "topic": "Điều lệ Đảng"})
    assert response.status_code == 302 and klass.sessions.get().date == datetime.date(2022, 3, 21)


# --- enrolment page --------------------------------------------------------------------------


def test_enrolment_page_lists_approved_nominations_filterable_by_union(client, staff, klass, union_a, union_b):
    a = factories.make_approved_nomination(union_a, staff, full_name="Cao Thị Chờ Lớp")
    factories.make_approved_nomination(union_b, staff, full_name="Hà Văn Chờ Lớp")
    factories.make_nomination(union=union_a, user=staff, full_name="Lâm Thị Chưa Duyệt")
    client.force_login(staff)
    text = page(client.get(f"/classes/{klass.pk}/enrol/"))
    assert "Cao Thị Chờ Lớp" in text and "Hà Văn Chờ Lớp" in text and "Lâm Thị Chưa Duyệt" not in text
    assert "Đã có 0/60 học viên; còn 60 chỗ." in text
    text = page(client.get(f"/classes/{klass.pk}/enrol/", {"union": union_a.pk}))
    assert "Cao Thị Chờ Lớp" in text and "Hà Văn Chờ Lớp" not in text
    response = client.post(f"/classes/{klass.pk}/enrol/", {"selected": [a.pk], "on": "20/03/2022"})
    assert response.status_code == 302
    assert Nomination.objects.get(pk=a.pk).status == Status.ENROLLED


def test_enrolment_beyond_capacity_is_refused_on_the_page(client, staff, federation, union_a):
    small = factories.make_class(federation, capacity=1)
    chosen = [factories.make_approved_nomination(union_a, staff) for _ in range(2)]
    client.force_login(staff)
    response = client.post(f"/classes/{small.pk}/enrol/", {"selected": [n.pk for n in chosen], "on": "20/03/2022"})
    assert response.status_code == 400
    assert "chỉ còn 1 chỗ" in page(response)
    assert not Enrollment.objects.exists()


# --- attendance grid ---------------------------------------------------------------------


def test_attendance_grid_saves_ticks_and_shows_the_saved_state(client, staff, klass, session, learner_a, learner_b):
    client.force_login(staff)
    url = f"/classes/{klass.pk}/sessions/{session.pk}/attendance/"
    text = page(client.get(url))
    assert "chưa điểm danh" in text and "Đặng Thị Ánh" in text
    response = client.post(url, {f"a{learner_a.pk}-present": "on", f"a{learner_b.pk}-reason": "Tăng ca"})
    assert response.status_code == 302
    marks = dict(Attendance.objects.values_list("enrollment", "present"))
    assert marks == {learner_a.pk: True, learner_b.pk: False}
    response = client.get(url)
    text = page(response)
    assert "Đã lưu điểm danh buổi 20/03/2022: 1 có mặt, 1 vắng." in text
    assert 'value="Tăng ca"' in text
    assert text.count("checked") == 1


def test_attendance_saved_by_someone_else_meanwhile_is_not_overwritten(client, staff, klass, session, learner_a):
    url = f"/classes/{klass.pk}/sessions/{session.pk}/attendance/"
    client.force_login(staff)
    opened = client.get(url).context["stamp"]
    colleague = factories.make_user("staff", federation=klass.federation)
    services.record_attendance(session, [services.Mark(learner_a.pk, False, "Ốm")], colleague)
    response = client.post(url, {"stamp": opened, f"a{learner_a.pk}-present": "on"})
    assert response.status_code == 400
    assert "vừa được người khác lưu" in page(response)
    assert Attendance.objects.get().present is False
    fresh = client.get(url).context["stamp"]
    assert client.post(url, {"stamp": fresh, f"a{learner_a.pk}-present": "on"}).status_code == 302
    assert Attendance.objects.get().present is True


def test_attendance_grid_saves_nothing_when_a_row_is_wrong(client, staff, klass, session, learner_a, learner_b):
    client.force_login(staff)
    url = f"/classes/{klass.pk}/sessions/{session.pk}/attendance/"
    response = client.post(url, {f"a{learner_a.pk}-present": "on", f"a{learner_b.pk}-reason": "x" * 300})
    assert response.status_code == 400
    assert "Dòng 2 — Trịnh Văn Bình" in page(response)
    assert not Attendance.objects.exists()


# --- results page ----------------------------------------------------------------------------


def test_results_page_saves_all_rows_or_none_with_row_named_errors(client, staff, klass, learner_a, learner_b):
    services.record_results(klass, [services.ResultInput(learner_a.pk, Result.PASSED, "021/GCN", CLOSES, row=1)], staff)
    third = factories.make_learner(klass, learner_b.nomination.union, staff, full_name="Võ Thị Cúc")
    client.force_login(staff)
    url = f"/classes/{klass.pk}/results/"
    data = {
        f"r{learner_a.pk}-result": "passed",
        f"r{learner_a.pk}-certificate_number": "021/GCN",
        f"r{learner_a.pk}-certificate_date": "25/03/2022",
        f"r{learner_b.pk}-result": "passed",
        f"r{learner_b.pk}-certificate_number": "021/GCN",
        f"r{learner_b.pk}-certificate_date": "25/03/2022",
        f"r{third.pk}-result": "failed",
        f"r{third.pk}-note": "Bài thu hoạch không đạt",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    text = page(response)
    assert "Chưa lưu gì" in text
    assert "Dòng 2 — Trịnh Văn Bình: số giấy chứng nhận “021/GCN” trùng với dòng 1 — Đặng Thị Ánh." in text
    assert Enrollment.objects.get(pk=third.pk).result == Result.PENDING  # nothing half-saved

    data[f"r{learner_b.pk}-certificate_number"] = "022/GCN"
    data[f"r{third.pk}-certificate_date"] = "31/13/2022"
    text = page(client.post(url, data))
    assert "Võ Thị Cúc, cột “Ngày cấp”" in text

    data[f"r{third.pk}-certificate_date"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    statuses = dict(Enrollment.objects.values_list("nomination__person__full_name", "nomination__status"))
    assert statuses == {
        "Đặng Thị Ánh": Status.COMPLETED,
        "Trịnh Văn Bình": Status.COMPLETED,
        "Võ Thị Cúc": Status.NOT_COMPLETED,
    }


# --- payments page ---------------------------------------------------------------------------


def test_payments_page_pays_several_learners_under_one_voucher_and_figures_change(
    client, staff, klass, policy, learner_a, learner_b
):
    services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff)
    client.force_login(staff)
    url = f"/classes/{klass.pk}/payments/"
    text = page(client.get(url))
    assert "6.000.000 ₫" in text  # committed
    response = client.post(
        url,
        {
            "selected": [learner_a.pk, learner_b.pk],
            "action": "pay",
            "policy": policy.pk,
            "voucher_number": "PC-40",
            "on": "28/03/2022",
        },
    )
    assert response.status_code == 302
    assert set(StipendPayment.objects.values_list("status", "voucher_number")) == {(PaymentStatus.PAID, "PC-40")}
    text = page(client.get(url))
    assert "Đã ghi chi hỗ trợ cho 2 học viên, phiếu chi số PC-40." in text
    assert 'data-testid="paid-total">6.000.000 ₫' in text
    assert 'data-testid="outstanding-total">0 ₫' in text


def test_payments_page_refuses_a_withdrawn_learner_by_name(client, staff, klass, policy, learner_a):
    from candidates import services as nomination_services

    nomination_services.move(learner_a.nomination, Status.WITHDRAWN, staff, reason="Nghỉ việc")
    client.force_login(staff)
    response = client.post(
        f"/classes/{klass.pk}/payments/",
        {
            "selected": [learner_a.pk],
            "action": "pay",
            "policy": policy.pk,
            "voucher_number": "PC-41",
            "on": "28/03/2022",
        },
    )
    assert response.status_code == 400
    assert "Không thể chi hỗ trợ cho Đặng Thị Ánh" in page(response)
    assert not StipendPayment.objects.exists()


def test_payment_form_needs_a_voucher_number(client, staff, klass, policy, learner_a):
    client.force_login(staff)
    response = client.post(
        f"/classes/{klass.pk}/payments/",
        {"selected": [learner_a.pk], "action": "pay", "policy": policy.pk, "voucher_number": "", "on": "28/03/2022"},
    )
    assert response.status_code == 400 and "Cần ghi số phiếu chi." in page(response)


def test_staff_cancel_a_committed_amount_with_a_reason(client, staff, klass, policy, learner_a):
    [payment] = services.commit_stipends(klass, [learner_a.pk], policy, staff)
    client.force_login(staff)
    client.post(f"/classes/payments/{payment.pk}/cancel/", {"reason": "Học viên đã rút"})
    payment.refresh_from_db()
    assert (payment.status, payment.cancel_reason) == (PaymentStatus.CANCELLED, "Học viên đã rút")


def test_budget_page_shows_figures_in_dong_for_the_users_scope(
    client, staff, klass, policy, learner_a, learner_b, chair_b
):
    services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff)
    services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number="PC-50", paid_on=CLOSES)
    client.force_login(staff)
    text = page(client.get("/classes/budget/", {"year": 2022}))
    assert 'data-testid="committed-total">6.000.000 ₫' in text
    assert 'data-testid="paid-total">3.000.000 ₫' in text
    assert "Sáu triệu đồng" in text and "LĐLĐ thành phố Hải Phòng" in text
    client.force_login(chair_b)
    text = page(client.get("/classes/budget/", {"year": 2022}))
    assert 'data-testid="committed-total">3.000.000 ₫' in text and 'data-testid="paid-total">0 ₫' in text
    assert "Công đoàn Công ty Alpha" not in text


def test_budget_page_shows_each_breakdown_50_rows_a_page_and_a_new_commitment_at_once(
    client, staff, federation, klass, policy
):
    unions = [factories.make_union(federation=federation, name=f"Công đoàn Trang {n:02d}") for n in range(53)]
    learners = [factories.make_learner(klass, union, staff) for union in unions]
    services.commit_stipends(klass, [learner.pk for learner in learners[:52]], policy, staff)
    client.force_login(staff)
    first = page(client.get("/classes/budget/", {"year": 2022}))
    assert first.count("Công đoàn Trang ") == 50 and "Công đoàn Trang 50" not in first
    assert "Dòng 1–50 trong 52" in first
    assert 'data-testid="committed-total">156.000.000 ₫' in first  # 52 × 3,000,000: every union, not the page
    last = page(client.get("/classes/budget/", {"year": 2022, "by_union_page": 2}))
    assert [f"Công đoàn Trang {n}" in last for n in (49, 50, 51)] == [False, True, True]
    # Kept until the next write: a commitment made now is on the next page shown.
    services.commit_stipends(klass, [learners[52].pk], policy, staff)
    again = page(client.get("/classes/budget/", {"year": 2022, "by_union_page": 2}))
    assert "Công đoàn Trang 52" in again and 'data-testid="committed-total">159.000.000 ₫' in again


def test_employer_commitments_are_saved_per_enterprise(client, staff, klass, learner_a):
    enterprise = learner_a.nomination.union.enterprise
    client.force_login(staff)
    response = client.post(
        f"/classes/{klass.pk}/employers/",
        {
            f"e{enterprise.pk}-keeps_full_salary": "on",
            f"e{enterprise.pk}-gives_time_off": "on",
            f"e{enterprise.pk}-confirmed_on": "15/03/2022",
        },
    )
    assert response.status_code == 302
    commitment = klass.employer_commitments.get()
    assert (commitment.enterprise, commitment.keeps_full_salary, commitment.gives_time_off) == (enterprise, True, True)
    assert "Giữ nguyên lương" in page(client.get(f"/classes/{klass.pk}/"))


# --- bounded queries -------------------------------------------------------------------------


def _fill(klass, union, staff, policy, count):
    learners = [factories.make_learner(klass, union, staff) for _ in range(count)]
    sessions = [factories.make_session(klass, day=d) for d in range(3)]
    for session in sessions:
        services.record_attendance(session, [services.Mark(e.pk, True) for e in learners], staff)
    services.commit_stipends(klass, [e.pk for e in learners], policy, staff)
    services.record_support(klass, [e.pk for e in learners], "shirt", staff, on=klass.opens_on)
    return sessions


def _learner_rows(response) -> list[str]:
    """The learners' table's body rows, with the line breaks between tags taken out."""
    text = page(response)
    table = text[text.index('data-testid="learners"') :]
    body = table[table.index("<tbody>") + len("<tbody>") : table.index("</tbody>")]
    return [re.sub(r">\s*\n\s*<", "><", row.strip()) for row in body.split("</tr>") if row.strip()]


def test_class_page_shows_each_learners_attendance_result_payments_and_shirt(
    client, staff, chair_a, klass, policy, session, learner_a, learner_b
):
    services.record_attendance(session, [services.Mark(learner_a.pk, True)], staff)
    services.record_results(klass, [services.ResultInput(learner_a.pk, Result.PASSED, "021/GCN", CLOSES, row=1)], staff)
    services.commit_stipends(klass, [learner_a.pk, learner_b.pk], policy, staff)
    services.pay_stipends(klass, [learner_a.pk], policy, staff, voucher_number="PC-50", paid_on=CLOSES)
    services.record_support(klass, [learner_a.pk], "shirt", staff, on=datetime.date(2022, 3, 20))
    client.force_login(staff)
    rows = _learner_rows(client.get(f"/classes/{klass.pk}/"))
    assert rows == [
        f'<tr><td>1</td><td><a href="/classes/learners/{learner_a.pk}/">Đặng Thị Ánh</a></td><td>CD-AAA</td>'
        '<td><span class="small">Hoàn thành lớp học</span></td><td class="text-end">1 / 1</td>'
        '<td><span class="badge text-bg-success">Đạt</span></td>'
        '<td>021/GCN <span class="small text-body-secondary">25/03/2022</span></td>'
        '<td><div><span class="badge text-bg-success">Đã chi</span> <span class="small">3.000.000 ₫</span></div></td>'
        '<td>✔ <span class="small">20/03/2022</span></td>',
        f'<tr><td>2</td><td><a href="/classes/learners/{learner_b.pk}/">Trịnh Văn Bình</a></td><td>CD-BBB</td>'
        '<td><span class="small">Đang học</span></td><td class="text-end">0 / 1</td>'
        '<td><span class="badge text-bg-secondary">Chưa có kết quả</span></td><td>—</td>'
        '<td><div><span class="badge text-bg-warning">Đã cam kết, chưa chi</span> '
        '<span class="small">3.000.000 ₫</span></div></td><td>—</td>',
    ]
    logged = AccessLog.objects.filter(user=staff, path=f"/classes/{klass.pk}/").latest("pk")
    assert logged.person_ids == sorted([learner_a.nomination.person_id, learner_b.nomination.person_id])
    assert logged.fields == ["full_name"], "the table shows the learners' names, nothing else of them"
    client.force_login(chair_a)
    rows = _learner_rows(client.get(f"/classes/{klass.pk}/"))
    assert len(rows) == 1 and "Đặng Thị Ánh" in rows[0] and "Đã chi" in rows[0]


def test_class_page_queries_do_not_grow_with_its_learners(client, staff, chair_a, klass, union_a, union_b, policy):
    """The same number of queries for 2 learners and for 14, as staff and as a chair."""
    counts = {}
    for size, more in (("small", 2), ("large", 12)):
        for union in (union_a, union_b):
            _fill(klass, union, staff, policy, more // 2)
        for user in (staff, chair_a):
            client.force_login(user)
            client.get(f"/classes/{klass.pk}/")  # the session's and the federation tree's first reads
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/classes/{klass.pk}/").status_code == 200
            counts[size, user.username] = len(queries)
    assert counts["small", "staff"] == counts["large", "staff"] <= 16, counts
    assert counts["small", chair_a.username] == counts["large", chair_a.username] <= 16, counts


@pytest.mark.parametrize("count", [3, 15])
def test_class_detail_costs_a_fixed_number_of_queries(
    client, staff, klass, union_a, policy, count, django_assert_max_num_queries
):
    _fill(klass, union_a, staff, policy, count)
    client.force_login(staff)
    with django_assert_max_num_queries(16):
        response = client.get(f"/classes/{klass.pk}/")
    assert response.status_code == 200
    assert f"{count} / 60" in page(response)


@pytest.mark.parametrize("count", [3, 15])
def test_attendance_grid_costs_a_fixed_number_of_queries(
    client, staff, klass, union_a, policy, count, django_assert_max_num_queries
):
    sessions = _fill(klass, union_a, staff, policy, count)
    client.force_login(staff)
    url = f"/classes/{klass.pk}/sessions/{sessions[0].pk}/attendance/"
    # 12 + the federations below the user's (once a request) + the access-log row of the learners shown.
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    data = {f"a{e.pk}-present": "on" for e in klass.enrollments.all()}
    with django_assert_max_num_queries(17):
        assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("count", [3, 15])
def test_results_and_payments_pages_cost_a_fixed_number_of_queries(
    client, staff, klass, union_a, policy, count, django_assert_max_num_queries
):
    _fill(klass, union_a, staff, policy, count)
    client.force_login(staff)
    for url in (f"/classes/{klass.pk}/results/", f"/classes/{klass.pk}/payments/", "/classes/", "/classes/budget/"):
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200, url


def test_class_list_counts_learners_and_marks_status(client, staff, klass, learner_a):
    klass.status = ClassStatus.RUNNING
    klass.save()
    client.force_login(staff)
    text = page(client.get("/classes/"))
    assert "Lớp thử nghiệm khóa 1/2022" in text and "1 / 60" in text and "Đang học" in text


def test_class_list_counts_the_learners_each_user_may_see(client, staff, chair_a, klass, learner_a, learner_b):
    """Two learners of two unions in one class: staff count both, the chair only their own."""
    client.force_login(staff)
    assert "2 / 60" in page(client.get("/classes/"))
    assert "2 / 60" in page(client.get("/classes/?sort=-learners"))
    client.force_login(chair_a)
    listing = page(client.get("/classes/?sort=learners"))
    assert "1 / 60" in listing and "2 / 60" not in listing


def test_enrolment_page_says_when_no_stipend_policy_covers_the_class_year(client, staff, federation, klass):
    client.force_login(staff)
    text = page(client.get(f"/classes/{klass.pk}/enrol/"))
    assert 'data-testid="no-policy"' in text
    assert f"Chưa có chế độ hỗ trợ học viên nào áp dụng cho năm {klass.year}" in text
    assert f"/reports/nam-moi/?year={klass.year}#policy" in text
    assert f"/classes/policies/new/?year={klass.year}" in text
    form = client.get(f"/classes/policies/new/?year={klass.year}").context["form"]
    assert (form["from_year"].value(), form["to_year"].value()) == (klass.year, klass.year)
    factories.make_policy(federation, from_year=klass.year, to_year=klass.year)
    assert 'data-testid="no-policy"' not in page(client.get(f"/classes/{klass.pk}/enrol/"))
