"""What admission adds to candidates' handling of a person's data (registered in AdmissionConfig.ready()):
the dossier's documents and the residence comments in the person's data export, and the fields
that anonymisation blanks (notes and replies may describe the person; scans are removed)."""

from __future__ import annotations

from candidates import providers
from candidates.sensitivity import BASIC, SENSITIVE, Tag

from .models import DossierItem, ResidenceCommentRequest


def no_scan(value, row, person):
    return b""


SENSITIVE_MODELS = {
    "admission.DossierItem": (
        {"note": Tag(BASIC), "attachment": Tag(SENSITIVE, anonymise=no_scan), "attachment_name": Tag(BASIC)},
        "nomination__person",
    ),
    "admission.ResidenceCommentRequest": (
        {
            "organization_text": Tag(BASIC),  # names where the person lives
            "reply_note": Tag(SENSITIVE),  # the residence committee's comments on the person
            "attachment": Tag(SENSITIVE, anonymise=no_scan),
            "attachment_name": Tag(BASIC),
        },
        "nomination__person",
    ),
}


def person_sheets(workbook, person, _sheet, _row) -> None:
    """The person's admission dossier and residence comments, in their data export."""
    sheet = _sheet(
        workbook,
        "Hồ sơ kết nạp",
        ["Năm", "Giấy tờ", "Tình trạng", "Ngày nhận", "Ghi chú", "Tệp bản quét"],
        [7, 50, 16, 12, 36, 24],
    )
    items = DossierItem.objects.filter(nomination__person=person).select_related("nomination", "item_type")
    for item in items.order_by("nomination__year", "item_type__order", "pk"):
        _row(
            sheet,
            [
                item.nomination.year,
                item.item_type.name,
                item.get_status_display(),
                item.received_on,
                item.note,
                item.attachment_name,
            ],
        )
    sheet = _sheet(
        workbook,
        "Nhận xét nơi cư trú",
        ["Năm", "Gửi đến", "Số công văn", "Ngày gửi", "Hình thức", "Ngày trả lời", "Kết quả", "Nội dung trả lời"],
        [7, 40, 16, 12, 16, 12, 14, 40],
    )
    requests = ResidenceCommentRequest.objects.filter(nomination__person=person).select_related(
        "nomination", "organization"
    )
    for r in requests.order_by("sent_on", "pk"):
        _row(
            sheet,
            [
                r.nomination.year,
                r.addressee,
                r.number,
                r.sent_on,
                r.get_channel_display(),
                r.replied_on,
                r.get_outcome_display(),
                r.reply_note,
            ],
        )


def register() -> None:
    for label, (tags, person_path) in SENSITIVE_MODELS.items():
        providers.register_sensitive_model(label, tags, person_path)
    providers.register_person_sheets(person_sheets)
