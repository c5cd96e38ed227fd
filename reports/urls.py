from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_centre, name="centre"),
    path("quotas/", views.quota_list, name="quota_list"),
    path("quotas/below/", views.targets_below, name="targets_below"),
    path("nam-moi/", views.new_year, name="new_year"),
    path("earlier-years/", views.aggregates, name="aggregates"),
    path("access-log/", views.access_log, name="access_log"),
    path("register/", views.register_list, name="register"),
    path("register/issue/<slug:kind>/", views.issue_report, name="issue"),
    path("register/latest/<slug:kind>/", views.compare_latest, name="compare_latest"),
    path("register/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("register/<int:pk>/download/", views.issued_download, name="issued_download"),
    path("register/<int:pk>/compare/", views.issued_compare, name="issued_compare"),
    re_path(r"^(?P<kind>[a-z]+)\.xlsx$", views.report_download, name="download"),
    path("<slug:kind>/", views.report_screen, name="screen"),
]
