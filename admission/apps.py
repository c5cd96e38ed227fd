from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionConfig(AppConfig):
    """From the union's introduction to official Party membership: the rules of each step, the
    working-day clocks, and the admission dossier."""

    name = "admission"
    verbose_name = _("Kết nạp Đảng")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from candidates import providers
        from candidates.models import Status

        from . import judges, providers as admission_providers

        providers.register_step_judge(Status.ADMITTED, judges.judge_admitted)
        providers.register_step_judge(Status.OFFICIAL, judges.judge_official)
        providers.register_step_judge(Status.REMOVED, judges.judge_removed)
        providers.register_step_judge("cell_resolution", judges.judge_cell_resolution)
        providers.register_step_judge("ceremony", judges.judge_ceremony)
        admission_providers.register()
