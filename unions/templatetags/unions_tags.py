"""Small display helpers for the register's templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A user's name in Vietnamese order (family and middle names first), or the username."""
    if user is None:
        return ""
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()
