from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate, pre_save


class PlauditConfig(AppConfig):
    name = "plaudit"
    verbose_name = "Plaudit site"

    def ready(self):
        from . import addresses, generations, logs
        from .roles import ensure_office_groups

        logs.install()
        generations._install_on_open_connections()

        post_migrate.connect(ensure_office_groups, dispatch_uid="plaudit.ensure_office_groups")
        pre_save.connect(
            addresses.keep_accounts_in_one_form, sender=settings.AUTH_USER_MODEL, dispatch_uid="plaudit.addresses"
        )
