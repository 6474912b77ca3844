"""Who is the awards office: one named rule, asked by every app's access module and admin.

Today the office is the site's superusers (office roles below superuser come with the office
console). Management commands act as the office without an account: `COMMAND_LINE` stands for
them, and is_office says yes to it.
"""


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
    """The awards office: a superuser, or a command run by the office."""
    return bool(user is COMMAND_LINE or (user.is_authenticated and user.is_active and user.is_superuser))
