"""Sign-ins (and failures) and every change made through the Django admin go into the audit log."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .log import Action, record


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    how = "emailed link" if request is not None and request.path.startswith("/sign-in/link") else "password"
    record(Action.SIGN_IN, f"Signed in by {how}", actor=user, subject=f"user:{user.pk}")


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # The username tried, never the password (Django already scrubs it from `credentials`).
    tried = str(credentials.get("username", ""))[:150]
    record(Action.SIGN_IN_FAILED, f"Sign-in failed for {tried or 'a sign-in link'}", subject="sign-in")


@receiver(post_save, sender=LogEntry)
def admin_change(sender, instance: LogEntry, created, **kwargs):
    if not created:
        return
    verb = {1: "Added", 2: "Changed", 3: "Deleted"}.get(instance.action_flag, "Changed")
    model = instance.content_type.model if instance.content_type_id else "object"
    message = instance.get_change_message() if instance.change_message else ""
    record(
        Action.CONFIGURATION,
        f"{verb} {model} “{instance.object_repr}”" + (f": {message}" if message else ""),
        actor=instance.user,
        subject=f"{model}:{instance.object_id}",
    )
