from __future__ import annotations

from django.shortcuts import render

from unions.permissions import get_profile, user_role
from unions.views import union_counts_for


def dashboard(request):
    """The home page: figures for the user's own scope."""
    user = request.user
    profile = get_profile(user)
    context = {
        "counts": union_counts_for(user),
        "union": profile.union if profile and profile.union_id else None,
        "federation": profile.federation if profile else None,
        "role_name": profile.get_role_display() if profile else ("Quản trị hệ thống" if user.is_superuser else ""),
        "role_key": user_role(user),
    }
    return render(request, "dashboard.html", context)
