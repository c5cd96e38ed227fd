from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("", views.NominationListView.as_view(), name="nomination_list"),
    path("new/", views.NominationCreateView.as_view(), name="nomination_add"),
    path("check/", views.eligibility_check, name="eligibility_check"),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("<int:pk>/", views.NominationDetailView.as_view(), name="nomination_detail"),
    path("<int:pk>/move/", views.NominationMoveView.as_view(), name="nomination_move"),
    path("<int:pk>/accept-warnings/", views.AcceptWarningsView.as_view(), name="nomination_accept_warnings"),
    path("<int:pk>/complete/", views.NominationCompleteView.as_view(), name="nomination_complete"),
    path("<int:pk>/correct/", views.NominationCorrectView.as_view(), name="nomination_correct"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/export.xlsx", views.PersonExportView.as_view(), name="person_export"),
    path("people/<int:pk>/legal-basis/", views.LegalBasisView.as_view(), name="person_legal_basis"),
    path("people/<int:pk>/consents/", views.ConsentAddView.as_view(), name="consent_add"),
    path(
        "people/<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
    path("people/<int:pk>/restrict/", views.RestrictView.as_view(), name="person_restrict"),
    path("people/<int:pk>/lift-restriction/", views.LiftRestrictionView.as_view(), name="person_lift"),
    path("people/<int:pk>/anonymise/", views.AnonymiseView.as_view(), name="person_anonymise"),
    path("people/<int:pk>/requests/", views.RequestAddView.as_view(), name="request_add"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/decide/", views.transfer_decide, name="transfer_decide"),
    # The nomination upload.
    path("import/", views.ImportUploadView.as_view(), name="import_upload"),
    path("import/template.xlsx", views.TemplateDownloadView.as_view(), name="import_template"),
    path("import/<int:pk>/", views.ImportPreviewView.as_view(), name="import_preview"),
]
