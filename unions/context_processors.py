from __future__ import annotations

from . import permissions
from .signals import BRAND_SESSION_KEY


def user_role(request):
    """Role flags for the navigation. Cosmetic only: views check access themselves."""
    user = request.user
    if not user.is_authenticated:
        return {}
    # Vietnamese order: family and middle names (last_name) before the given name.
    display_name = f"{user.last_name} {user.first_name}".strip() or user.get_username()
    profile = permissions.get_profile(user)
    session = getattr(request, "session", None)
    return {
        # The header's brand: the user's federation by its short name (stored at sign-in,
        # unions.signals), beside the product's name.
        "brand_federation": session.get(BRAND_SESSION_KEY, "") if session is not None else "",
        "display_name": display_name,
        "role": permissions.user_role(user),
        "profile": profile,
        "is_district_staff": permissions.is_district_staff(user),
        "is_federation_reader": permissions.is_federation_reader(user),
        "is_chair": permissions.is_chair(user),
        # A callable: only the readers' menu asks, and the subtree is cached by then (no query).
        "is_upper_level": lambda: permissions.sees_other_federations(user),
    }
