"""The `label` filter of the person and nomination pages writes what `get_FOO_display()` writes."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from candidates.models import DataSubjectRequest, Nomination, NominationEvent, Person

FIELDS = [
    (Person, "sex"),
    (Person, "education"),
    (Person, "legal_basis"),
    (Nomination, "status"),
    (NominationEvent, "from_status"),
    (NominationEvent, "to_status"),
    (DataSubjectRequest, "kind"),
    (DataSubjectRequest, "status"),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("model", "name"), FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_label_is_the_fields_display_for_every_choice_and_any_other_value(model, name, language):
    template = Template("{% load candidates_extras %}{{ obj|label:name }}")
    django_display = Template("{{ obj.get_" + name + "_display }}")
    field = model._meta.get_field(name)
    values = [value for value, _label in field.flatchoices] + ["không-có-trong-danh-sách", "<b>"]
    with translation.override(language):
        for value in values:
            obj = model(**{field.attname: value})
            context = Context({"obj": obj, "name": name})
            assert template.render(context) == django_display.render(context), value


def test_label_follows_the_active_language():
    obj = Nomination(status="enrolled")
    template = Template('{% load candidates_extras %}{{ obj|label:"status" }}')
    shown = {}
    for language in ("vi", "en", "vi"):
        with translation.override(language):
            shown.setdefault(language, set()).add(template.render(Context({"obj": obj})))
    assert shown["vi"] == {"Đang học"}, "the Vietnamese label again after English: one table per language"
    with translation.override("en"):
        assert shown["en"] == {obj.get_status_display()}
