from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_centre, name="centre"),
    path("quotas/", views.quota_list, name="quota_list"),
    path("nam-moi/", views.new_year, name="new_year"),
    path("earlier-years/", views.aggregates, name="aggregates"),
    path("access-log/", views.access_log, name="access_log"),
    re_path(r"^(?P<kind>[a-z]+)\.xlsx$", views.report_download, name="download"),
    path("<slug:kind>/", views.report_screen, name="screen"),
]
