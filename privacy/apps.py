from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection: retention and anonymisation, and subject access requests. It reads every
    app below it (programmes, nominations, judging, results), so it sits on top of them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
