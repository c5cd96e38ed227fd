"""Small helpers for forms that know no app."""

from __future__ import annotations

import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe


def form_error_messages(form) -> list[str]:
    """Every error of a bound form as one line each, prefixed with its field's label."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return messages


class FixedChoices(BaseChoiceIterator):
    """Choices given once as (value, label) pairs, shared by every copy of the form field.

    A form copies its fields for each instance, and a field copies its choices: a list filter
    with a thousand communes copied them twice and normalised each pair on every page. These
    are neither copied (they never change) nor normalised again (Django takes a choice
    iterator as it is)."""

    def __init__(self, pairs):
        self.pairs = tuple(pairs)

    @classmethod
    def escaped(cls, pairs) -> FixedChoices:
        """The pairs with their labels escaped once, here (a drop-down then writes them as they are)."""
        return cls((value, mark_safe(html.escape(str(label)))) for value, label in pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)

    def __deepcopy__(self, memo):
        return self


class PlainSelect(forms.Select):
    """A drop-down written in Python: the same HTML as Django's `Select`, without a template per option.

    Django renders each option through the form renderer's templates: a list filter with a
    thousand communes (an upper level's or an administrator's list) spent about 80 ms a
    page on it at the nation tier (docs/performance.md). Grouped choices fall back to
    Django's own rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator) and type(choices).__iter__ is ModelChoiceIterator.__iter__:
            # A model field's options read by one plain query: Django's iterator() opens a
            # server-side cursor (DECLARE, FETCH, CLOSE) for what is a few hundred rows. (An
            # iterator of a project's own, with its own order of options, is left to itself.)
            field = choices.field
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            choices = empty + [choices.choice(obj) for obj in choices.queryset.all()]
        else:
            choices = [choice for choice in choices]  # not list(): it would count a queryset's choices first
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        parts = [format_html("<select{}>", flatatt(final))]
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = " selected" if text in chosen else ""
            # html.escape is what django.utils.html.escape does, without its lazy-text wrapper;
            # a number needs none, and a label marked safe is escaped already (FixedChoices).
            value = text if isinstance(option_value, int) else html.escape(text)
            label = label if isinstance(label, SafeData) else html.escape(str(label))
            parts.append(f'<option value="{value}"{selected}>{label}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))
