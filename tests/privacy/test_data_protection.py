"""Data protection: anonymising after the retention period keeps the results; subject access
exports what is held about one person; the office edits the privacy notice and accessibility statement."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from judging.models import Decision, Scorecard
from nominations.models import Answer, Nomination
from privacy import retention
from results import ranking


def test_retention_is_measured_in_months_after_nominations_close(panel):
    programme = panel.stage.award.programme
    programme.nominations_close = dt.datetime(2027, 1, 31, 17, 0, tzinfo=dt.UTC)
    programme.retention_months = 1
    assert programme.retain_until == dt.datetime(2027, 2, 28, 17, 0, tzinfo=dt.UTC)


def test_anonymising_removes_people_and_keeps_the_ranking(scored):
    programme = scored.stage.award.programme
    before = [
        (row.entry.pk, round(row.result.score, 6))
        for row in ranking.stage_results(scored.stage, scored.people["root"]).rows
    ]
    Decision.objects.create(
        entry=scored.entries[0],
        outcome="shortlisted",
        reason="Grace's listening",
        decided_by=scored.people["chidi"],
        decided_at=timezone.now(),
    )
    programme.nominations_close = timezone.now() - dt.timedelta(days=800)
    programme.save()
    assert retention.due() == [programme]
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert f"Anonymised {programme.slug}" in out.getvalue()
    for nomination in Nomination.objects.filter(award__programme=programme):
        assert nomination.nominee_name == "(removed)" and nomination.nominator_email == ""
    assert not Answer.objects.filter(nomination__award__programme=programme).exists()
    assert not Scorecard.objects.exclude(overall_comment="").exists()
    assert Decision.objects.get().reason == ""
    after = [
        (row.entry.pk, round(row.result.score, 6))
        for row in ranking.stage_results(scored.stage, scored.people["root"]).rows
    ]
    assert after == before  # the results' figures survive
    programme.refresh_from_db()
    assert programme.anonymised_at is not None and retention.due() == []


def test_a_programme_inside_its_retention_period_is_left_alone(scored):
    assert retention.apply_retention() == []
    assert Answer.objects.exists()


def test_subject_access_gathers_a_nominators_and_a_judges_data(scored, tmp_path):
    from django.utils import timezone

    from judging.models import OutcomeEmail

    nomination = scored.entries[1].nomination
    OutcomeEmail.objects.create(
        stage=scored.stage,
        nomination=nomination,
        outcome="shortlisted",
        to=nomination.nominator_email,
        subject="Good news",
        body="Shortlisted.",
        status="sent",
        queued_by=scored.people["root"],
        queued_at=timezone.now(),
    )
    held = retention.subject_access(nomination.nominator_email.upper())
    assert [n["reference"] for n in held["nominations"]] and held["nominations"][0]["answers"]
    mine = next(n for n in held["nominations"] if n["reference"] == nomination.reference)
    assert [(e["outcome"], e["subject"], e["status"]) for e in mine["outcome_emails"]] == [
        ("shortlisted", "Good news", "sent")
    ]
    judge = retention.subject_access(scored.people["alice"].email)
    account = judge["judging"]["alice"]
    assert account["scorecards"] and account["conflicts"][0]["nomination__reference"] == scored.entries[0].reference
    target = tmp_path / "sar.json"
    call_command("subject_access", scored.people["alice"].email, output=str(target), stdout=io.StringIO())
    assert json.loads(target.read_text())["judging"]["alice"]["name"] == "Alice Judge"


def test_the_office_downloads_a_subject_access_file(admin_client, scored):
    response = admin_client.post("/admin/audit/auditevent/subject-access/", {"email": scored.people["bob"].email})
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["judging"]["bob"]["scorecards"]
    page = admin_client.post("/admin/audit/auditevent/subject-access/", {"email": "not an email"})
    assert "Enter a valid email address" in page.content.decode()


@pytest.mark.django_db
def test_the_office_writes_its_own_privacy_notice(client):
    from plaudit.models import SitePage

    assert "Privacy notice" in client.get("/privacy/").content.decode()
    SitePage.objects.create(
        page="privacy", title="How Northfield uses your data", body="## Contact\n\n<script>x</script>Ask us."
    )
    page = client.get("/privacy/").content.decode()
    assert "How Northfield uses your data" in page and "<h2>Contact</h2>" in page and "<script>x" not in page


@pytest.mark.django_db
def test_staff_who_are_not_the_office_cannot_ask_for_a_subject_access_file(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="sam", is_staff=True))
    assert client.get("/admin/audit/auditevent/subject-access/").status_code == 403
    assert client.post("/admin/audit/auditevent/subject-access/", {"email": "sam@example.org"}).status_code == 403


def test_referees_statements_are_held_for_subject_access_and_removed_at_the_end(scored):
    from nominations.models import Endorsement
    from tests.factories import QuestionFactory

    nomination = scored.entries[0].nomination
    question = QuestionFactory(section=nomination.award.sections.first(), key="referee", type="endorsement")
    Endorsement.objects.create(
        nomination=nomination,
        question=question,
        referee_name="Dr Jane Doe",
        referee_role="Ward sister",
        referee_email="Jane@Example.org",
        note="Mention the nights",
        status="received",
        statement="Kind to all.",
        requested_at=timezone.now(),
        received_at=timezone.now(),
    )
    held = retention.subject_access("jane@example.org")
    assert held["statements"][0]["statement"] == "Kind to all."
    assert held["statements"][0]["as_named"]["name"] == "Dr Jane Doe"
    other = scored.other_stage.award.programme
    assert retention.subject_access("jane@example.org", programmes=[other])["statements"] == []
    programme = scored.stage.award.programme
    assert retention.anonymise_programme(programme)["statements"] == 1
    assert not Endorsement.objects.exists()
    # The question can then go from a re-imported definition like any unanswered one.
    question.delete()
