from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("plaudit.urls")),
    path("", include("awards.urls")),
    path("", include("nominations.urls")),
    path("", include("judging.urls")),
]

admin.site.site_header = "Plaudit administration"
admin.site.site_title = "Plaudit administration"
admin.site.index_title = "Awards office"
