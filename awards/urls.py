from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<slug:programme_slug>/", views.programme_detail, name="programme"),
    path("programmes/<slug:programme_slug>/<slug:award_slug>/", views.award_detail, name="award"),
]
