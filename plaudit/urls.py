from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from . import views


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says (the admin says nothing).

    The address is worked out per request, not when the URLs load: with hashed static files
    the manifest does not exist until collectstatic has run, and `migrate` loads the URLs first.
    """

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("nhsuk/assets/images/favicon.ico")


app_name = "plaudit"

urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("healthz", views.health, name="health"),
    path("accessibility/", views.site_page, {"page": "accessibility"}, name="accessibility"),
    path("privacy/", views.site_page, {"page": "privacy"}, name="privacy"),
]
