"""The schedule's reminders to judges (plaudit.schedule): a judge with scorecards left in a stage
is reminded the programme's days before it closes (3 and 1 by default), once each, and never
after it closes. The email names no entry (so it tells nobody another judge's conflicts); the
chair's progress page shows when, as for the reminders chairs send."""

import datetime as dt

from django.contrib.auth import get_user_model

from awards.models import Status
from nominations.reminders import due_day, noted
from plaudit.schedule import Message, job

from .models import PanelMember, Stage
from .selectors import judge_progress
from .tasks import reminder_email


@job
def judges_behind(now: dt.datetime):
    stages = (
        Stage.objects.filter(closes_at__gt=now, award__programme__status=Status.PUBLISHED)
        .exclude(opens_at__gt=now)
        .select_related("award__programme")
    )
    for stage in stages:
        day = due_day(list(stage.award.programme.judge_reminder_days or []), stage.closes_at - now)
        if day is None:
            continue
        behind = [row for row in judge_progress(stage).values() if row.remaining and row.member.user.email]
        for row in behind:
            user = row.member.user
            yield Message(
                key=f"judge-behind:{stage.pk}:{user.pk}:{day}",
                kind="judge_behind",
                to=user.email,
                subject=f"Reminder: {stage.award.title}, {stage.name}",
                build=lambda s=stage, u=user.pk: reminder_email(s, get_user_model().objects.get(pk=u)),
                programme_ref=stage.award.programme_id,
                on_sent=_sent(
                    row.member.pk, now, f"reminder to a judge of {stage} ({day} days before it closes)", stage
                ),
            )


def _sent(member_id: int, now, summary: str, stage: Stage):
    """Once it has gone: audited, and the chair's progress page says when the judge was last reminded."""
    note = noted(summary, f"stage:{stage.pk}")

    def done():
        PanelMember.objects.filter(pk=member_id).update(reminded_at=now)
        note()

    return done
