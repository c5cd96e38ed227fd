from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "unions"
    verbose_name = _("Tổ chức, doanh nghiệp và công đoàn")

    def ready(self):
        from tienlang.lib import audit, checks  # noqa: F401  (registers the start-up checks)

        from . import signals  # noqa: F401  (sign-in events go to the access log)
        from .audit import write_access

        audit.register_writer(write_access)  # record_access writes AccessLog rows
