from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo programme and the synthetic programme for scale: data builders, on top of every app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
