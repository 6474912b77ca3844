from django.contrib import admin
from django.urls import include, path

from judging.urls import urlpatterns as judging_urls
from results.urls import urlpatterns as results_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("plaudit.urls")),
    path("", include("awards.urls")),
    path("", include("nominations.urls")),
    # Judging's pages and the results pages share the judging namespace (judging:ranking, …);
    # judging never imports results, so they are joined here, above both.
    path("", include((judging_urls + results_urls, "judging"))),
]
