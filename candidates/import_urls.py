"""Nomination upload URLs (mounted under /candidates/import/)."""

from django.urls import path

urlpatterns: list[path] = []
