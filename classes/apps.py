from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "classes"
    verbose_name = _("Lớp bồi dưỡng và hỗ trợ học viên")

    def ready(self):
        from . import providers

        providers.register()
