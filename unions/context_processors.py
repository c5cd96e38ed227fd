from __future__ import annotations

from . import permissions


def user_role(request):
    """Role flags for the navigation. Cosmetic only: views check access themselves."""
    user = request.user
    if not user.is_authenticated:
        return {}
    # Vietnamese order: family and middle names (last_name) before the given name.
    display_name = f"{user.last_name} {user.first_name}".strip() or user.get_username()
    return {
        "display_name": display_name,
        "role": permissions.user_role(user),
        "profile": permissions.get_profile(user),
        "is_district_staff": permissions.is_district_staff(user),
        "is_federation_reader": permissions.is_federation_reader(user),
        "is_chair": permissions.is_chair(user),
        # A callable: only the readers' menu asks, and the subtree is cached by then (no query).
        "is_upper_level": lambda: permissions.sees_other_federations(user),
    }
