"""The schedule: reminders Plaudit sends by itself, at the right time, each exactly once.

Apps register jobs (`@job`): a job looks at the moment given and yields the messages due then,
each with a key that names it. `run_once` claims each message in the delivery log (a unique
key: a second worker running at the same moment finds it claimed and moves on), sends it, and
records whether it went. It is idempotent: run it as often as you like, from the task worker
(every few minutes) or from cron (`manage.py run_schedule --once`).
"""

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Delivery

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Message:
    """A message due now: its key (unique for ever), kind, recipient, subject, and how to build
    the email (called only once the message is claimed; it may write, such as a new link)."""

    key: str
    kind: str
    to: str
    subject: str
    build: Callable[[], object]
    on_sent: Callable[[], None] | None = None  # what the job records once it has gone (the audit log)
    programme_ref: int | None = None  # the programme it is about (retention removes the log with it)


Job = Callable[[dt.datetime], Iterable[Message]]
_jobs: list[Job] = []


def job(fn: Job) -> Job:
    """Register a job of the schedule (apps register theirs when they load)."""
    if fn not in _jobs:
        _jobs.append(fn)
    return fn


@dataclasses.dataclass
class Run:
    sent: int = 0
    failed: int = 0
    already: int = 0


def claim(message: Message) -> Delivery | None:
    """The message's row in the delivery log, or None if another run has it already."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                key=message.key[:200],
                kind=message.kind,
                to=message.to,
                subject=message.subject[:300],
                programme_ref=message.programme_ref,
            )
    except IntegrityError:
        return None


def deliver(message: Message) -> str:
    """Send one message at most once: "sent", "failed" (logged with why, not retried) or
    "already" (the delivery log has it: sent before, or being sent by another worker now)."""
    if Delivery.objects.filter(key=message.key[:200]).exists():
        return "already"
    delivery = claim(message)
    if delivery is None:
        return "already"
    try:
        message.build().send()
    except Exception as error:  # a refused address, a mail server down: logged, not retried
        logger.warning("Message %s to %s failed: %s", message.kind, message.to, error)
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error=str(error)[:2000])
        return "failed"
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    if message.on_sent is not None:
        message.on_sent()
    return "sent"


def run_once(now: dt.datetime | None = None) -> Run:
    """Send every message due at `now` that has not been sent: each job, each message, once."""
    now = now or timezone.now()
    run = Run()
    for fn in list(_jobs):
        for message in fn(now):
            outcome = deliver(message)
            setattr(run, outcome, getattr(run, outcome) + 1)
    return run
