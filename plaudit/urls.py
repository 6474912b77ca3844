from django.urls import path
from django.views.generic import TemplateView

app_name = "plaudit"

urlpatterns = [
    path("accessibility/", TemplateView.as_view(template_name="plaudit/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="plaudit/privacy.html"), name="privacy"),
]
