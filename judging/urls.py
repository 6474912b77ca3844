from django.urls import path

import plaudit.ids  # noqa: F401  (registers the <id:…> converter)

from . import accounts, chair_views, views

app_name = "judging"

urlpatterns = [
    path("sign-in/", accounts.sign_in, name="sign_in"),
    path("sign-in/link/", accounts.sign_in_link, name="sign_in_link"),
    path("sign-out/", accounts.sign_out, name="sign_out"),
    path("judging/", views.home, name="home"),
    path("judging/stages/<id:stage_id>/conflicts/", views.declare, name="declare"),
    path("judging/stages/<id:stage_id>/", views.queue, name="queue"),
    path("judging/stages/<id:stage_id>/entries/<id:entry_id>/", views.score, name="score"),
    path("judging/stages/<id:stage_id>/entries/<id:entry_id>/autosave/", views.autosave, name="autosave"),
    path("judging/stages/<id:stage_id>/entries/<id:entry_id>/conflict/", views.conflict, name="conflict"),
    path(
        "judging/stages/<id:stage_id>/entries/<id:entry_id>/files/<id:nomination_id>/<slug:question_key>/",
        views.evidence,
        name="evidence",
    ),
    path("judging/stages/<id:stage_id>/ballot/", views.ballot, name="ballot"),
    path("judging/stages/<id:stage_id>/reading-pack.pdf", views.reading_pack, name="reading_pack"),
    path("judging/stages/<id:stage_id>/progress/", chair_views.progress, name="progress"),
    path("judging/stages/<id:stage_id>/progress/remind/", chair_views.remind, name="remind"),
    path("judging/stages/<id:stage_id>/assignments/", chair_views.assignments, name="assignments"),
    path(
        "judging/stages/<id:stage_id>/assignments/<id:entry_id>/",
        chair_views.assignment_change,
        name="assignment_change",
    ),
    path("judging/stages/<id:stage_id>/assignments/<id:entry_id>/reopen/", chair_views.reopen, name="reopen"),
    path("judging/stages/<id:stage_id>/assignments.csv", chair_views.assignments_download, name="assignments_download"),
    path("judging/stages/<id:stage_id>/assignments/upload/", chair_views.assignments_upload, name="assignments_upload"),
]
