"""The results pages, in the judging namespace (config/urls.py joins them): their names
(judging:ranking and the rest) are what pages, emails and tests have always used."""

from django.urls import path

import plaudit.ids  # noqa: F401  (registers the <id:…> converter)

from . import views

urlpatterns = [
    path("judging/stages/<id:stage_id>/ranking/", views.ranking, name="ranking"),
    path("judging/stages/<id:stage_id>/ranking/<id:entry_id>/", views.explain, name="explain"),
    path("judging/stages/<id:stage_id>/ranking/apply/", views.apply_pending, name="apply_pending"),
    path("judging/stages/<id:stage_id>/export/<str:what>.<str:fmt>", views.export, name="export"),
    path("judging/stages/<id:stage_id>/shortlist/", views.shortlist_request, name="shortlist_request"),
    path("judging/stages/<id:stage_id>/shortlist/<id:pack_id>/", views.shortlist, name="shortlist"),
    path(
        "judging/stages/<id:stage_id>/shortlist/<id:pack_id>/download/",
        views.shortlist_download,
        name="shortlist_download",
    ),
    path("judging/stages/<id:stage_id>/outcomes/", views.outcomes, name="outcomes"),
    path("judging/stages/<id:stage_id>/outcomes/send/", views.outcomes_send, name="outcomes_send"),
    path("judging/stages/<id:stage_id>/feedback/<id:entry_id>/", views.feedback, name="feedback"),
    path("judging/stages/<id:stage_id>/feedback/", views.moderation, name="moderation"),
    path("office/", views.office_home, name="office"),
    path("office/<slug:programme_slug>/", views.overview, name="overview"),
    path("office/<slug:programme_slug>/messages/", views.messages_list, name="messages"),
    path("office/<slug:programme_slug>/messages/new/", views.message_new, name="message_new"),
    path("office/<slug:programme_slug>/messages/<id:message_id>/", views.message, name="message"),
    path("office/<slug:programme_slug>/messages/<id:message_id>/edit/", views.message_edit, name="message_edit"),
]
