from django.urls import path

from . import views

app_name = "classes"

urlpatterns = [
    path("", views.TrainingClassListView.as_view(), name="class_list"),
    path("new/", views.TrainingClassCreateView.as_view(), name="class_add"),
    path("budget/", views.BudgetView.as_view(), name="budget"),
    path("roster.xlsx", views.RosterExportView.as_view(), name="roster_export"),
    path("stipends.xlsx", views.StipendsExportView.as_view(), name="stipends_export"),
    path("policies/", views.StipendPolicyListView.as_view(), name="policy_list"),
    path("policies/new/", views.StipendPolicyCreateView.as_view(), name="policy_add"),
    path("policies/<int:pk>/edit/", views.StipendPolicyUpdateView.as_view(), name="policy_edit"),
    path("<int:pk>/", views.TrainingClassDetailView.as_view(), name="class_detail"),
    path("<int:pk>/edit/", views.TrainingClassUpdateView.as_view(), name="class_edit"),
    path("<int:pk>/sessions/new/", views.SessionCreateView.as_view(), name="session_add"),
    path("<int:pk>/sessions/<int:session_pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("<int:pk>/enrol/", views.EnrolView.as_view(), name="enrol"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/payments/", views.PaymentsView.as_view(), name="payments"),
    path("<int:pk>/employers/", views.EmployerCommitmentsView.as_view(), name="employers"),
    path("learners/<int:pk>/", views.EnrollmentDetailView.as_view(), name="enrollment_detail"),
    path("payments/<int:pk>/", views.PaymentDetailView.as_view(), name="payment_detail"),
    path("payments/<int:pk>/cancel/", views.PaymentCancelView.as_view(), name="payment_cancel"),
]
