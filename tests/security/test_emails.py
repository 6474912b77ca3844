"""Text someone typed, carried into an email to someone else, cannot pose as the sender's words.

A nominator's name with line breaks once put a message of their own ("URGENT: confirm your
account at …") into the consent email sent to any address they chose. Names, organisations and
job titles are now one line of plain text on the form (refused otherwise, by name), and every
email quotes other people's words on one line, in quotation marks, capped in length; subjects
are one line. Each email Plaudit sends to someone who did not write the text is checked here.
"""

import re

import pytest
from django.core import mail
from django.utils import timezone

from judging.models import OutcomeTemplate, Score, Scorecard
from nominations.domain import _after_submit
from nominations.forms import IdentityForm
from nominations.models import Nomination
from results import decisions
from tests.factories import AwardFactory

pytestmark = pytest.mark.django_db

PHISH = "Jo Bloggs\n\nURGENT: your NHS account is locked. Confirm it at https://evil.example/login\r\nThanks"


def lines_starting_with(text, start):
    return [line for line in text.splitlines() if line.strip().startswith(start)]


@pytest.mark.parametrize(
    "field",
    [
        "nominee_name",
        "nominee_job_title",
        "nominee_organisation",
        "nominator_name",
        "nominator_organisation",
        "nominator_relationship",
    ],
)
@pytest.mark.parametrize("value", [PHISH, "Jo\u2028URGENT", "Jo \u202eevil", "Jo\x07Bloggs", "x" * 301])
def test_the_form_refuses_names_that_are_not_one_plain_line(field, value):
    award = AwardFactory(nominee="individual")
    data = {
        "nominee_name": "Grace Hopper",
        "nominee_job_title": "Ward manager",
        "nominee_organisation": "Northfield",
        "nominee_email": "grace@example.org",
        "nominator_name": "Ada Lovelace",
        "nominator_relationship": "Colleague",
        field: value,
    }
    form = IdentityForm(data, award=award)
    assert not form.is_valid()
    message = form.errors[field][0]
    assert "must be on one line" in message or "characters or fewer" in message


def test_the_consent_email_quotes_the_nominators_words_on_one_line(panel):
    nomination = panel.entries[1].nomination
    Nomination.objects.filter(pk=nomination.pk).update(
        nominator_name=PHISH, nominee_name="Alan\nURGENT: pay now", nominee_email="alan@example.org"
    )
    _after_submit(nomination.pk, "a-consent-token")
    email = next(m for m in mail.outbox if m.to == ["alan@example.org"])
    assert lines_starting_with(email.body, "URGENT") == [] and lines_starting_with(email.body, "Thanks") == []
    assert (
        "“Jo Bloggs URGENT: your NHS account is locked. Confirm it at https://evil.example/login Thanks”" in email.body
    )
    assert "they are not our words" in email.body
    assert "\n" not in email.subject


def test_names_quoted_in_an_email_are_capped_in_length(panel):
    nomination = panel.entries[1].nomination
    Nomination.objects.filter(pk=nomination.pk).update(nominator_name="A" * 5000, nominee_email="alan@example.org")
    _after_submit(nomination.pk, "a-consent-token")
    email = next(m for m in mail.outbox if m.to == ["alan@example.org"])
    assert max(len(line) for line in email.body.splitlines()) < 260


def test_the_outcome_email_quotes_the_judges_words_on_one_line_each(scored, django_capture_on_commit_callbacks):
    stage, chidi, now = scored.stage, scored.people["chidi"], timezone.now()
    entry = scored.entries[1]
    Score.objects.filter(scorecard__entry=entry).update(
        comment="Strong.\n\nURGENT: reply with your bank details", feedback_approved=True
    )
    Scorecard.objects.filter(entry=entry).update(overall_comment="")
    Nomination.objects.filter(pk=entry.nomination_id).update(nominee_name="Alan\nTuring")
    decisions.decisions_record(stage=stage, entries=[entry], outcome="shortlisted", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=stage, entries=[entry], by=chidi, now=now)
    OutcomeTemplate.objects.update_or_create(
        stage=stage,
        outcome="shortlisted",
        defaults={
            "subject": "Shortlisted: {nominee}",
            "body": "Dear {nominator},\n{nominee} is shortlisted.\n{feedback}",
            "include_feedback": True,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        decisions.outcome_emails_queue(
            stage=stage, outcome="shortlisted", entries=stage.entries.all(), by=chidi, now=now
        )
    email = mail.outbox[-1]
    assert email.subject == "Shortlisted: Alan Turing"
    assert lines_starting_with(email.body, "URGENT") == []
    assert re.search(r"- “Impact: Strong\. URGENT: reply with your bank details”", email.body)


def test_the_nominees_outcome_email_carries_the_nominators_words_on_one_line(
    scored, django_capture_on_commit_callbacks
):
    stage, chidi, now = scored.stage, scored.people["chidi"], timezone.now()
    entry = scored.entries[1]
    Nomination.objects.filter(pk=entry.nomination_id).update(
        consent_status="confirmed",
        nominee_email="alan@example.org",
        nominator_name="Ada\nURGENT: reply with your bank details",
    )
    decisions.decisions_record(stage=stage, entries=[entry], outcome="winner", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=stage, entries=[entry], by=chidi, now=now)
    OutcomeTemplate.objects.update_or_create(
        stage=stage,
        outcome="winner",
        audience="nominee",
        defaults={"subject": "You won, {nominee}", "body": "Dear {nominee},\n{nominator} nominated you."},
    )
    with django_capture_on_commit_callbacks(execute=True):
        decisions.outcome_emails_queue(
            stage=stage, outcome="winner", entries=stage.entries.all(), by=chidi, now=now, audience="nominee"
        )
    email = mail.outbox[-1]
    assert email.to == ["alan@example.org"] and email.subject == "You won, Alan Turing"
    assert lines_starting_with(email.body, "URGENT") == []


def test_reminders_and_sign_in_links_to_judges_carry_office_text_on_one_line(panel):
    from judging.accounts import send_sign_in_link
    from judging.models import Scorecard, Stage
    from judging.tasks import send_reminder

    Stage.objects.filter(pk=panel.stage.pk).update(name="Final\nURGENT: click here")
    Scorecard.objects.filter(judge=panel.people["bob"]).delete()
    send_reminder.call(panel.stage.pk, panel.people["bob"].pk)
    reminder = mail.outbox[-1]
    assert "\n" not in reminder.subject and reminder.subject.endswith("Final URGENT: click here")
    assert lines_starting_with(reminder.body, "URGENT") == []
    bob = panel.people["bob"]
    bob.first_name = "Bob\nURGENT: verify your account"
    bob.save()
    send_sign_in_link(bob)
    assert lines_starting_with(mail.outbox[-1].body, "URGENT") == []
