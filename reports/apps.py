from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self):
        from .jobs import register_jobs  # noqa: PLC0415 (models are loaded only once the app registry is ready)

        register_jobs()
