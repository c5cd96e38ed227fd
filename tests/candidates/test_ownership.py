"""A person belongs to the union that keeps them: a hostile chair who types the citizen ID of
another union's (or federation's) person takes nothing, learns nothing, and only asks."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates import imports, services
from candidates.models import Nomination, Person, Status, TransferRequest, TransferStatus
from tests import factories
from tests.candidates.test_import_support import make_xlsx, row
from tests.candidates.test_views import form_data
from unions.models import AccessLog, Role

pytestmark = pytest.mark.django_db

SECRET_PHONE = "0987654321"
SECRET_JOB = "Tổ trưởng chuyền bí mật"


def ended_person(union, **kwargs):
    """A person of `union` whose 2021 nomination was refused: nothing open, so nothing blocks."""
    staff = factories.make_user(Role.STAFF, federation=union.federation)
    nomination = factories.make_nomination(
        union,
        year=2021,
        user=staff,
        full_name="Phạm Thị Chủ Cũ",
        phone=SECRET_PHONE,
        job_title=SECRET_JOB,
        **kwargs,
    )
    services.move(nomination, Status.REJECTED, staff, reason="Lý do kín của công đoàn cũ")
    return nomination.person


def takeover_data(union, person, **overrides):
    data = form_data(union, citizen_id=person.citizen_id, full_name="Kẻ Chiếm Quyền", phone="0911111111")
    data.update(overrides)
    return data


def unchanged(person, union):
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.union_id == union.pk and fresh.federation_id == union.federation_id
    assert (fresh.full_name, fresh.phone, fresh.date_of_birth) == (person.full_name, person.phone, person.date_of_birth)


@pytest.mark.parametrize("holder", ["union_b", "union_elsewhere"])
def test_the_nomination_form_never_moves_or_overwrites_a_person_held_elsewhere(
    client, chair_a, union_a, holder, request
):
    union = request.getfixturevalue(holder)
    person = ended_person(union)
    client.force_login(chair_a)
    response = client.post("/candidates/new/", takeover_data(union_a, person), follow=True)
    text = response.content.decode()
    unchanged(person, union)
    assert not Nomination.objects.filter(person=person, union=union_a).exists()
    # The chair learns that the number is held and that staff must confirm; nothing of the record.
    assert "đã có trong dữ liệu của Liên đoàn" in text
    for secret in ("Phạm Thị Chủ Cũ", SECRET_PHONE, SECRET_JOB, "Lý do kín", union.name):
        assert secret not in text, secret
    transfer = TransferRequest.objects.get(person=person)
    assert (transfer.status, transfer.to_union, transfer.from_union) == (TransferStatus.PENDING, union_a, union)
    # The chair still gets 404 on the person, the owning chair still reads them.
    assert client.get(person.get_absolute_url()).status_code == 404
    owner = factories.make_user(Role.CHAIR, union=union, username=f"owner_{holder}")
    client.force_login(owner)
    assert client.get(person.get_absolute_url()).status_code == 200


def test_the_upload_never_moves_overwrites_or_discloses_a_person_held_elsewhere(chair_a, union_a, union_b):
    person = ended_person(union_b)
    data = make_xlsx([row(citizen_id=person.citizen_id, full_name="Kẻ Chiếm Quyền", phone="", job_title="")])
    preview = imports.analyse(data, union_a, 2022, user=chair_a)
    shown = str([r.cells for r in preview.rows]) + str([p.message for p in preview.problems])
    assert SECRET_PHONE not in shown and SECRET_JOB not in shown, "blanks are not filled from another union's record"
    assert "đã có trong dữ liệu của Liên đoàn" in shown
    result = imports.import_file(data, union_a, 2022, user=chair_a, file_name="t.xlsx")
    assert result.ok
    unchanged(person, union_b)
    assert not Nomination.objects.filter(person=person, union=union_a).exists()
    assert TransferRequest.objects.get(person=person).to_union == union_a


def test_the_import_command_treats_another_unions_person_as_held_elsewhere(union_a, union_b):
    person = ended_person(union_b)
    data = make_xlsx([row(citizen_id=person.citizen_id, full_name="Kẻ Chiếm Quyền")])
    imports.import_file(data, union_a, 2022, file_name="t.xlsx")  # no user: the command
    unchanged(person, union_b)


@pytest.mark.parametrize("state", ["admitted", "open", "ended"])
def test_the_eligibility_check_is_no_oracle_on_another_unions_people(client, chair_a, union_a, union_b, state):
    staff = factories.make_user(Role.STAFF, federation=union_b.federation, username="staff_b")
    nomination = factories.make_nomination(union_b, year=2021, user=staff, full_name="Phạm Thị Bí Mật")
    if state == "admitted":
        for status in (Status.APPROVED, Status.ENROLLED, Status.COMPLETED, Status.INTRODUCED, Status.ADMITTED):
            services._apply(nomination, status, staff)
    elif state == "ended":
        services.move(nomination, Status.REJECTED, staff, reason="x")
    client.force_login(chair_a)
    data = takeover_data(union_a, nomination.person)
    data.pop("save")
    text = client.post("/candidates/check/", data).content.decode()
    for telling in ("kết nạp", "chưa kết thúc", "công đoàn cơ sở khác", "đã được giới thiệu trong năm", "Bí Mật"):
        assert telling not in text, telling
    assert "đã có trong dữ liệu của Liên đoàn" in text
    # The same answer whatever the person's state: nothing to tell them apart.
    findings = [f.message for f in _findings(chair_a, union_a, nomination.person.citizen_id)]
    assert findings == [
        "Kẻ Chiếm Quyền: số CCCD này đã có trong dữ liệu của Liên đoàn. Cán bộ LĐLĐ nơi đang quản lý người này "
        "cần xác nhận trước khi mở hồ sơ; khi gửi, hồ sơ sẽ thành đề nghị chờ xác nhận."
    ]


def _findings(user, union, citizen_id):
    from candidates import eligibility

    facts = services.facts_from_data(factories.person_data(full_name="Kẻ Chiếm Quyền", citizen_id=citizen_id), union)
    return [f for f in eligibility.check(facts, datetime.date(2022, 2, 10), 2022, viewer=user) if not f.is_block]


def test_staff_see_the_reason_for_their_own_federation(client, staff, union_a, union_b):
    nomination = factories.make_nomination(union_b, year=2022, user=staff)
    client.force_login(staff)
    data = takeover_data(union_a, nomination.person)
    data.pop("save")
    text = client.post("/candidates/check/", data).content.decode()
    assert "số CCCD đang có hồ sơ chưa kết thúc tại một công đoàn cơ sở khác" in text


def test_lookups_of_ids_held_elsewhere_are_logged_and_limited(client, chair_a, union_a, union_b, settings):
    settings.OUTSIDE_LOOKUPS_PER_MINUTE = 3
    people = [ended_person(union_b) for _ in range(4)]
    client.force_login(chair_a)
    answers = []
    for person in people:
        data = takeover_data(union_a, person)
        data.pop("save")
        answers.append(client.post("/candidates/check/", data).content.decode())
    logged = AccessLog.objects.filter(user=chair_a, action=AccessLog.Action.LOOKUP)
    assert sorted(pk for entry in logged for pk in entry.person_ids) == sorted(p.pk for p in people[:3])
    assert all("đã có trong dữ liệu của Liên đoàn" in a for a in answers[:3])
    assert "Hãy đợi một phút" in answers[3] and "đã có trong dữ liệu" not in answers[3]
    # Saving is refused the same way: nothing is asked for past the limit.
    client.post("/candidates/new/", takeover_data(union_a, people[3]))
    assert not TransferRequest.objects.filter(person=people[3]).exists()


def test_staff_of_the_holding_federation_approve_and_the_person_moves_keeping_the_past(
    client, chair_a, union_a, union_b, staff
):
    person = ended_person(union_b)
    old = Nomination.objects.get(person=person)
    client.force_login(chair_a)
    client.post("/candidates/new/", takeover_data(union_a, person))
    transfer = TransferRequest.objects.get(person=person)
    # The asking chair cannot decide their own request.
    assert client.post(f"/candidates/transfers/{transfer.pk}/decide/", {"decision": "approve"}).status_code == 403
    client.force_login(staff)
    page = client.get(transfer.get_absolute_url()).content.decode()
    assert "Phạm Thị Chủ Cũ" in page and "Kẻ Chiếm Quyền" in page, "staff see the record and what was asked"
    assert "→" in page, "and what would change"
    response = client.post(
        f"/candidates/transfers/{transfer.pk}/decide/",
        {"decision": "approve", "version": transfer.version},
        follow=True,
    )
    assert "Đã chấp nhận đề nghị" in response.content.decode()
    transfer.refresh_from_db()
    person.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED and transfer.decided_by == staff
    assert person.union == union_a and person.full_name == "Kẻ Chiếm Quyền"
    new = transfer.nomination
    assert (new.union, new.status, new.person) == (union_a, Status.NOMINATED, person)
    old.refresh_from_db()
    assert old.union == union_b, "the earlier nomination stays where it was"
    assert person.history.filter(union_id=union_b.pk).exists() and person.history.first().union_id == union_a.pk
    # The old union keeps its nomination, shown as the person was then, and loses the person.
    owner = factories.make_user(Role.CHAIR, union=union_b, username="owner_b")
    client.force_login(owner)
    assert client.get(person.get_absolute_url()).status_code == 404
    text = client.get(old.get_absolute_url()).content.decode()
    assert "Phạm Thị Chủ Cũ" in text and "Kẻ Chiếm Quyền" not in text and "0911111111" not in text
    # The new union sees the person and only its own nomination of them.
    client.force_login(chair_a)
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert [n.pk for n in response.context["object"].nominations.all()] == [new.pk]
    assert "Lý do kín" not in response.content.decode()


def test_staff_refuse_with_a_reason_and_nothing_moves(client, chair_a, union_a, union_b, staff):
    person = ended_person(union_b)
    client.force_login(chair_a)
    client.post("/candidates/new/", takeover_data(union_a, person))
    transfer = TransferRequest.objects.get(person=person)
    client.force_login(staff)
    client.post(f"/candidates/transfers/{transfer.pk}/decide/", {"decision": "refuse", "version": transfer.version})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING, "a refusal needs a reason"
    client.post(
        f"/candidates/transfers/{transfer.pk}/decide/",
        {"decision": "refuse", "reason": "Không phải người của công ty", "version": transfer.version},
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REFUSED
    unchanged(person, union_b)


def test_a_stale_decision_is_refused(client, chair_a, union_a, union_b, staff):
    person = ended_person(union_b)
    client.force_login(chair_a)
    client.post("/candidates/new/", takeover_data(union_a, person))
    transfer = TransferRequest.objects.get(person=person)
    stale = transfer.version
    client.post("/candidates/new/", takeover_data(union_a, person, phone="0922222222"))  # asked again: new version
    client.force_login(staff)
    response = client.post(
        f"/candidates/transfers/{transfer.pk}/decide/", {"decision": "approve", "version": stale}, follow=True
    )
    assert "Bản ghi đã được người khác sửa lúc" in response.content.decode()
    unchanged(person, union_b)


def test_staff_of_another_federation_cannot_decide(client, union_a, union_elsewhere, chair_a):
    person = ended_person(union_a)
    asker = factories.make_user(Role.CHAIR, union=union_elsewhere, username="asker")
    client.force_login(asker)
    client.post("/candidates/new/", takeover_data(union_elsewhere, person))
    transfer = TransferRequest.objects.get(person=person)
    far_staff = factories.make_user(Role.STAFF, federation=union_elsewhere.federation, username="far_staff")
    client.force_login(far_staff)
    assert "Phạm Thị Chủ Cũ" not in client.get(transfer.get_absolute_url()).content.decode()
    client.post(f"/candidates/transfers/{transfer.pk}/decide/", {"decision": "approve", "version": transfer.version})
    unchanged(person, union_a)


def test_within_scope_a_changed_detail_is_shown_before_and_after(client, chair_a, union_a):
    person = ended_person(union_a)
    client.force_login(chair_a)
    data = takeover_data(union_a, person, full_name="Phạm Thị Chủ Cũ")
    data.pop("save")
    text = client.post("/candidates/check/", data).content.decode()
    assert f"{SECRET_PHONE} → 0911111111" in text
    rows = imports.analyse(
        make_xlsx([row(citizen_id=person.citizen_id, full_name="Phạm Thị Chủ Cũ", phone="0933333333")]),
        union_a,
        2022,
        user=chair_a,
    ).rows
    assert {"field": "số điện thoại", "old": SECRET_PHONE, "new": "0933333333"} in rows[0].changes


def test_person_page_context_holds_nothing_of_another_union(client, chair_a, union_a, union_b, staff):
    """Walk every object in the templates' contexts: none may belong to another union."""
    person = ended_person(union_b)
    client.force_login(chair_a)
    client.post("/candidates/new/", takeover_data(union_a, person))
    client.force_login(staff)
    transfer = TransferRequest.objects.get(person=person)
    client.post(f"/candidates/transfers/{transfer.pk}/decide/", {"decision": "approve", "version": transfer.version})
    client.force_login(chair_a)
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    foreign = []
    for context in response.context:
        for value in _walk(context.flatten()):
            union_id = getattr(value, "union_id", None)
            if isinstance(value, Nomination | Person) and union_id not in (None, union_a.pk):
                foreign.append(value)
    assert foreign == []


def _walk(value, depth=0):
    if depth > 4:
        return
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item, depth + 1)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, Person):
        # What the template will iterate: the nominations fetched with the page.
        for nomination in getattr(value, "_prefetched_objects_cache", {}).get("nominations", []):
            yield from _walk(nomination, depth + 1)


def test_the_transfer_list_costs_the_same_queries_for_one_request_or_many(
    client, staff, union_a, union_b, django_assert_max_num_queries
):
    from tests.factories import make_user

    def ask(n):
        for _ in range(n):
            person = ended_person(union_b)
            chair = make_user(Role.CHAIR, union=union_a)
            client.force_login(chair)
            client.post("/candidates/new/", takeover_data(union_a, person))

    client.force_login(staff)
    ask(1)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/candidates/transfers/").status_code == 200
    ask(5)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as six:
        page = client.get("/candidates/transfers/")
    assert page.content.decode().count("chờ anh/chị quyết định") == 6
    assert len(six) == len(one)
