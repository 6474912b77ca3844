from django.apps import AppConfig


class PlauditConfig(AppConfig):
    name = "plaudit"
    verbose_name = "Plaudit site"
