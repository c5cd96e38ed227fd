"""Light django-tables2 tables and columns for the lists: each cell is formatted in Python.

django-tables2's `DateColumn` is a `TemplateColumn`: it builds and renders a new
`Template` for every cell (about 40 ms for a 50-row page with two date columns at the
nation tier), and `linkify=True` calls `get_absolute_url()`, that is `reverse()`, for
every linked cell (168 calls a page, about 35 ms). The columns here give the same HTML:
the date as dd/mm/yyyy and the link as `<a href="…">…</a>`, with the URL built from a
prefix reversed once per process and the row's key appended. `ChoiceColumn` shows an
enumeration's label from the enum itself: django-tables2 otherwise calls
`get_FOO_display()`, which rebuilds (and translates) the whole choice list per cell.

`Table.rows_html()` writes the body's rows (`<tr class="even|odd"><td …>…</td></tr>`, as
django-tables2's own template does) in Python: the template's loop over every cell, with
each cell's attributes computed anew, cost about half of a 50-row list page. Cells of the
columns here are formatted straight from the record; any other cell goes through
django-tables2's own `BoundRow`, so `render_FOO` methods and library columns behave as
documented.
"""

from __future__ import annotations

import datetime
from functools import cached_property
from operator import attrgetter

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

# A key no row has, reversed once and then replaced by each row's own key.
_PLACEHOLDER = 987654321987654321


def format_date(value) -> str:
    """dd/mm/yyyy, as the `date:"d/m/Y"` filter writes a date."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _getter(accessor: str):
    """An attribute path of django-tables2 (`person__full_name`) as one function; None on the way gives None."""
    names = str(accessor).replace("__", ".").split(".")

    def get(record):
        value = record
        for name in names:
            value = getattr(value, name, None)
            if value is None:
                return None
        return value() if callable(value) else value

    return get


class FastColumn(tables.Column):
    """A column whose cell is `render_cell(value, record)`, called by `Table.rows_html` directly."""

    def render_cell(self, value, record):
        return value

    def render(self, value, record):
        return self.render_cell(value, record)


class TextColumn(FastColumn):
    """The value as it is (escaped, localised as a template would).

    Not for a field with choices: django-tables2 shows those through `get_FOO_display()`;
    use `ChoiceColumn`.
    """


class NumberColumn(FastColumn):
    """Whole numbers with the dot thousands separator (1.500), right-aligned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render_cell(self, value, record):
        return intcomma(value)

    def value(self, value):
        return value


class YesNoColumn(FastColumn):
    """A yes/no value as django-tables2's `BooleanColumn` writes it (`<span class="true">✔</span>`),
    without looking the field up for every cell (which the library does to handle choices)."""

    def __init__(self, *args, yesno="✔,✘", **kwargs):
        self.yesno = yesno.split(",") if isinstance(yesno, str) else tuple(yesno)
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render_cell(self, value, record):
        value = bool(value)
        return format_html('<span class="{}">{}</span>', str(value).lower(), self.yesno[int(not value)])

    def value(self, value):
        return str(bool(value))


class DateColumn(FastColumn):
    """A date as dd/mm/yyyy; an empty one shows the column's default (—)."""

    def render_cell(self, value, record):
        return format_date(value)

    def value(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


class RecordColumn(FastColumn):
    """A cell drawn from the whole record by `cell(record)`: a status badge, the links of the
    related rows. The same HTML as a table's `render_FOO(record)`, without django-tables2 working
    out the method's arguments for every cell."""

    def __init__(self, *args, cell, **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)
        self.cell = cell

    def render_cell(self, value, record):
        return self.cell(record)


class PatternURL:
    """`reverse(url_name, args=[key])` for many keys, with one `reverse()` in all."""

    def __init__(self, url_name: str):
        self.url_name = url_name

    @cached_property
    def parts(self) -> tuple[str, str]:
        url = reverse(self.url_name, args=[_PLACEHOLDER])
        prefix, _, suffix = url.partition(str(_PLACEHOLDER))
        return prefix, suffix

    def __call__(self, key) -> str:
        prefix, suffix = self.parts
        return f"{prefix}{key}{suffix}"


class LinkColumn(FastColumn):
    """The cell's text linked to a detail page: `url_name` reversed with the record's `key`.

    `key` is an attribute path on the row's record (`"pk"`, `"enterprise_id"`), so the link
    needs no object of its own and no query.
    """

    def __init__(self, *args, url_name: str, key: str = "pk", **kwargs):
        super().__init__(*args, **kwargs)
        self.url = PatternURL(url_name)
        self.key = attrgetter(key)

    def render_cell(self, value, record):
        return format_html('<a href="{}">{}</a>', self.url(self.key(record)), value)


class ChoiceColumn(FastColumn):
    """An enumeration's label, read from the enum (`choices`) rather than `get_FOO_display()`.

    `path` is the attribute path of the stored value on the record (`"ownership"`,
    `"enterprise.ownership"`); the column's accessor is the primary key so that
    django-tables2 does not look the field's choices up for every cell.
    """

    def __init__(self, *args, choices, path: str, **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)
        self.labels = choices
        self.path = attrgetter(path)

    @cached_property
    def label_of(self) -> dict:
        return {value: label for value, label in self.labels.choices}

    def render_cell(self, value, record):
        stored = self.path(record)
        if stored in (None, ""):
            return self.default
        return self.label_of.get(stored, stored)

    def value(self, value, record):
        return self.render_cell(value, record)


class Table(tables.Table):
    """A django-tables2 table whose body rows are written by `rows_html()` (see the module's note)."""

    def _cell_writers(self):
        writers = []
        for bound_column in self.columns:
            column = bound_column.column
            fast = isinstance(column, FastColumn) and getattr(self, f"render_{bound_column.name}", None) is None
            attrs = getattr(column, "attrs", {}) or {}
            td_attrs = attrs.get("td", attrs.get("cell", {}))
            # Attributes computed from the record: ask the bound column per row, as the library does.
            static_td = None if any(callable(v) for v in td_attrs.values()) else bound_column.attrs["td"].as_html()
            # data-label: on a phone each row is a card and each cell says what it is (static/css/app.css).
            label = conditional_escape(bound_column.header)
            writers.append((bound_column, fast, _getter(bound_column.accessor) if fast else None, static_td, label))
        return writers

    def rows_html(self):
        """The body's `<tr>` rows of the current page as HTML ("" when there are none)."""
        writers = self._cell_writers()
        parts = []
        for row in self.paginated_rows:
            record = row.record
            parts.append(f"<tr {row.attrs.as_html()}>")
            for bound_column, fast, get, static_td, label in writers:
                column = bound_column.column
                if fast:
                    value = get(record)
                    if value in column.empty_values:
                        cell = bound_column.default
                    else:
                        cell = column.render_cell(value, record)
                else:
                    cell = row.get_cell(bound_column.name)
                if static_td is None:
                    bound_column.current_value, bound_column.current_record = cell, record
                    td = bound_column.attrs["td"].as_html()
                else:
                    td = static_td
                # What the library's template does with {{ cell }}, |localize and |unlocalize.
                cell = localize(cell, use_l10n=column.localize)
                parts.append(f'<td {td} data-label="{label}">{conditional_escape(cell)}</td>')
            parts.append("</tr>")
        return mark_safe("".join(parts))
