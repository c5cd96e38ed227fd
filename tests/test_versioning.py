"""Two sessions editing one record: the second save is refused, never silently wins.

Every edit form (the admin's change forms included) sends back the version it was opened
with, and the save is an UPDATE that matches that version or nothing.
"""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import Client

from candidates import privacy
from candidates.models import LegalBasis, Person
from classes.models import StipendPolicy, TrainingClass
from tests import factories
from tienlang.lib.versioning import StaleVersion, save_if_current
from unions.forms import EnterpriseForm
from unions.models import AdministrativeUnit, CommitteeMember, Enterprise, GrassrootsUnion, WorkforceFigure

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
STALE = re.compile(r"Bản ghi đã được người khác sửa lúc (\d\d/\d\d/\d{4} \d\d:\d\d); tải lại để xem thay đổi\.")


# --- reading a form off a page, as a browser would send it --------------------------------------


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action", ""), "data": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        data, name = self._form["data"], attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    data[name] = attrs.get("value") or "on"
                return
            data[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                data[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            self._form["data"].setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._textarea and self._form is not None:
            self._form["data"][self._textarea] += text


def form_on(response, field: str) -> dict:
    """The fields of the page's POST form that has `field`, as submitted unchanged."""
    assert response.status_code == 200, response.status_code
    parser = _Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        if field in form["data"]:
            return dict(form["data"])
    raise AssertionError(f"no form with {field!r} on the page")


def last_change(record) -> str:
    """The local time of the record's last change, as the message shows it."""
    record.refresh_from_db()
    when = getattr(record, "updated_at", None)
    if when is None:
        when = type(record).history.filter(id=record.pk).latest("history_date").history_date
    return when.astimezone(LOCAL).strftime("%d/%m/%Y %H:%M")


def assert_refused(text: str, record) -> None:
    match = STALE.search(text)
    assert match, "the second save is refused with the message"
    assert match.group(1) == last_change(record)


def two_sessions(user) -> tuple[Client, Client]:
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    return first, second


# --- the edit forms of the product --------------------------------------------------------------


def _class(staff, federation):
    return factories.make_class(federation), "/classes/{pk}/edit/", "venue", "Hội trường A", "Hội trường B"


def _policy(staff, federation):
    return factories.make_policy(federation), "/classes/policies/{pk}/edit/", "funding_source", "Quỹ A", "Quỹ B"


def _enterprise(staff, federation):
    enterprise = factories.make_enterprise(federation=federation, commune=factories.make_commune_for(federation))
    return enterprise, "/unions/enterprises/{pk}/edit/", "workers", "150", "175"


def _union(staff, federation):
    return factories.make_union(federation=federation), "/unions/{pk}/edit/", "members", "91", "85"


def _committee(staff, federation):
    member = factories.make_committee_member(union=factories.make_union(federation=federation))
    return member, "/unions/committee/{pk}/edit/", "full_name", "Mai Thị Một", "Mai Thị Hai"


def _figure(staff, federation):
    figure = factories.make_figure(enterprise=factories.make_enterprise(federation=federation))
    return figure, "/unions/figures/{pk}/edit/", "workers", "140", "160"


def _area(staff, federation):
    area = factories.make_commune_for(federation)
    return area, "/unions/areas/{pk}/edit/", "name", "Xã Tên Một", "Xã Tên Hai"


EDIT_FORMS = {
    TrainingClass: _class,
    StipendPolicy: _policy,
    Enterprise: _enterprise,
    GrassrootsUnion: _union,
    CommitteeMember: _committee,
    WorkforceFigure: _figure,
    AdministrativeUnit: _area,
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(EDIT_FORMS), ids=lambda model: model.__name__)
def test_second_session_saving_an_edit_form_is_refused(model, staff, federation):
    record, url, field, theirs, mine = EDIT_FORMS[model](staff, federation)
    url = url.format(pk=record.pk)
    first, second = two_sessions(staff)
    first_form, second_form = form_on(first.get(url), "version"), form_on(second.get(url), "version")
    assert first_form["version"] == second_form["version"] == str(record.version)

    assert first.post(url, {**first_form, field: theirs}).status_code == 302
    record.refresh_from_db()
    saved_version = record.version
    assert saved_version == int(first_form["version"]) + 1

    response = second.post(url, {**second_form, field: mine})
    assert response.status_code == 200
    assert_refused(response.content.decode(), record)
    record.refresh_from_db()
    assert str(getattr(record, field)) == theirs, "the first session's change stands"
    assert record.version == saved_version, "the refused save changed nothing"

    # Reloaded, the form carries the new version and saves.
    reloaded = form_on(second.get(url), "version")
    assert second.post(url, {**reloaded, field: mine}).status_code == 302
    record.refresh_from_db()
    assert str(getattr(record, field)) == mine


@pytest.mark.django_db
def test_second_session_setting_a_persons_legal_basis_is_refused(staff, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    first, second = two_sessions(staff)
    page = person.get_absolute_url()
    first_form, second_form = form_on(first.get(page), "legal_basis"), form_on(second.get(page), "legal_basis")
    assert first_form["version"] == second_form["version"] == str(person.version)

    law = {"legal_basis": LegalBasis.LAW}
    first.post(f"/candidates/people/{person.pk}/legal-basis/", {**first_form, **law, "legal_basis_note": "Luật A"})
    person.refresh_from_db()
    assert person.legal_basis_note == "Luật A"
    saved_version = person.version

    response = second.post(
        f"/candidates/people/{person.pk}/legal-basis/",
        {**second_form, **law, "legal_basis_note": "Luật B"},
        follow=True,
    )
    assert_refused(response.content.decode(), person)
    assert "Đã ghi căn cứ xử lý dữ liệu." not in response.content.decode()
    person.refresh_from_db()
    assert person.legal_basis_note == "Luật A"
    assert person.version == saved_version


# --- the admin's change forms -------------------------------------------------------------------


def _admin_person(federation):
    union = factories.make_union(federation=federation)
    return factories.make_nomination(union).person, "/admin/candidates/person/{pk}/change/", "job_title"


def _admin_enterprise(federation):
    return factories.make_enterprise(federation=federation), "/admin/unions/enterprise/{pk}/change/", "name"


def _admin_class(federation):
    return factories.make_class(federation), "/admin/classes/trainingclass/{pk}/change/", "venue"


ADMIN_FORMS = {Person: _admin_person, Enterprise: _admin_enterprise, TrainingClass: _admin_class}


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(ADMIN_FORMS), ids=lambda model: model.__name__)
def test_second_session_saving_an_admin_change_form_is_refused(model, superuser, federation):
    record, url, field = ADMIN_FORMS[model](federation)
    url = url.format(pk=record.pk)
    first, second = two_sessions(superuser)
    first_form, second_form = form_on(first.get(url), "version"), form_on(second.get(url), "version")
    assert first_form["version"] == second_form["version"] == str(record.version)

    response = first.post(url, {**first_form, field: "Giá trị thứ nhất", "_save": "Lưu"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    record.refresh_from_db()
    saved_version = record.version

    response = second.post(url, {**second_form, field: "Giá trị thứ hai", "_save": "Lưu"})
    assert response.status_code == 200
    assert_refused(response.content.decode(), record)
    record.refresh_from_db()
    assert getattr(record, field) == "Giá trị thứ nhất"
    assert record.version == saved_version


@pytest.mark.django_db
def test_a_bulk_update_counts_as_a_change(staff, federation):
    klass = factories.make_class(federation)
    TrainingClass.objects.filter(pk=klass.pk).update(venue="Đổi hàng loạt")
    with pytest.raises(StaleVersion):
        save_if_current(klass, None)  # still at the version read before the bulk change
    klass.refresh_from_db()
    assert klass.venue == "Đổi hàng loạt"


# --- two real transactions at once on PostgreSQL --------------------------------------------------


def race(*actions) -> list[object]:
    """Run each action in its own thread and connection; each waits at the barrier it is given."""
    barrier = threading.Barrier(len(actions), timeout=60)
    outcomes: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            with transaction.atomic():
                outcomes[index] = action(barrier)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def one_won(outcomes) -> list[StaleVersion]:
    refused = [outcome for outcome in outcomes if isinstance(outcome, StaleVersion)]
    others = [outcome for outcome in outcomes if isinstance(outcome, BaseException) and outcome not in refused]
    assert not others, others
    assert len(refused) == 1, outcomes
    assert STALE.fullmatch(refused[0].messages[0])
    return refused


@pytest.mark.django_db(transaction=True)
def test_two_transactions_saving_one_version_exactly_one_update_wins(federation):
    klass = factories.make_class(federation)

    def save(venue):
        def action(barrier):
            mine = TrainingClass.objects.get(pk=klass.pk)
            barrier.wait()  # both have read version N
            mine.venue = venue
            return save_if_current(mine, mine.version).venue

        return action

    outcomes = race(save("Hội trường A"), save("Hội trường B"))
    one_won(outcomes)
    klass.refresh_from_db()
    assert klass.version == 2
    assert klass.venue in outcomes
    assert klass.history.count() == 2, "the refused save wrote no history either"


@pytest.mark.django_db(transaction=True)
def test_two_transactions_saving_one_edit_form_exactly_one_wins(staff, federation):
    enterprise = factories.make_enterprise(federation=federation, commune=factories.make_commune_for(federation))

    def save(workers):
        def action(barrier):
            loaded = Enterprise.objects.get(pk=enterprise.pk)
            initial = EnterpriseForm(instance=loaded, user=staff)
            data = {name: initial[name].value() for name in initial.fields}
            data = {name: value for name, value in data.items() if value is not None}
            form = EnterpriseForm({**data, "workers": workers}, instance=loaded, user=staff)
            assert form.is_valid(), form.errors
            barrier.wait()  # both forms are valid against version N
            return form.save().workers

        return action

    outcomes = race(save(150), save(175))
    one_won(outcomes)
    enterprise.refresh_from_db()
    assert enterprise.version == 2
    assert enterprise.workers in outcomes


@pytest.mark.django_db(transaction=True)
def test_two_transactions_setting_one_legal_basis_exactly_one_wins(staff, union_a):
    person = factories.make_nomination(union_a, user=staff).person
    opened = person.version

    def save(note):
        def action(barrier):
            barrier.wait()  # both pages were opened at version N
            saved = privacy.set_legal_basis(person, staff, LegalBasis.LAW, note, expected_version=opened)
            return saved.legal_basis_note

        return action

    outcomes = race(save("Luật A"), save("Luật B"))
    one_won(outcomes)
    person.refresh_from_db()
    assert person.version == opened + 1
    assert person.legal_basis_note in outcomes
