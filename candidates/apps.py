from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "candidates"

    def ready(self):
        from tienlang.lib import disclosure

        from . import jobs, sensitivity  # noqa: F401 - jobs registers the background import

        for label in ("candidates.Person", "candidates.Nomination", "candidates.Introduction"):
            disclosure.register_fields(label, lambda columns, label=label: sensitivity.disclosed(columns, label=label))
