from django.apps import AppConfig


class JudgingConfig(AppConfig):
    name = "judging"
    verbose_name = "Judging"

    def ready(self):
        # Stored totals follow the criteria; judging's part of the pre-flight check and of a programme's copy.
        from . import copying, preflight, reminders, signals  # noqa: F401
