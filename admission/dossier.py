"""The admission dossier of one nomination: which documents it holds, which are missing or stale.

Items are created for every document type the first time the dossier is looked at; the one for
comments from the Party cell where the person lives is "not needed" for a person living in the
federation's area. A document that goes stale (the introducer's letter, the union's resolution,
the comment summaries) is reopened when more than 12 months pass after it was received without
the cell considering the person (`rules.is_stale`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Nomination
from tienlang.lib.versioning import StaleVersion

from . import rules
from .models import DossierItem, DossierItemType

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# What a scan may be, told by its first bytes (never by its name or the browser's word for it).
SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def item_types() -> list[DossierItemType]:
    """The dossier's documents; a wiped database (flush, --reset) gets the guide's list again."""
    types = list(DossierItemType.objects.all())
    if not types:
        for row in rules.default_dossier_rows():
            DossierItemType.objects.get_or_create(code=row["code"], defaults=row)
        types = list(DossierItemType.objects.all())
    return types


def items(nomination: Nomination, today: datetime.date | None = None) -> list[DossierItem]:
    """Every document of the dossier (created where missing), as it stands on `today`: a
    document that went stale by then shows as stale, to be received again."""
    today = today or timezone.localdate()
    existing = {item.item_type_id: item for item in nomination.dossier_items.select_related("item_type")}
    created = []
    for item_type in item_types():
        if item_type.pk not in existing:
            status = DossierItem.Status.MISSING
            if item_type.residence_only and nomination.person.lives_in_district:
                status = DossierItem.Status.NOT_NEEDED
            created.append(DossierItem(nomination=nomination, item_type=item_type, status=status))
    if created:
        DossierItem.objects.bulk_create(created, ignore_conflicts=True)
        existing = {item.item_type_id: item for item in nomination.dossier_items.select_related("item_type")}
    result = sorted(existing.values(), key=lambda item: (item.item_type.order, item.item_type.code))
    for item in result:
        if (
            item.item_type.goes_stale
            and item.status == DossierItem.Status.RECEIVED
            and item.received_on
            and rules.is_stale(item.received_on, today)
        ):
            # Judged on the day asked, not stored: the same letter is valid for a cell that met in
            # time and stale for one that meets later.
            item.status = DossierItem.Status.STALE
    return result


def missing_for(nomination: Nomination, step: str, today: datetime.date | None = None) -> list[str]:
    """Names of the documents a step needs that are not in hand (missing or stale)."""
    open_ = {DossierItem.Status.MISSING, DossierItem.Status.STALE}
    return [i.item_type.name for i in items(nomination, today) if i.item_type.step == step and i.status in open_]


def check_attachment(name: str, data: bytes) -> str:
    """The content type of a scan that may be kept, or a ValidationError naming the file."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Tệp “%(f)s” quá lớn (%(s)s MB); tối đa 5 MB.") % {"f": name, "s": f"{len(data) / 1e6:.1f}"}
        )
    for signature, content_type in SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    raise ValidationError(_("Tệp “%(f)s” không phải bản quét PDF, JPEG hoặc PNG.") % {"f": name})


def record(
    item: DossierItem, user, *, status: str, received_on, note: str = "", upload=None, version: int
) -> DossierItem:
    """Record a document's status (and its scan) unless someone else changed it since `version`."""
    if status not in DossierItem.Status.values:
        raise ValidationError(_("Tình trạng không hợp lệ."))
    if status == DossierItem.Status.RECEIVED and received_on is None:
        raise ValidationError(_("%(d)s: cần ngày nhận.") % {"d": item.item_type.name})
    changes = {"status": status, "received_on": received_on, "note": note[:255], "recorded_by": user}
    if upload is not None:
        data = upload.read(MAX_ATTACHMENT_BYTES + 1)
        changes.update(
            attachment=data, attachment_name=upload.name[:200], attachment_type=check_attachment(upload.name, data)
        )
    with transaction.atomic():
        # Locked: of two people saving the same document at once, the second sees the new version.
        current = DossierItem.objects.select_for_update().select_related("item_type").get(pk=item.pk)
        if current.version != version:
            raise StaleVersion(current)  # the one message of every stale save
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1
        current._history_user = user
        current.save()
        return current
