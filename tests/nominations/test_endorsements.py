"""Supporting statements: the nominator names a referee; the referee writes once, through their
own link, until the deadline; the nominator and the office see and resend; judges read it, blind
where the stage is; an award may wait for it before judging."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from judging.models import Entry, Stage
from judging.presentation import statements_for_judge
from nominations import endorsements, reminders
from nominations.models import Endorsement, Nomination
from plaudit import schedule
from tests.factories import NOMINATION_IDENTITY, SMALLEST_PDF, QuestionFactory, kindness_award

pytestmark = pytest.mark.django_db(transaction=True)

REFEREE = {
    "q-referee_0": "Dr Jane Doe",
    "q-referee_1": "Her line manager",
    "q-referee_2": "jane@example.org",
    "q-referee_3": "Please mention the night shifts.",
}


def endorsed_award(**options):
    award = kindness_award()
    QuestionFactory(
        section=award.sections.first(),
        key="referee",
        type="endorsement",
        prompt="Who can support this nomination?",
        max_words=10,
        position=5,
        **options,
    )
    return award


@pytest.fixture
def award():
    return endorsed_award()


def submit(client, award, referee=REFEREE, email="ada@example.org", nomination=None):
    if nomination is None:
        client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": email})
        nomination = Nomination.objects.latest("pk")
    edit = reverse("nominations:edit", args=[nomination.reference])
    client.post(
        edit, {**NOMINATION_IDENTITY, "q-story": "She listened", "q-has-partners": "no", **referee, "save": "1"}
    )
    response = client.post(reverse("nominations:submit", args=[nomination.reference]))
    assert response.status_code == 302, response.content.decode()[:2000]
    nomination.refresh_from_db()
    return nomination


def statement_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/statement/[^/\s]+/)", message.body).group(1)


def requests_to(address):
    return [m for m in mail.outbox if m.to == [address] and "support a nomination" in m.subject]


def test_the_referee_field_says_which_part_is_missing_and_keeps_what_was_typed(client, award):
    client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "ada@example.org"})
    nomination = Nomination.objects.latest("pk")
    edit = reverse("nominations:edit", args=[nomination.reference])
    response = client.post(
        edit,
        {**NOMINATION_IDENTITY, "q-referee_0": "Dr Jane Doe", "q-referee_2": "not an address", "continue": "1"},
    )
    page = response.content.decode()
    assert "Enter the referee&#x27;s role" in page
    assert "Enter the referee&#x27;s email address in the correct format" in page
    assert 'value="Dr Jane Doe"' in page and 'value="not an address"' in page


def test_submitting_asks_the_referee_once_with_a_link_of_their_own(client, award):
    nomination = submit(client, award)
    endorsement = Endorsement.objects.get()
    assert (endorsement.referee_name, endorsement.status, endorsement.times_sent) == ("Dr Jane Doe", "requested", 1)
    [request] = requests_to("jane@example.org")
    assert "has nominated Grace Hopper for Kindness Award" in request.body
    assert request.reply_to == [award.programme.contact_email]
    # The nominator sees it asked, on the confirmation page.
    page = client.get(reverse("nominations:submitted", args=[nomination.reference])).content.decode()
    assert "Supporting statements" in page and "Dr Jane Doe, Her line manager" in page and "Requested" in page
    # Resubmitting with the same referee asks nothing again.
    submit(client, award, nomination=nomination)
    assert len(requests_to("jane@example.org")) == 1 and Endorsement.objects.count() == 1


def test_the_referee_writes_once_and_the_link_then_opens_nothing(client, award):
    submit(client, award)
    link = statement_link(requests_to("jane@example.org")[0])
    referee = Client()
    assert referee.get(link).status_code == 302
    page = referee.get(reverse("nominations:statement")).content.decode()
    assert "Grace Hopper" in page and "Please mention the night shifts." in page and "Ada Lovelace" in page
    # Over the word limit, or nothing at all: said beside the field, nothing lost.
    long = "word " * 11
    page = referee.post(reverse("nominations:statement"), {"statement": long}).content.decode()
    assert "Your statement must be 10 words or fewer. You wrote 11 words." in page and long.strip() in page
    page = referee.post(reverse("nominations:statement"), {"statement": ""}).content.decode()
    assert "Write your statement or choose a letter to upload" in page
    response = referee.post(reverse("nominations:statement"), {"statement": "She is the kindest nurse I know."})
    assert "Statement received" in response.content.decode()
    endorsement = Endorsement.objects.get()
    assert endorsement.status == "received" and endorsement.statement == "She is the kindest nurse I know."
    assert Client().get(link).status_code == 404  # once only
    assert (
        "Received"
        in client.get(reverse("nominations:submitted", args=[endorsement.nomination.reference])).content.decode()
    )


def test_a_letter_is_checked_by_its_content(client, award):
    submit(client, award)
    referee = Client()
    referee.get(statement_link(requests_to("jane@example.org")[0]))
    fake = SimpleUploadedFile("letter.pdf", b"not really a pdf", content_type="application/pdf")
    page = referee.post(reverse("nominations:statement"), {"letter": fake}).content.decode()
    assert "The selected file is not a real PDF file" in page
    real = SimpleUploadedFile("letter.pdf", SMALLEST_PDF, content_type="application/pdf")
    assert "Statement received" in referee.post(reverse("nominations:statement"), {"letter": real}).content.decode()
    assert Endorsement.objects.get().letter_name == "letter.pdf"


def test_naming_someone_else_cancels_the_first_request(client, award):
    nomination = submit(client, award)
    first_link = statement_link(requests_to("jane@example.org")[0])
    submit(client, award, nomination=nomination, referee={**REFEREE, "q-referee_2": "sam@example.org"})
    assert list(Endorsement.objects.values_list("referee_email", "status").order_by("pk")) == [
        ("jane@example.org", "cancelled"),
        ("sam@example.org", "requested"),
    ]
    assert Client().get(first_link).status_code == 404
    assert len(requests_to("sam@example.org")) == 1


def test_the_link_stops_at_the_deadline(client, award):
    submit(client, award)
    link = statement_link(requests_to("jane@example.org")[0])
    endorsement = Endorsement.objects.get()
    later = endorsement.nomination.closes_at + dt.timedelta(minutes=1)
    assert endorsements.find(link.split("/")[2], later) is None
    assert endorsements.find(link.split("/")[2], later - dt.timedelta(minutes=2)) is not None


def test_the_nominator_sends_it_again_with_a_new_link_not_twice_in_a_few_minutes(client, award):
    nomination = submit(client, award)
    old = statement_link(requests_to("jane@example.org")[0])
    endorsement = Endorsement.objects.get()
    resend = reverse("nominations:statement_resend", args=[nomination.reference, endorsement.pk])
    Endorsement.objects.update(last_sent_at=timezone.now() - dt.timedelta(hours=1))
    client.post(resend, {"next": "submitted"})
    assert len(requests_to("jane@example.org")) == 2
    assert Client().get(old).status_code == 404
    assert Client().get(statement_link(requests_to("jane@example.org")[1])).status_code == 302
    response = client.post(resend, follow=True)
    assert "a few minutes ago" in response.content.decode()
    assert len(requests_to("jane@example.org")) == 2
    # Someone else's nomination: nothing.
    assert Client().post(resend).status_code == 404


def test_an_award_may_wait_for_the_statement_before_judging(client):
    award = endorsed_award(wait_for_statement=True)
    nomination = submit(client, award)
    Nomination.objects.filter(pk=nomination.pk).update(consent_status="confirmed")
    nomination.refresh_from_db()
    assert nomination.statements_waiting
    assert not Nomination.objects.filter(Nomination.judgeable_q(), pk=nomination.pk).exists()
    assert nomination.why_not_judged == "waiting for a supporting statement the award requires"
    referee = Client()
    referee.get(statement_link(requests_to("jane@example.org")[0]))
    referee.post(reverse("nominations:statement"), {"statement": "Kind."})
    assert Nomination.objects.filter(Nomination.judgeable_q(), pk=nomination.pk).exists()


def test_judges_read_the_statement_in_its_place_and_blind_without_the_referee(client, award):
    nomination = submit(client, award)
    Nomination.objects.filter(pk=nomination.pk).update(consent_status="confirmed")
    stage = Stage.objects.create(award=award, name="Shortlisting")
    entry = Entry.objects.create(stage=stage, nomination=nomination)
    [statement] = statements_for_judge(entry, stage)
    assert statement.answers["referee"] == (
        "Who can support this nomination?",
        "Not received yet (asked of Dr Jane Doe, Her line manager).",
    )
    referee = Client()
    referee.get(statement_link(requests_to("jane@example.org")[0]))
    letter = SimpleUploadedFile("jane-doe.pdf", SMALLEST_PDF, content_type="application/pdf")
    referee.post(reverse("nominations:statement"), {"statement": "Kind to everyone.", "letter": letter})
    [statement] = statements_for_judge(entry, stage)
    assert statement.answers["referee"][1] == "From Dr Jane Doe, Her line manager:\n\nKind to everyone."
    assert statement.answers["referee:letter"][1] == "A letter from Dr Jane Doe, Her line manager (PDF)"
    assert "jane@example.org" not in str(statement.answers) and "night shifts" not in str(statement.answers)
    [blind] = statements_for_judge(entry, stage, blind=True)
    assert blind.answers["referee"][1] == "From the referee:\n\nKind to everyone."
    assert "Jane" not in str(blind.answers)


def test_referees_are_reminded_twice_at_most_never_after_the_deadline_or_once_stopped(client, award):
    from awards.models import Programme

    Programme.objects.filter(pk=award.programme_id).update(status="published")
    submit(client, award)
    endorsement = Endorsement.objects.get()
    asked = endorsement.requested_at
    closes = endorsement.nomination.closes_at
    mail.outbox.clear()
    schedule.run_once(asked + dt.timedelta(days=6))
    assert not mail.outbox
    schedule.run_once(asked + dt.timedelta(days=7))
    schedule.run_once(asked + dt.timedelta(days=7, hours=1))
    assert len(requests_to("jane@example.org")) == 1
    reminder = requests_to("jane@example.org")[0]
    assert reminder.subject.startswith("Reminder:") and "/statement/stop/" in reminder.body
    schedule.run_once(closes - dt.timedelta(days=1))
    assert len(requests_to("jane@example.org")) == 2
    schedule.run_once(closes + dt.timedelta(hours=1))
    assert len(requests_to("jane@example.org")) == 2
    # The stop link asks first, then stops them.
    stop = re.search(r"https?://[^/\s]+(/statement/stop/\S+/)", reminder.body).group(1)
    assert "Stop reminders" in Client().get(stop).content.decode()
    Client().post(stop)
    endorsement.refresh_from_db()
    assert endorsement.reminders_stopped_at is not None
    assert reminders.referee_reminder_number(endorsement, closes - dt.timedelta(days=1)) == 2
    assert not [m for m in reminders.referees_pending(closes - dt.timedelta(days=1))]


def test_withdrawing_cancels_the_request(client, award):
    nomination = submit(client, award)
    client.post(reverse("nominations:withdraw", args=[nomination.reference]), {"confirm": "yes"})
    assert Endorsement.objects.get().status == "cancelled"
    assert Client().get(statement_link(requests_to("jane@example.org")[0])).status_code == 404


def test_a_nominee_who_declines_is_not_supported_behind_their_back(client, award):
    from awards.models import Programme
    from nominations import domain

    Programme.objects.filter(pk=award.programme_id).update(status="published")
    nomination = submit(client, award)
    link = statement_link(requests_to("jane@example.org")[0])
    domain.consent_respond(nomination=nomination, agree=False, remove_data=False, now=timezone.now())
    assert Client().get(link).status_code == 404
    endorsement = Endorsement.objects.get()
    assert not list(reminders.referees_pending(endorsement.requested_at + dt.timedelta(days=8)))
    # The office records a change of mind: the request is open again.
    domain.consent_respond(
        nomination=nomination, agree=True, remove_data=False, now=timezone.now(), by=None or _office()
    )
    assert Client().get(link).status_code == 302


def _office():
    from tests.factories import UserFactory

    return UserFactory(username="office", is_superuser=True, is_staff=True)
