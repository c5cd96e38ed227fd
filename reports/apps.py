from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Báo cáo và chỉ tiêu")

    def ready(self):
        from django.db.models.signals import post_migrate  # noqa: PLC0415

        from tienlang.lib.kept import installed  # noqa: PLC0415

        from .jobs import register_jobs  # noqa: PLC0415 (models are loaded only once the app registry is ready)

        register_jobs()
        # The data version (tienlang.lib.kept): a trigger on every counted table.
        post_migrate.connect(installed, sender=self, dispatch_uid="tienlang.lib.kept.installed")
