"""The schedule sends reminders by itself: each once, none after its deadline, none to someone who
asked for no more, failures logged; and two workers at once send nothing twice."""

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from judging.models import Entry, PanelMember, Scorecard, Stage
from nominations import reminders
from nominations.models import Nomination
from plaudit import schedule
from plaudit.models import Delivery
from tests.factories import NominationFactory, UserFactory, kindness_award

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


class RefusingBackend(EmailBackend):
    """A mail server that refuses one address, as a bounce would."""

    def send_messages(self, messages):
        if any("bounce@" in address for message in messages for address in message.to):
            raise OSError("550 No such user")
        return super().send_messages(messages)


@pytest.fixture
def award():
    """Open now, closing in 10 days (reminders 7 and 1 days before)."""
    now = timezone.now()
    return kindness_award(nominations_open=now - 20 * DAY, nominations_close=now + 10 * DAY)


def draft(award, email="ada@example.org", saved=None):
    return NominationFactory(
        award=award,
        reference=f"KA-{Nomination.objects.count():04d}",
        nominator_email=email,
        last_saved_at=saved or timezone.now() - 2 * DAY,
    )


def drafts_mail(to="ada@example.org"):
    return [m for m in mail.outbox if "is not submitted yet" in m.subject and m.to == [to]]


# Drafts near their deadline.


def test_a_draft_holder_is_reminded_once_in_each_window_and_never_after_the_deadline(award):
    nomination = draft(award)
    closes = award.closes_at

    schedule.run_once(closes - 9 * DAY)
    assert drafts_mail() == []  # more than a week left
    schedule.run_once(closes - 6 * DAY)
    schedule.run_once(closes - 5 * DAY)
    assert len(drafts_mail()) == 1  # the week's reminder, once
    schedule.run_once(closes - DAY / 2)
    schedule.run_once(closes - DAY / 3)
    assert len(drafts_mail()) == 2  # and the day's
    schedule.run_once(closes + DAY)
    assert len(drafts_mail()) == 2  # nothing after the deadline

    body = drafts_mail()[0].body
    assert nomination.reference in body and "/mine/" in body and "/reminders/stop/" in body
    assert set(Delivery.objects.values_list("key", "status")) == {
        (f"draft-deadline:{nomination.pk}:7", "sent"),
        (f"draft-deadline:{nomination.pk}:1", "sent"),
    }
    assert AuditEvent.objects.filter(action="reminder", subject=f"nomination:{nomination.pk}").count() == 2
    assert "ada@example.org" not in " ".join(AuditEvent.objects.values_list("summary", flat=True))


def test_a_draft_started_late_gets_only_the_nearest_reminder(award):
    draft(award)

    schedule.run_once(award.closes_at - DAY / 2)

    assert len(drafts_mail()) == 1
    assert Delivery.objects.get().key.endswith(":1")


def test_no_reminder_for_a_draft_saved_today_submitted_or_in_a_programme_not_published():
    now = timezone.now()
    soon = kindness_award(nominations_open=now - 20 * DAY, nominations_close=now + 3 * DAY)
    draft(soon, saved=now - DAY / 2)
    submitted = draft(soon, email="sub@example.org")
    Nomination.objects.filter(pk=submitted.pk).update(status="submitted")
    closed = kindness_award(nominations_open=now - 20 * DAY, nominations_close=now + 3 * DAY, status="closed")
    draft(closed, email="closed@example.org")
    quiet = draft(soon, email="quiet@example.org")

    schedule.run_once(now)

    assert [m.to for m in mail.outbox] == [["quiet@example.org"]]  # the one that should be reminded
    assert Delivery.objects.get().key == f"draft-deadline:{quiet.pk}:7"


def test_a_nominator_who_stops_reminders_gets_none(client, award):
    draft(award)
    token = reminders.stop_token("ADA@example.org")

    page = client.get(reverse("nominations:reminders_stop", args=[token]))
    assert page.status_code == 200 and b"Stop reminders" in page.content
    assert Nomination.objects.get().reminders_stopped_at is None  # a link followed changes nothing
    done = client.post(reverse("nominations:reminders_stop", args=[token]))
    assert b"We will not send you any more reminders" in done.content

    schedule.run_once(award.closes_at - 3 * DAY)
    assert mail.outbox == []
    assert client.get(reverse("nominations:reminders_stop", args=["nonsense"])).status_code == 404


def test_a_bounced_reminder_is_logged_as_failed_and_not_sent_again(settings, award):
    settings.EMAIL_BACKEND = "tests.plaudit.test_schedule.RefusingBackend"
    draft(award, email="bounce@example.org")
    draft(award, email="ada@example.org")

    run = schedule.run_once(award.closes_at - 3 * DAY)

    assert (run.sent, run.failed) == (1, 1)
    failed = Delivery.objects.get(to="bounce@example.org")
    assert failed.status == "failed" and "550" in failed.error
    assert schedule.run_once(award.closes_at - 2 * DAY).failed == 0  # logged once, not retried


# Nominees whose answer is awaited.


def test_a_nominee_is_reminded_at_most_twice_with_a_new_link_each_time(client, award):
    now = timezone.now()
    nomination = NominationFactory(
        award=award,
        reference="KA-0100",
        status="submitted",
        submitted_at=now,
        consent_status="pending",
        nominee_email="grace@example.org",
        consent_token_hash="old",
    )

    schedule.run_once(now + 6 * DAY)
    assert mail.outbox == []
    for days in (7, 8, 14, 15, 30):
        schedule.run_once(now + days * DAY)
    sent = [m for m in mail.outbox if m.to == ["grace@example.org"]]
    assert len(sent) == 2 and all(m.subject.startswith("Reminder: you have been nominated") for m in sent)
    assert "the earlier one no longer works" in sent[0].body
    link = next(line for line in sent[-1].body.splitlines() if "/consent/" in line).strip()
    assert client.get(link.replace("http://127.0.0.1:8000", "")).status_code == 302  # the newest link works
    Nomination.objects.filter(pk=nomination.pk).update(consent_status="confirmed")
    schedule.run_once(now + 40 * DAY)
    assert len([m for m in mail.outbox if m.to == ["grace@example.org"]]) == 2


def test_no_consent_reminder_once_judging_has_ended(award):
    now = timezone.now()
    Stage.objects.create(award=award, name="Shortlisting", closes_at=now + 5 * DAY)
    NominationFactory(
        award=award, reference="KA-0101", status="submitted", submitted_at=now, consent_status="pending",
        nominee_email="grace@example.org",
    )  # fmt: skip

    schedule.run_once(now + 8 * DAY)

    assert mail.outbox == []


# Judges with work left.


@pytest.fixture
def stage(award):
    now = timezone.now()
    stage = Stage.objects.create(award=award, name="Shortlisting", opens_at=now - DAY, closes_at=now + 10 * DAY)
    judges = [UserFactory(username=f"judge{i}", email=f"judge{i}@example.org") for i in range(2)]
    entry = Entry.objects.create(
        stage=stage, nomination=NominationFactory(award=award, reference="KA-0200", status="submitted")
    )
    for judge in judges:
        PanelMember.objects.create(stage=stage, user=judge)
        entry.assignments.create(judge=judge)
    Scorecard.objects.create(entry=entry, judge=judges[0], status="submitted", submitted_at=now)
    return stage


def test_judges_with_work_left_are_reminded_before_the_stage_closes_once_each(stage):
    closes = stage.closes_at

    schedule.run_once(closes - 5 * DAY)
    assert mail.outbox == []
    schedule.run_once(closes - 2 * DAY)
    schedule.run_once(closes - DAY / 2)
    schedule.run_once(closes - DAY / 3)
    schedule.run_once(closes + DAY)

    to = [m.to for m in mail.outbox]
    assert to == [["judge1@example.org"], ["judge1@example.org"]]  # judge0 has finished
    assert "KA-0200" not in mail.outbox[0].body  # counts, never entries
    # The chair's progress page says when the judge was last reminded, by the schedule too.
    reminded = dict(PanelMember.objects.filter(stage=stage).values_list("user__username", "reminded_at"))
    assert reminded == {"judge0": None, "judge1": closes - DAY / 2}


def test_the_command_runs_the_schedule_once(award):
    draft(award)
    out = StringIO()

    call_command("run_schedule", "--once", stdout=out)

    assert "Schedule: 0 sent" in out.getvalue()  # ten days left: nothing due yet


# Two workers at once.


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_schedule_at_once_send_each_message_once(award):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proved on PostgreSQL")
    for i in range(20):
        draft(award, email=f"n{i}@example.org")
    moment = award.closes_at - 3 * DAY
    start = threading.Barrier(2)
    runs = []

    def worker():
        try:
            start.wait()
            runs.append(schedule.run_once(moment))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(run.sent for run in runs) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"n{i}@example.org" for i in range(20))
    assert Delivery.objects.count() == 20


def test_the_end_of_retention_removes_the_addresses_in_the_delivery_log(award):
    from privacy.retention import anonymise_programme, subject_access

    draft(award)
    schedule.run_once(award.closes_at - 3 * DAY)
    assert subject_access("ada@example.org")["reminders"][0]["status"] == "sent"

    anonymise_programme(award.programme)

    assert list(Delivery.objects.values_list("to", "subject")) == [("", "")]
