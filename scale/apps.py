from django.apps import AppConfig


class ScaleConfig(AppConfig):
    """Invented data at the sizes of a district, a city and the nation, and the benchmark."""

    name = "scale"
    verbose_name = "Đo hiệu năng"
    default_auto_field = "django.db.models.BigAutoField"
