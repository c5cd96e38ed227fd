"""Roles and what every register row can be: retired, or merged into a successor."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..roles import Role

__all__ = ["ActiveQuerySetMixin", "RetirableMixin", "Role"]


class RetirableMixin(models.Model):
    """Rows that can be retired, or merged into a successor, without being deleted."""

    retired_on = models.DateField(_("ngày ngừng sử dụng"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.retired_on is None

    def current(self):
        """The row that replaces this one today (follows the merge chain)."""
        row, seen = self, set()
        while row.merged_into_id and row.pk not in seen:
            seen.add(row.pk)
            row = row.merged_into
        return row


class ActiveQuerySetMixin:
    def active(self):
        return self.filter(retired_on__isnull=True)
