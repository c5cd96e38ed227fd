"""Change history and personal-data access records, shared by every app.

Every model that holds the register, people, nominations or targets carries a
`history = HistoricalRecords(...)` (django-simple-history): who changed what, and when.
Bulk writes skip model `save()`, so code that writes in bulk records the history itself
(`bulk_create_with_history`) or saves row by row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from tienlang.lib import disclosure

# Derived search columns: recomputed from the real fields, not worth a history line.
HISTORY_EXCLUDED = ["name_folded", "search_folded"]


def change_history(obj, limit: int = 15) -> list[dict]:
    """The latest changes of `obj`: when, who, what kind, and which fields went from what to what."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    result = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                changes.append(
                    {
                        "field": str(getattr(field, "verbose_name", change.field)),
                        "old": _display(change.old, field),
                        "new": _display(change.new, field),
                    }
                )
        result.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "kind": {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}.get(record.history_type, record.history_type),
                "changes": changes,
            }
        )
    return result


def _display(value, field=None) -> str:
    if value is None or value == "":
        return "—"
    choices = dict(getattr(field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])  # the label the user knows, not the stored code
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return str(value)


MAX_LOGGED_IDS = 1000

# Writes one access-log row (keyword arguments: the row's fields). The app that owns the access
# log registers it at start-up (`unions.apps.UnionsConfig.ready`): this module knows no app.
AccessWriter = Callable[..., None]
_writer: AccessWriter | None = None


def register_writer(writer: AccessWriter) -> None:
    """Make `writer(**row)` the one that stores the rows `record_access` makes."""
    global _writer
    _writer = writer


def record_access(request, action: str, what: str, person_ids=(), fields=()) -> None:
    """Note that the signed-in user viewed/exported/imported these people's data (IDs only).

    `fields` names the personal-data fields shown in full (see `candidates.sensitivity.disclosed`).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    if _writer is None:
        raise ImproperlyConfigured("No access-log writer registered (audit.register_writer).")
    disclosure.mark_logged()
    ids = list(person_ids)
    profile = getattr(user, "profile", None)
    _writer(
        user=user,
        username=user.get_username(),
        federation_id=getattr(profile, "federation_id", None),
        action=action,
        what=str(what)[:200],
        path=request.path[:300],  # the path only: a query string may hold a searched name
        person_ids=ids[:MAX_LOGGED_IDS],
        person_count=len(ids),
        fields=sorted(set(fields)),
    )
