"""What each user may see of programmes and awards, as querysets.

Every view asks here; anything not in these querysets answers 404.
"""

from django.db.models import Prefetch, QuerySet

from .models import Award, Programme, Question, Section


def public_programmes() -> QuerySet[Programme]:
    """Programmes with at least one active award: their pages are public."""
    return Programme.objects.filter(awards__active=True).distinct()


def public_awards(programme: Programme) -> QuerySet[Award]:
    return programme.awards.filter(active=True).order_by("position", "id")


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
