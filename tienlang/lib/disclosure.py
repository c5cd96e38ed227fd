"""Every page that shows a person's data leaves a row in the access log, whether or not its view
remembered to write one.

Models that hold personal data call `note()` from their `from_db()` (every row Django builds
from a query, `select_related` included), naming the person and the columns it read. The
`DisclosureMiddleware` collects them for the request and, when the page was shown (a 200 answer
to a signed-in user) and its view wrote no access-log row of its own, writes one: who, when,
the page, which people (ids) and which personal-data fields. Views that know better (exports
built from `values()`, which make no model rows) call `tienlang.lib.audit.record_access` with
the people themselves; that marks the request as logged.

What counts as personal data is decided by the app that owns the model: it registers a filter
(`register_fields`) that maps the columns read to the fields the access log names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tienlang.lib import audit  # audit imports this module too: only its functions are used here


@dataclass
class Disclosure:
    person_ids: set[int] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    logged: bool = False


_current: ContextVar[Disclosure | None] = ContextVar("disclosure", default=None)
_field_filters: dict[str, Callable[[Iterable[str]], list[str]]] = {}


def register_fields(label: str, personal: Callable[[Iterable[str]], list[str]]) -> None:
    """`personal(column names)` → the personal-data fields among them, for rows of model `label`."""
    _field_filters[label] = personal


def note(person_id: int | None, label: str, columns: Iterable[str]) -> None:
    """A row about person `person_id` was read for the current request."""
    current = _current.get()
    if current is None or person_id is None:
        return
    current.person_ids.add(person_id)
    personal = _field_filters.get(label)
    if personal is not None:
        current.fields.update(personal(columns))


@contextmanager
def collecting():
    """Collect the people read inside the block (a background job, an export) into a Disclosure."""
    seen = Disclosure()
    token = _current.set(seen)
    try:
        yield seen
    finally:
        _current.reset(token)


def collected() -> Disclosure:
    """What the current request has read so far (empty outside a request)."""
    return _current.get() or Disclosure()


def mark_logged() -> None:
    current = _current.get()
    if current is not None:
        current.logged = True


class DisclosureMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(Disclosure())
        try:
            response = self.get_response(request)
            current = _current.get()
            user = getattr(request, "user", None)
            if (
                current.person_ids
                and not current.logged
                and response.status_code == 200
                and user is not None
                and user.is_authenticated
            ):
                action = "export" if response.get("Content-Disposition", "").startswith("attachment") else "view"
                audit.record_access(
                    request,
                    action,
                    _("Trang %(path)s") % {"path": request.path},
                    sorted(current.person_ids),
                    fields=current.fields,
                )
            return response
        finally:
            _current.reset(token)
