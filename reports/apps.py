from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Báo cáo và chỉ tiêu")

    def ready(self):
        from .jobs import register_jobs  # noqa: PLC0415 (models are loaded only once the app registry is ready)

        register_jobs()
