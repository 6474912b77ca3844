"""Background work for results, through Django's tasks queue: outcome emails and shortlist packs."""

from django.utils import timezone
from django_tasks import task

from judging.models import OutcomeEmail
from plaudit.emails import build

from .shortlist import pack_build


@task()
def send_outcome_email(email_id: int):
    """Send one logged outcome email; the log says sent or failed (with why), never silently lost."""
    email = OutcomeEmail.objects.select_related("stage__award__programme").get(pk=email_id)
    if email.status == OutcomeEmail.Status.SENT:
        return
    try:
        build(subject=email.subject, text=email.body, to=email.to, programme=email.stage.award.programme).send()
    except Exception as error:  # the log shows the failure; queuing the outcome again retries it
        OutcomeEmail.objects.filter(pk=email.pk).update(status=OutcomeEmail.Status.FAILED, error=str(error)[:300])
        return
    OutcomeEmail.objects.filter(pk=email.pk).update(status=OutcomeEmail.Status.SENT, sent_at=timezone.now(), error="")


@task()
def build_shortlist_pack(pack_id: int):
    """Build a shortlist PDF in the background, saying how far it has got; failed, never stuck."""
    pack_build(pack_id)


@task()
def send_office_message(message_id: int):
    """Send a confirmed message from the awards office: each recipient once, each logged."""
    from .messages import message_send

    message_send(message_id)
