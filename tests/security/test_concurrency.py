"""Concurrency against PostgreSQL (skipped on SQLite, which serialises every write anyway):
two tabs saving one scorecard, two judges saving theirs at once, fifty submissions of one
draft (a double click, many times over), and the deadline passing mid-request."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from judging import scorecards
from judging.models import Score, Scorecard
from nominations import domain
from nominations.models import Nomination

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrency is proved on PostgreSQL"),
]


def run_together(count, work):
    """Start `count` threads at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # collected, and checked by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_tabs_saving_one_scorecard_never_lose_an_update(panel):
    entry, bob, now = panel.entries[1], panel.people["bob"], timezone.now()

    def save(index):
        value = str(index + 2)
        return scorecards.scorecard_save(
            entry=entry,
            judge=bob,
            scores={"impact": scorecards.ScoreInput(value)},
            overall_comment=f"tab {index}",
            version=0,
            now=now,
        )

    outcomes = run_together(2, save)
    saved = [o for o in outcomes if isinstance(o, Scorecard)]
    stale = [o for o in outcomes if isinstance(o, scorecards.StaleScorecard)]
    assert len(saved) == 1 and len(stale) == 1, outcomes
    card = Scorecard.objects.get(entry=entry, judge=bob)
    assert card.version == 1 and card.overall_comment == saved[0].overall_comment
    assert Score.objects.filter(scorecard=card).count() == 2  # one row per criterion, no duplicates


def test_two_judges_saving_at_once_both_succeed(panel):
    entry, now = panel.entries[1], timezone.now()
    judges = [panel.people["bob"], panel.people["alice"]]

    def save(index):
        return scorecards.scorecard_save(
            entry=entry,
            judge=judges[index],
            scores={"impact": scorecards.ScoreInput("3")},
            overall_comment="",
            version=0,
            now=now,
            submit=False,
        )

    outcomes = run_together(2, save)
    assert all(isinstance(o, Scorecard) for o in outcomes), outcomes
    assert Scorecard.objects.filter(entry=entry).count() == 2


def _draft():
    """A complete draft: one of the demo's sample nominations (which carry valid drafts), set back to draft."""
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    nomination = Nomination.objects.filter(award__slug="excellence-in-patient-experience").order_by("pk").first()
    Nomination.objects.filter(pk=nomination.pk).update(status="draft", submitted_at=None)
    return Nomination.objects.get(pk=nomination.pk)


def test_fifty_submissions_of_one_draft_submit_it_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    nomination = _draft()
    now = timezone.now()
    mail.outbox = []

    def submit(index):
        return domain.nomination_submit(nomination=Nomination.objects.get(pk=nomination.pk), now=now)

    outcomes = run_together(50, submit)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors[:3]
    nomination.refresh_from_db()
    assert nomination.status == "submitted" and nomination.submitted_at == now
    receipts = [m for m in mail.outbox if m.subject.startswith("Nomination received")]
    assert len(receipts) == 1, [m.subject for m in mail.outbox]
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(subject=f"nomination:{nomination.pk}", action="submission").count() == 1


def test_the_deadline_passing_mid_request_refuses_whole(settings):
    nomination = _draft()
    award = nomination.award
    programme = award.programme
    # The request began a second after the deadline: refused, nothing written, whatever the order.
    programme.nominations_close = timezone.now() - dt.timedelta(seconds=1)
    programme.save()
    award.nominations_close = None
    award.save()

    def submit(index):
        return domain.nomination_submit(nomination=Nomination.objects.get(pk=nomination.pk), now=timezone.now())

    outcomes = run_together(5, submit)
    assert all(isinstance(o, domain.NominationClosed) for o in outcomes), outcomes
    nomination.refresh_from_db()
    assert nomination.status == "draft" and nomination.submitted_at is None
    assert connection.vendor == "postgresql"
