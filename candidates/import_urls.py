"""Nomination upload URLs (mounted under /candidates/import/, in the `candidates` namespace)."""

from django.urls import path

from . import import_views

urlpatterns = [
    path("", import_views.ImportUploadView.as_view(), name="import_upload"),
    path("template.xlsx", import_views.TemplateDownloadView.as_view(), name="import_template"),
    path("<int:pk>/", import_views.ImportPreviewView.as_view(), name="import_preview"),
]
