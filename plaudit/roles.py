"""Who is the awards office.

`is_office(user)` is the whole site's office: a superuser, or a command run by the office
(`COMMAND_LINE` stands for management commands, which act without an account). Office roles
below superuser are per programme (awards.OfficeRole): a programme manager does everything for
their programmes, an office viewer reads them; awards.access asks those (`is_office_for`,
`manages`). The admin's model permissions for both come from two Django groups, kept here.
"""

from django.contrib.auth.models import Group, Permission


class _CommandLine:
    """The awards office at the command line (`manage.py export_results`): no account, no conflicts."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True

    def __str__(self):
        return "the awards office (command line)"


COMMAND_LINE = _CommandLine()


def is_office(user) -> bool:
    """The whole site's awards office: a superuser, or a command run by the office."""
    return bool(
        user is COMMAND_LINE or (user is not None and user.is_authenticated and user.is_active and user.is_superuser)
    )


MANAGERS = "Programme managers"
VIEWERS = "Office viewers"
# The models the office works with in the admin, by app. Site pages, the audit log, accounts and
# system tables stay with superusers.
OFFICE_MODELS = {
    "awards": ["programme", "award", "section", "question", "criterion"],
    "nominations": ["nomination", "dossier", "endorsement"],
    "judging": ["stage", "judgegroup", "panelmember", "entry", "conflict", "assignment"],
}


def ensure_office_groups(**kwargs) -> None:
    """After every migrate: the two groups exist with their model permissions (idempotent; runs
    after each app's migrations, so the last run finds every app's permissions)."""
    wanted = {MANAGERS: ("add", "change", "delete", "view"), VIEWERS: ("view",)}
    for name, actions in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for models in OFFICE_MODELS.values() for model in models for action in actions]
        permissions = Permission.objects.filter(content_type__app_label__in=OFFICE_MODELS, codename__in=codenames)
        group.permissions.set(permissions)
