from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = "Nominations"

    def ready(self):
        from . import reminders  # noqa: F401  (the schedule's reminders to nominators and nominees)
