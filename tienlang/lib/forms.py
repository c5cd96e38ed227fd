"""Small helpers for forms that know no app."""

from __future__ import annotations


def form_error_messages(form) -> list[str]:
    """Every error of a bound form as one line each, prefixed with its field's label."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return messages
