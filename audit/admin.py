from django.contrib import admin

from plaudit.admin_labels import LabelledInputs
from plaudit.roles import is_office

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(LabelledInputs, admin.ModelAdmin):
    """Read and filter the audit log. Nothing can be added, changed or deleted here."""

    change_list_template = "admin/audit/auditevent/change_list.html"
    list_display = ("at", "action", "actor_label", "subject", "summary")
    list_filter = ("action", ("at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "subject", "summary")
    date_hierarchy = "at"
    readonly_fields = ("at", "action", "actor_id", "actor_label", "subject", "summary", "data")
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_office(request.user)
