from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """Results of judging: the ranking and its explanation, decisions and outcome emails, the
    shortlist pack and result exports. Reads judging (its models stay there); judging never
    imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "results"

    def ready(self):
        from plaudit import generations

        from .ranking import RANKING_TABLES

        generations.watch("ranking", RANKING_TABLES)
