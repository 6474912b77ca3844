from django.contrib import admin

from .admin_labels import LabelledInputs
from .models import Delivery, SitePage


@admin.register(SitePage)
class SitePageAdmin(LabelledInputs, admin.ModelAdmin):
    list_display = ("page", "title", "updated_at")


@admin.register(Delivery)
class DeliveryAdmin(LabelledInputs, admin.ModelAdmin):
    """The delivery log of scheduled reminders: read, never written, here."""

    list_display = ("created_at", "kind", "to", "subject", "status", "sent_at")
    list_filter = ("kind", "status")
    search_fields = ("to", "subject", "key")
    readonly_fields = ("key", "kind", "to", "subject", "status", "error", "created_at", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
