"""Formsets whose rows are keyed by a record, for the grids that edit many rows on one page.

`keyed_formset(Form, "a")` makes a Django formset class with one form per key (a learner,
an enterprise), each named "<prefix><key>-<field>" ("a12-present"), so a posted row always
lands on the record it was drawn for, whatever the order of the rows. The rows are the
keys given: no management form is posted, and none can be forged to add or drop a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django import forms
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
    BaseFormSet,
    ManagementForm,
    formset_factory,
)
from django.utils.functional import cached_property


class KeyedFormSet(BaseFormSet):
    """One form per key in `keys`, prefixed "<prefix><key>"; `initial` is one dict per key."""

    def __init__(self, data=None, *, keys: Iterable[object], prefix: str, initial: Sequence[dict] | None = None):
        self.keys = list(keys)
        super().__init__(data, prefix=prefix, initial=list(initial) if initial is not None else None)

    @classmethod
    def get_default_prefix(cls) -> str:
        return "row"

    @cached_property
    def management_form(self) -> ManagementForm:
        """Counts from the keys, never from the request."""
        count = len(self.keys)
        values = {TOTAL_FORM_COUNT: count, INITIAL_FORM_COUNT: count, MIN_NUM_FORM_COUNT: 0, MAX_NUM_FORM_COUNT: count}
        form = ManagementForm(
            {f"{self.prefix}-{name}": value for name, value in values.items()},
            auto_id=self.auto_id,
            prefix=self.prefix,
            renderer=self.renderer,
        )
        form.full_clean()
        return form

    def total_form_count(self) -> int:
        return len(self.keys)

    def initial_form_count(self) -> int:
        return len(self.keys)

    def add_prefix(self, index) -> str:
        return f"{self.prefix}{self.keys[index]}"

    def keyed_forms(self) -> list[tuple[object, forms.Form]]:
        """(key, form) for every row, in the order of the keys."""
        return list(zip(self.keys, self.forms, strict=True))


def keyed_formset(form: type[forms.Form]) -> type[KeyedFormSet]:
    return formset_factory(form, formset=KeyedFormSet, extra=0)
