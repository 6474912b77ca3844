from django.apps import AppConfig


class JudgingConfig(AppConfig):
    name = "judging"
    verbose_name = "Judging"

    def ready(self):
        from . import signals  # noqa: F401  (stored totals follow the criteria)
