from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "candidates"
    verbose_name = _("Đoàn viên và hồ sơ nguồn")

    def ready(self):
        from tienlang.lib import disclosure
        from unions.reorganisations import register_follower
        from unions.services import register_area_follower

        from . import jobs, reorganisation, sensitivity  # noqa: F401 - jobs registers the background import

        register_follower(reorganisation.follow, reorganisation.dependents)  # people follow their union
        register_area_follower(reorganisation.follow_areas)  # "in the area" follows the area

        for label in ("candidates.Person", "candidates.Nomination", "candidates.Introduction"):
            disclosure.register_fields(label, lambda columns, label=label: sensitivity.disclosed(columns, label=label))
