"""Template helpers of the class pages: money as "3.000.000 ₫" and status badges."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

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
        enrollment.get_result_display(),
    )


@register.simple_tag
def payment_badge(payment) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        PAYMENT_CSS.get(payment.status, "secondary"),
        payment.get_status_display(),
    )


@register.simple_tag
def class_badge(training_class) -> str:
    return format_html(
        '<span class="badge text-bg-{}" data-testid="class-status">{}</span>',
        CLASS_CSS.get(training_class.status, "secondary"),
        training_class.get_status_display(),
    )
