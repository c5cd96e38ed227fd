"""The candidates app's pages, one area a module; every view is importable from here."""

from .imports import ImportPreviewView, ImportUploadView, TemplateDownloadView
from .nominations import (
    AcceptWarningsView,
    NominationCompleteView,
    NominationCorrectView,
    NominationCreateView,
    NominationDetailView,
    NominationListView,
    NominationMoveView,
    ReviewQueueView,
    eligibility_check,
)
from .people import PersonDetailView, PersonListView, may_see_full_citizen_id
from .privacy import (
    AnonymiseView,
    ConsentAddView,
    ConsentWithdrawView,
    LegalBasisView,
    LiftRestrictionView,
    PersonExportView,
    RequestAddView,
    RestrictView,
    privacy_context,
    request_detail,
    request_list,
)
from .transfers import transfer_decide, transfer_detail, transfer_list

__all__ = [
    "AcceptWarningsView",
    "NominationCompleteView",
    "AnonymiseView",
    "ConsentAddView",
    "ConsentWithdrawView",
    "ImportPreviewView",
    "ImportUploadView",
    "LegalBasisView",
    "LiftRestrictionView",
    "NominationCorrectView",
    "NominationCreateView",
    "NominationDetailView",
    "NominationListView",
    "NominationMoveView",
    "PersonDetailView",
    "PersonExportView",
    "PersonListView",
    "RequestAddView",
    "RestrictView",
    "ReviewQueueView",
    "TemplateDownloadView",
    "eligibility_check",
    "may_see_full_citizen_id",
    "privacy_context",
    "request_detail",
    "request_list",
    "transfer_decide",
    "transfer_detail",
    "transfer_list",
]
