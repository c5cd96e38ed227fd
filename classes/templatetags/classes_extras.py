"""Template helpers of the class pages: money as "3.000.000 ₫" and status badges."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from candidates.models import Status
from tienlang.lib.money import amount_in_words, format_vnd

from ..models import PaymentStatus, Result

register = template.Library()

RESULT_CSS = {
    Result.PENDING: "secondary",
    Result.PASSED: "success",
    Result.FAILED: "danger",
    Result.ABSENT: "warning",
    Result.LEFT: "warning",
}
PAYMENT_CSS = {PaymentStatus.COMMITTED: "warning", PaymentStatus.PAID: "success", PaymentStatus.CANCELLED: "light"}
CLASS_CSS = {"planned": "secondary", "running": "primary", "finished": "success", "cancelled": "light"}


def _label(choices, value) -> str:
    """A choice's label from its enum: `get_FOO_display()` hashes every lazy label of the field per call
    (a class of 60 learners called it 180 times a page)."""
    try:
        return choices(value).label
    except ValueError:
        return value


@register.filter
def vnd(value) -> str:
    """3000000 → "3.000.000 ₫"."""
    if value in (None, ""):
        return ""
    return format_vnd(value)


@register.filter
def in_words(value) -> str:
    return amount_in_words(value or 0)


@register.simple_tag
def result_badge(enrollment) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        RESULT_CSS.get(enrollment.result, "secondary"),
        _label(Result, enrollment.result),
    )


@register.simple_tag
def payment_badge(payment) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        PAYMENT_CSS.get(payment.status, "secondary"),
        _label(PaymentStatus, payment.status),
    )


@register.simple_tag
def class_badge(training_class) -> str:
    return format_html(
        '<span class="badge text-bg-{}" data-testid="class-status">{}</span>',
        CLASS_CSS.get(training_class.status, "secondary"),
        training_class.get_status_display(),
    )


@register.simple_tag
def nomination_status(nomination) -> str:
    """The nomination's status label (see `_label`)."""
    return _label(Status, nomination.status)
