"""Background work for judging, through Django's tasks queue."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from plaudit.text import one_line

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
    context = {
        "judge": judge,
        "stage": stage,
        "progress": progress,
        "closes_at": stage.closes_at.astimezone(stage.award.programme.zone) if stage.closes_at else None,
        "url": settings.SITE_URL + reverse("judging:queue", args=[stage.pk]),
        "sign_in_url": settings.SITE_URL + reverse("judging:sign_in"),
    }
    body = render_to_string("judging/email/reminder.txt", context)
    send_mail(one_line(f"Reminder: {stage.award.title}, {stage.name}"), body, None, [judge.email])


@task()
def send_outcome_email(email_id: int):
    """Send one logged outcome email; the log says sent or failed (with why), never silently lost."""
    from django.core.mail import EmailMessage
    from django.utils import timezone

    from .models import OutcomeEmail

    email = OutcomeEmail.objects.get(pk=email_id)
    if email.status == OutcomeEmail.Status.SENT:
        return
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
    except Exception as error:  # the log shows the failure; queuing the outcome again retries it
        OutcomeEmail.objects.filter(pk=email.pk).update(status=OutcomeEmail.Status.FAILED, error=str(error)[:300])
        return
    OutcomeEmail.objects.filter(pk=email.pk).update(status=OutcomeEmail.Status.SENT, sent_at=timezone.now(), error="")


@task()
def build_shortlist_pack(pack_id: int):
    """Build a shortlist PDF in the background, saying how far it has got; failed, never stuck."""
    from .shortlist import pack_build

    pack_build(pack_id)
