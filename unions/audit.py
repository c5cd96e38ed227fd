"""The access log's writer: `tienlang.lib.audit.record_access` stores its rows through it."""

from __future__ import annotations

from .models import AccessLog


def write_access(**row) -> None:
    """Store one access-log row (the fields `record_access` fills in)."""
    AccessLog.objects.create(**row)
