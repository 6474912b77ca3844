from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Programmes and awards"

    def ready(self):
        from . import changes  # noqa: F401  (announces criteria changes, once per award in a batch)
