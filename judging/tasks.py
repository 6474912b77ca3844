"""Background work for judging, through Django's tasks queue."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from plaudit.emails import build, links_in

from .models import Stage
from .selectors import judge_progress


@task()
def send_reminder(stage_id: int, judge_id: int):
    """Remind one judge of what is left for them in a stage: counts and the date, never entries or conflicts."""
    stage = Stage.objects.select_related("award__programme").get(pk=stage_id)
    judge = get_user_model().objects.get(pk=judge_id)
    progress = judge_progress(stage).get(judge_id)
    if progress is None or progress.remaining == 0:
        return  # finished since the reminder was asked for: nothing to say
    reminder_email(stage, judge, progress).send()


def reminder_email(stage: Stage, judge, progress=None):
    """The reminder to one judge: how many of their entries are left and when they are due."""
    progress = progress or judge_progress(stage).get(judge.pk)
    context = {
        "judge": judge,
        "stage": stage,
        "progress": progress,
        "closes_at": stage.closes_at.astimezone(stage.award.programme.zone) if stage.closes_at else None,
        "url": settings.SITE_URL + reverse("judging:queue", args=[stage.pk]),
        "sign_in_url": settings.SITE_URL + reverse("judging:sign_in"),
    }
    body = render_to_string("judging/email/reminder.txt", context)
    return build(
        subject=f"Reminder: {stage.award.title}, {stage.name}",
        text=body,
        to=judge.email,
        programme=stage.award.programme,
        links=links_in(context),
    )
