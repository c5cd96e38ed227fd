"""Yes/no cells written by `Table.rows_html` are the cells django-tables2's BooleanColumn writes."""

from __future__ import annotations

from types import SimpleNamespace

import django_tables2 as tables
import pytest

from tienlang.lib.tables import Table, YesNoColumn


class Library(tables.Table):
    flag = tables.BooleanColumn(yesno="✔,—")
    blank = tables.BooleanColumn(accessor="flag", yesno="✔,")


class Ours(Table):
    flag = YesNoColumn(yesno="✔,—")
    blank = YesNoColumn(accessor="flag", yesno="✔,")


@pytest.mark.parametrize("value", [True, False, None])
def test_yes_no_cells_match_the_library(rf, value):
    records = [SimpleNamespace(pk=1, flag=value)]
    library, ours = Library(records), Ours(records)
    for name in ("flag", "blank"):
        assert list(ours.rows)[0].get_cell(name) == list(library.rows)[0].get_cell(name)
    assert 'class="true"' in ours.rows_html() if value else 'class="false"' in ours.rows_html()
