"""The admin's front page, in the order the awards office works: programmes and awards, then
nominations, judging, the site's pages, the audit log, accounts. System tables (failed sign-ins,
the task queue) are for whoever runs the site, so only superusers see them listed."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

OFFICE_ORDER = ["awards", "nominations", "judging", "results", "privacy", "plaudit", "audit", "auth"]
SYSTEM_APPS = {"axes", "django_tasks", "django_tasks_database", "sessions", "contenttypes"}


class PlauditAdminSite(admin.AdminSite):
    site_header = "Plaudit administration"
    site_title = "Plaudit administration"
    index_title = "Awards office"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if not request.user.is_superuser:
            apps = [app for app in apps if app["app_label"] not in SYSTEM_APPS]

        def place(app):
            label = app["app_label"]
            return (OFFICE_ORDER.index(label) if label in OFFICE_ORDER else len(OFFICE_ORDER), app["name"])

        return sorted(apps, key=place)


class PlauditAdminConfig(AdminConfig):
    default_site = "plaudit.admin_site.PlauditAdminSite"
