"""Template helpers of the person and nomination pages."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.db.models import Field, Model
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=256)
def _labels(field: Field, language: str | None) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


@register.filter
def label(obj: Model, field_name: str):
    """What `obj.get_<field_name>_display()` gives, from a table of the field's labels made once per
    field and language: Django's own builds and translates the field's whole list of choices on
    every call (a person's page with its nominations' histories called it 40 times)."""
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field.attname)
    return _labels(field, get_language()).get(value, value)
