"""Office roles below superuser: granting and removing them, and the Django groups that follow.

The groups (plaudit.roles: Programme managers, Office viewers) give the admin's model
permissions; which programmes a person may touch is decided per object by awards.access.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from audit import log
from plaudit.roles import MANAGERS, VIEWERS

from .models import OfficeRole, Programme


def sync_groups(user) -> None:
    """A person is in the managers' group while they manage any programme, in the viewers' group
    while they view any, and staff (may sign in to the admin) once they hold any role."""
    roles = set(OfficeRole.objects.filter(user=user).values_list("role", flat=True))
    for name, role in ((MANAGERS, OfficeRole.Role.MANAGER), (VIEWERS, OfficeRole.Role.VIEWER)):
        group, _ = Group.objects.get_or_create(name=name)
        if role in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    if roles and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_grant(programme: Programme, user, role: str, *, by=None) -> OfficeRole:
    """Make someone a programme manager or office viewer of one programme (replacing another role there)."""
    office_role, _ = OfficeRole.objects.update_or_create(programme=programme, user=user, defaults={"role": role})
    sync_groups(user)
    log.record(
        log.Action.CONFIGURATION,
        f"{user.get_username()} made {office_role.get_role_display().lower()} of {programme.name}",
        actor=by,
        subject=f"programme:{programme.pk}",
    )
    return office_role


@transaction.atomic
def role_remove(programme: Programme, user, *, by=None) -> None:
    """Take someone's office role on one programme away."""
    OfficeRole.objects.filter(programme=programme, user=user).delete()
    sync_groups(user)
    log.record(
        log.Action.CONFIGURATION,
        f"{user.get_username()} no longer in the awards office of {programme.name}",
        actor=by,
        subject=f"programme:{programme.pk}",
    )
