from django.contrib import admin

from .admin_labels import LabelledInputs
from .models import SitePage


@admin.register(SitePage)
class SitePageAdmin(LabelledInputs, admin.ModelAdmin):
    list_display = ("page", "title", "updated_at")
