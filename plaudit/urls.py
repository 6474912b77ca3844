from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView, TemplateView

app_name = "plaudit"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says (the admin says nothing).
    path("favicon.ico", RedirectView.as_view(url=static("nhsuk/assets/images/favicon.ico")), name="favicon"),
    path("accessibility/", TemplateView.as_view(template_name="plaudit/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="plaudit/privacy.html"), name="privacy"),
]
