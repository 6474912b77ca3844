"""Panels: inviting judges and chairs, and reminding judges who are behind."""

from django.contrib.auth import get_user_model
from django.db import transaction

from plaudit import addresses

from .accounts import send_sign_in_link
from .models import PanelMember, Stage
from .tasks import send_reminder


def judge_invite(*, stage: Stage, name: str, email: str, role: str, group=None) -> PanelMember:
    """Give a person a seat on a stage's panel, creating their account if need be, and email them a link.

    Accounts are personal (one per email address); an existing account is reused, never shared.
    """
    User = get_user_model()
    email = addresses.normalise(email)
    first, _, last = name.strip().partition(" ")
    with transaction.atomic():
        user = addresses.accounts(email).order_by("pk").first()
        if user is None:
            user = User(username=email, email=email, first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
        seat, _ = PanelMember.objects.update_or_create(stage=stage, user=user, defaults={"role": role, "group": group})
    transaction.on_commit(lambda: send_sign_in_link(user, invitation=True))
    return seat


def reminders_send(*, stage: Stage, members: list[PanelMember], now) -> int:
    """Queue a reminder email to each judge named, saying only how much of their own work is left.

    The email names no entry, so it cannot reveal anyone's conflicts; each goes to one judge alone.
    """
    with transaction.atomic():
        for member in members:
            member.reminded_at = now
            member.save(update_fields=["reminded_at"])
            transaction.on_commit(lambda member=member: send_reminder.enqueue(stage.pk, member.user_id))
    return len(members)
