"""Who may see which report, and which reports list people."""

from __future__ import annotations

from django.contrib.auth.models import User

from unions.models import Role
from unions.permissions import user_role

# Reports that list people by name: every download of one is access-logged with them.
PERSONAL_REPORTS = frozenset({"roster", "stipends", "introductions"})
# Of those, the ones a Party committee viewer may not see (the introductions are addressed to it).
HIDDEN_FROM_PARTY_VIEWERS = PERSONAL_REPORTS - {"introductions"}


def may_see_report(user: User, kind: str) -> bool:
    """Whether `user` may see (on screen, in Excel, as a background job) the report `kind`."""
    role = user_role(user)
    if role is None:
        return False
    return not (kind in HIDDEN_FROM_PARTY_VIEWERS and role == Role.PARTY_VIEWER)


def lists_people(kind: str) -> bool:
    return kind in PERSONAL_REPORTS
