from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlauditConfig(AppConfig):
    name = "plaudit"
    verbose_name = "Plaudit site"

    def ready(self):
        from . import generations, logs
        from .roles import ensure_office_groups

        logs.install()
        generations._install_on_open_connections()

        post_migrate.connect(ensure_office_groups, dispatch_uid="plaudit.ensure_office_groups")
