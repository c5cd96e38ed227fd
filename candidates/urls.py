from django.urls import include, path

from . import privacy_views, transfer_views, views

app_name = "candidates"

urlpatterns = [
    path("", views.NominationListView.as_view(), name="nomination_list"),
    path("new/", views.NominationCreateView.as_view(), name="nomination_add"),
    path("check/", views.eligibility_check, name="eligibility_check"),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("<int:pk>/", views.NominationDetailView.as_view(), name="nomination_detail"),
    path("<int:pk>/move/", views.NominationMoveView.as_view(), name="nomination_move"),
    path("<int:pk>/accept-warnings/", views.AcceptWarningsView.as_view(), name="nomination_accept_warnings"),
    path("<int:pk>/correct/", views.NominationCorrectView.as_view(), name="nomination_correct"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/export.xlsx", privacy_views.PersonExportView.as_view(), name="person_export"),
    path("people/<int:pk>/legal-basis/", privacy_views.LegalBasisView.as_view(), name="person_legal_basis"),
    path("people/<int:pk>/consents/", privacy_views.ConsentAddView.as_view(), name="consent_add"),
    path(
        "people/<int:pk>/consents/<int:consent_pk>/withdraw/",
        privacy_views.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
    path("people/<int:pk>/restrict/", privacy_views.RestrictView.as_view(), name="person_restrict"),
    path("people/<int:pk>/lift-restriction/", privacy_views.LiftRestrictionView.as_view(), name="person_lift"),
    path("people/<int:pk>/anonymise/", privacy_views.AnonymiseView.as_view(), name="person_anonymise"),
    path("people/<int:pk>/requests/", privacy_views.RequestAddView.as_view(), name="request_add"),
    path("requests/", privacy_views.request_list, name="request_list"),
    path("requests/<int:pk>/", privacy_views.request_detail, name="request_detail"),
    path("transfers/", transfer_views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", transfer_views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/decide/", transfer_views.transfer_decide, name="transfer_decide"),
    path("import/", include("candidates.import_urls")),
]
