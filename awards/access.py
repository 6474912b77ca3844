"""What each user may see of programmes and awards, as querysets.

Every view asks here; anything not in these querysets answers 404.
"""

from django.db.models import Prefetch, QuerySet

from .models import Award, Programme, Question, Section, Status

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
