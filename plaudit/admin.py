from django.contrib import admin

from .models import SitePage


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ("page", "title", "updated_at")
