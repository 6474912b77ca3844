from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = "Nominations"
