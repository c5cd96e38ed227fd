"""Optimistic locking: the one way an edit refuses to overwrite a change made meanwhile.

Every record with an edit form carries a `version` number. An edit form (the admin's
change forms included) sends back the version it was opened with, and the save is one

    UPDATE … SET …, version = version + 1 WHERE pk = %s AND version = %s

so of two sessions that opened version N, exactly one UPDATE matches a row; the other
matches none and is refused with `StaleVersion`, whatever the timing (the check is in the
statement, not in a read before it). Bulk `QuerySet.update()` on a scoped model bumps the
version too (see `unions.querysets.ScopedQuerySet.update`), so an edit opened before a bulk
change is refused as well.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

FIELD = "version"
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def is_versioned(model_or_instance) -> bool:
    model = model_or_instance if isinstance(model_or_instance, type) else type(model_or_instance)
    return issubclass(model, VersionedModel)


def last_changed_at(instance) -> datetime.datetime | None:
    """When the stored row last changed: its `updated_at`, else its latest history row."""
    model = type(instance)
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        value = model._base_manager.filter(pk=instance.pk).values_list("updated_at", flat=True).first()
        if value is not None:
            return value
    history = getattr(model, "history", None)
    if history is not None:
        return (
            history.filter(**{model._meta.pk.attname: instance.pk})
            .order_by("-history_date")
            .values_list("history_date", flat=True)
            .first()
        )
    return None


def stale_message(instance) -> str:
    when = last_changed_at(instance) or timezone.now()
    return gettext("Bản ghi đã được người khác sửa lúc %(time)s; tải lại để xem thay đổi.") % {
        "time": timezone.localtime(when, LOCAL_TIME).strftime("%d/%m/%Y %H:%M")
    }


class StaleVersion(ValidationError):
    """The record was changed by someone else after the form was opened; nothing was saved."""

    def __init__(self, instance):
        super().__init__(stale_message(instance), code="stale")
        self.instance = instance


class VersionedModel(models.Model):
    """A `version` column, checked and incremented in the UPDATE of every `save()`."""

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    class Meta:
        abstract = True

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = self.version
        field = self._meta.get_field(FIELD)
        values = [row for row in values if row[0] is not field]
        values.append((field, None, F(FIELD) + 1))
        if base_qs.filter(pk=pk_val, **{FIELD: expected})._update(values):
            self.version = expected + 1
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise StaleVersion(self)
        return False  # no such row: Django inserts it


def save_if_current(instance: VersionedModel, expected_version: int | None, **save_kwargs) -> VersionedModel:
    """Save `instance` only if the stored row is still at `expected_version` (else `StaleVersion`).

    `expected_version=None` checks against the version the instance was read with.
    """
    if expected_version is not None:
        instance.version = expected_version
    with transaction.atomic():  # a refusal leaves the caller's transaction usable
        instance.save(**save_kwargs)
    return instance


def version_field(initial=None) -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, initial=initial)


class VersionedFormMixin:
    """Edit forms: a hidden `version` (the one the form was opened with) that the save must match.

    A form posted after someone else saved is invalid with the one message; if the other
    save lands between validation and this one, `save()` raises `StaleVersion` (views catch it
    with `RefuseStaleSaveMixin`, the admin with `VersionedAdminMixin`).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and is_versioned(self.instance):
            self.fields[FIELD] = version_field(initial=self.instance.version)

    def clean(self):
        data = super().clean()
        expected = self.cleaned_data.get(FIELD)
        if expected is not None and self.instance.pk and expected != self.instance.version:
            raise StaleVersion(self.instance)
        return data

    def save(self, commit=True):
        expected = self.cleaned_data.get(FIELD)
        if expected is not None and self.instance.pk:
            self.instance.version = expected
        if not commit:
            return super().save(commit)
        with transaction.atomic():  # a refusal leaves the caller's transaction usable
            return super().save(commit)


class RefuseStaleSaveMixin:
    """Edit views: a save refused by `StaleVersion` shows the form again with the message."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except StaleVersion as exc:
            form.add_error(None, exc.messages[0])
            return self.form_invalid(form)


class VersionedAdminMixin:
    """Admin change forms carry the version they were opened with and refuse a stale save."""

    # The hidden field is in no fieldset: this template sends it (it extends the usual one).
    change_form_template = "admin/versioned_change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and is_versioned(self.model) and not issubclass(form, VersionedFormMixin):
            form = type(form.__name__, (VersionedFormMixin, form), {})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersion as exc:
            # Saved by someone else between validation and the UPDATE: nothing was saved.
            messages.error(request, exc.messages[0])
            return HttpResponseRedirect(request.get_full_path())
