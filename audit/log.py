"""Writing to the audit log: one call, from the domain functions where things happen."""

import logging

from .models import AuditEvent

logger = logging.getLogger(__name__)
Action = AuditEvent.Action


def label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.email or user.get_username()


def record(action: str, summary: str, *, actor=None, subject: str = "", data: dict | None = None) -> AuditEvent:
    """Append one event. Inside the caller's transaction, so an action that rolls back leaves no record."""
    real = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        action=action,
        summary=summary[:2000],
        actor_id=real.pk if real else None,
        actor_label=label(actor) if real else "",
        subject=subject[:200],
        data=data or {},
    )
