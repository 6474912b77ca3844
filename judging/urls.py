from django.urls import path

from . import accounts, views

app_name = "judging"

urlpatterns = [
    path("sign-in/", accounts.sign_in, name="sign_in"),
    path("sign-in/link/", accounts.sign_in_link, name="sign_in_link"),
    path("sign-out/", accounts.sign_out, name="sign_out"),
    path("judging/", views.home, name="home"),
    path("judging/stages/<int:stage_id>/conflicts/", views.declare, name="declare"),
    path("judging/stages/<int:stage_id>/", views.queue, name="queue"),
    path("judging/stages/<int:stage_id>/entries/<int:entry_id>/", views.score, name="score"),
    path("judging/stages/<int:stage_id>/entries/<int:entry_id>/autosave/", views.autosave, name="autosave"),
]
