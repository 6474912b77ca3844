"""What each user may see of programmes and awards, as querysets.

Every view asks here; anything not in these querysets answers 404.
"""

from django.db.models import Prefetch, QuerySet

from plaudit.roles import is_office

from .models import Award, OfficeRole, Programme, Question, Section, Status

SHOWN = [Status.PUBLISHED, Status.CLOSED]


def public_programmes(now=None) -> QuerySet[Programme]:
    """Published or closed programmes (from their scheduled moment) with at least one published or
    closed award: their pages are public. Drafts are not, to anyone, at the public address."""
    return Programme.objects.filter(
        Programme.public_q(now), pk__in=Award.objects.filter(active=True, status__in=SHOWN).values("programme")
    )


def public_awards(programme: Programme) -> QuerySet[Award]:
    """A public programme's published and closed awards; a draft award is the office's alone."""
    return programme.awards.filter(active=True, status__in=SHOWN).order_by("position", "id")


def award_with_questions(queryset: QuerySet[Award]) -> QuerySet[Award]:
    """Prefetch an award's sections and active questions in form order."""
    return queryset.select_related("programme").prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("position", "id").prefetch_related(
                Prefetch("questions", queryset=Question.objects.filter(active=True).order_by("position", "id"))
            ),
        ),
        "criteria",
    )


# The awards office, per programme. Superusers (and commands) are the office of every programme;
# an OfficeRole makes someone a programme manager or an office viewer of one.


def office_programmes(user) -> QuerySet[Programme]:
    """The programmes a person may read as the awards office (managers and viewers)."""
    if is_office(user):
        return Programme.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return Programme.objects.none()
    return Programme.objects.filter(office_roles__user=user)


def managed_programmes(user) -> QuerySet[Programme]:
    """The programmes a person may change as the awards office (programme managers)."""
    if is_office(user):
        return Programme.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return Programme.objects.none()
    return Programme.objects.filter(office_roles__user=user, office_roles__role=OfficeRole.Role.MANAGER)


def is_office_for(user, programme: Programme | int) -> bool:
    """Whether the person is the awards office of this programme, to read (manager or viewer)."""
    pk = programme if isinstance(programme, int) else programme.pk
    return is_office(user) or office_programmes(user).filter(pk=pk).exists()


def manages(user, programme: Programme | int) -> bool:
    """Whether the person may change this programme as the awards office (a programme manager)."""
    pk = programme if isinstance(programme, int) else programme.pk
    return is_office(user) or managed_programmes(user).filter(pk=pk).exists()


# The one scoping rule for anything a request names in the office: every id that arrives (a form's
# choice, an admin inline's, an action's selection, a filter's, an autocomplete's) is looked up in
# a queryset passed through here, never in a model's default manager.


def programme_path(model) -> str | None:
    """The lookup from a model's rows to their programme ("" for Programme itself), or None for a
    model that belongs to no one programme (people, the audit log). Each model says its own."""
    return getattr(model, "programme_path", None)


def in_programmes(queryset: QuerySet, user, *, change: bool = False) -> QuerySet:
    """The rows of `queryset` in the programmes this person is the office of: to read (managers and
    viewers), or with change=True to change or attach to something (managers). A model of no
    programme is refused outright, so a new model cannot slip through unscoped."""
    path = programme_path(queryset.model)
    if path is None:
        raise TypeError(f"{queryset.model.__name__} belongs to no programme; it cannot be scoped by one")
    if is_office(user):
        return queryset
    programmes = (managed_programmes if change else office_programmes)(user).values("pk")
    return queryset.filter(**{f"{path}__in" if path else "pk__in": programmes})
