"""System checks run at start-up (manage.py check, runserver, gunicorn via wsgi)."""

from __future__ import annotations

import openpyxl.xml
from django.core import checks


@checks.register(checks.Tags.security)
def defusedxml_installed(app_configs=None, **kwargs):
    """Uploaded workbooks are parsed by openpyxl, which is safe from XML attacks only with defusedxml."""
    if not openpyxl.xml.DEFUSEDXML:
        return [
            checks.Error(
                "defusedxml is not installed: uploaded Excel files could carry XML entity attacks.",
                hint="pip install -r requirements.txt",
                id="tienlang.E001",
            )
        ]
    return []
