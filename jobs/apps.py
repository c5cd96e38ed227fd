from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long work (large exports) run in the background, with progress the page follows."""

    name = "jobs"
    verbose_name = _("Tác vụ nền")
    default_auto_field = "django.db.models.BigAutoField"
