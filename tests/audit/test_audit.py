"""The audit log: append-only (model, queryset, admin and, on PostgreSQL, the database), and fed by
sign-ins, configuration changes, submissions, score changes, conflicts, assignments, decisions and exports."""

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AppendOnly, AuditEvent
from judging import assignments, conflicts, scorecards
from judging.scorecards import ScoreInput
from results import decisions


def actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


@pytest.mark.django_db
def test_the_log_cannot_be_changed_or_deleted():
    from audit.log import record

    event = record("export", "Something was exported")
    event.summary = "rewritten"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.update(summary="rewritten")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET summary = 'rewritten'")
    assert AuditEvent.objects.get().summary == "Something was exported"


def test_the_admin_reads_and_filters_but_cannot_edit(admin_client):
    from audit.log import record

    record("export", "Ranking exported")
    record("sign_in", "Signed in by password")
    page = admin_client.get("/admin/audit/auditevent/?action__exact=export").content.decode()
    assert "Ranking exported" in page and "Signed in by password" not in page
    event = AuditEvent.objects.get(action="export")
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"summary": "rewritten"})
    event.refresh_from_db()
    assert event.summary == "Ranking exported"


def test_sign_ins_and_failures_are_logged(client, panel):
    client.post(reverse("judging:sign_in"), {"method": "password", "username": "bob", "password": "wrong"})
    client.post(
        reverse("judging:sign_in"),
        {"method": "password", "username": "bob", "password": "correct horse battery staple"},
    )
    events = list(AuditEvent.objects.order_by("pk"))
    assert [e.action for e in events] == ["sign_in_failed", "sign_in"]
    assert "wrong" not in events[0].summary and events[1].actor_label == panel.people["bob"].email


def test_score_changes_are_logged_old_to_new(panel):
    entry, bob = panel.entries[1], panel.people["bob"]
    now = timezone.now()
    scorecards.scorecard_save(
        entry=entry, judge=bob, scores={"impact": ScoreInput("2")}, overall_comment="", version=0, now=now
    )
    scorecards.scorecard_save(
        entry=entry,
        judge=bob,
        scores={"impact": ScoreInput("4"), "reach": ScoreInput("na")},
        overall_comment="",
        version=1,
        now=now,
        submit=True,
    )
    last = AuditEvent.objects.filter(action="score").order_by("pk").last()
    assert last.data["changes"]["impact"] == {"from": 2, "to": 4}
    assert last.data["changes"]["reach"] == {"from": None, "to": "N/A"}
    assert "submitted" in last.summary and last.actor_id == bob.pk


def test_conflicts_assignments_decisions_and_exports_are_logged(client, panel):
    stage, chidi, now = panel.stage, panel.people["chidi"], timezone.now()
    rows = conflicts.declaration_rows(stage=stage, member=stage.members.get(user=panel.people["bob"]))
    conflicts.conflict_declare(stage=stage, judge=panel.people["bob"], decisions={}, rows=rows, now=now)
    assignments.assignment_remove(entry=panel.entries[2], judge_id=panel.people["bob"].pk, by=chidi)
    decisions.decisions_record(
        stage=stage, entries=panel.entries[1:2], outcome="shortlisted", reason="", by=chidi, now=now
    )
    client.force_login(chidi)
    client.get(reverse("judging:export", args=[stage.pk, "ranking", "csv"]))
    assert actions()[-5:] == ["conflict", "assignment", "decision", "sign_in", "export"]


def test_admin_changes_are_logged_as_configuration(admin_client):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    admin_client.post(f"/admin/awards/programme/{programme.pk}/delete/", {"post": "yes"})
    event = AuditEvent.objects.filter(action="configuration").last()
    assert event is not None and "Deleted programme" in event.summary
