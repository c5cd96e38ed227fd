from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "candidates"

    def ready(self):
        from tienlang.lib import disclosure
        from unions.reorganisations import register_follower

        from . import jobs, reorganisation, sensitivity  # noqa: F401 - jobs registers the background import

        register_follower(reorganisation.follow, reorganisation.dependents)  # people follow their union

        for label in ("candidates.Person", "candidates.Nomination", "candidates.Introduction"):
            disclosure.register_fields(label, lambda columns, label=label: sensitivity.disclosed(columns, label=label))
