"""The filters' drop-downs written in Python give the same HTML as Django's Select."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from tienlang.lib.forms import FixedChoices, PlainSelect

CHOICES = [("", "---------"), ("1", "Xã Tiên Lãng"), ("2", "Xã <Đông> & “Tây”"), (3, "Phường 3")]


@pytest.mark.parametrize("value", [None, "", "1", "2", 3, ["1"]])
def test_plain_select_writes_what_django_writes(value):
    attrs = {"id": "id_commune", "class": "form-select form-select-sm filter-narrow"}
    django = forms.Select(choices=CHOICES).render("commune", value, attrs)
    plain = PlainSelect(choices=CHOICES).render("commune", value, attrs)
    assert parse_html(plain) == parse_html(django)  # attribute order and spaces aside


def test_plain_select_keeps_grouped_choices_to_django():
    grouped = [("Hải Phòng", [("1", "Xã A"), ("2", "Xã B")])]
    assert parse_html(PlainSelect(choices=grouped).render("c", "2", {})) == parse_html(
        forms.Select(choices=grouped).render("c", "2", {})
    )


@pytest.mark.parametrize("value", [None, "2", 3, "7"])
def test_choices_escaped_once_are_written_as_django_writes_the_raw_ones(value):
    raw = [(1, "Xã Tiên Lãng"), (2, 'Xã <Đông> & "Tây"'), (3, "Phường 3"), ("7", "<script>x</script>")]
    django = forms.Select(choices=raw).render("commune", value, {})
    plain = PlainSelect(choices=FixedChoices.escaped(raw)).render("commune", value, {})
    assert parse_html(plain) == parse_html(django)
    assert "<script>" not in plain


@pytest.mark.django_db
@pytest.mark.parametrize("required", [True, False])
def test_a_model_fields_options_are_written_as_django_writes_them_from_one_plain_query(required):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from unions.models import PartyOrganization

    for name in ("Chi bộ <Công ty> A", "Đảng bộ xã Tiên Minh", "Chi bộ Ấp 3"):
        PartyOrganization.objects.create(name=name)
    chosen = PartyOrganization.objects.order_by("pk").last().pk
    queryset = PartyOrganization.objects.order_by("name", "pk")
    django = forms.ModelChoiceField(queryset=queryset, required=required).widget
    plain_field = forms.ModelChoiceField(queryset=queryset, required=required, widget=PlainSelect)
    django.choices = forms.ModelChoiceField(queryset=queryset, required=required).choices
    with CaptureQueriesContext(connection) as queries:
        plain = plain_field.widget.render("organization", chosen, {"id": "id_organization"})
    assert parse_html(plain) == parse_html(django.render("organization", chosen, {"id": "id_organization"}))
    assert len(queries) == 1 and queries[0]["sql"].startswith("SELECT"), "one query, no server-side cursor"
