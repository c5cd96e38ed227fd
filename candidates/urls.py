from django.urls import include, path

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
    path("<int:pk>/correct/", views.NominationCorrectView.as_view(), name="nomination_correct"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("import/", include("candidates.import_urls")),
]
