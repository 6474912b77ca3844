from django.urls import path

from . import views

app_name = "nominations"

urlpatterns = [
    path("programmes/<slug:programme_slug>/<slug:award_slug>/nominate/", views.start, name="start"),
    path("n/<str:token>/", views.resume, name="resume"),
    path("nominations/find/", views.find, name="find"),
    path("mine/<str:token>/", views.mine_open, name="mine_open"),
    path("nominations/mine/", views.mine, name="mine"),
    path("nominations/<str:reference>/", views.edit, name="edit"),
    path("nominations/<str:reference>/steps/<int:number>/", views.step, name="step"),
    path("nominations/<str:reference>/autosave/", views.autosave, name="autosave"),
    path("nominations/<str:reference>/check/", views.check, name="check"),
    path("nominations/<str:reference>/submit/", views.submit, name="submit"),
    path("nominations/<str:reference>/submitted/", views.submitted, name="submitted"),
    path("nominations/<str:reference>/receipt.pdf", views.receipt, name="receipt"),
    path("nominations/<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("nominations/<str:reference>/files/<slug:question_key>/", views.uploaded_file, name="file"),
    path("reminders/stop/<str:token>/", views.reminders_stop, name="reminders_stop"),
    path("consent/", views.consent_page, name="consent_page"),
    path("statement/", views.statement, name="statement"),
    path("statement/stop/<str:token>/", views.statement_stop, name="statement_stop"),
    path("statement/<str:token>/", views.statement_open, name="statement_open"),
    path(
        "nominations/<str:reference>/statements/<int:endorsement_id>/resend/",
        views.statement_resend,
        name="statement_resend",
    ),
    path("consent/<str:token>/", views.consent, name="consent"),
]
