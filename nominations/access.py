"""Which nominations a visitor may reach: only those opened through their own secret link.

Opening a link (or starting a nomination) records the nomination in the
visitor's session; every nominator view asks here, and anything else is a 404.
"""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from .models import Nomination

SESSION_KEY = "plaudit_nominations"


def grant(request: HttpRequest, nomination: Nomination) -> None:
    """Let this browser session reach the nomination (after its link was opened or it was started)."""
    allowed = [pk for pk in request.session.get(SESSION_KEY, []) if pk != nomination.pk]
    # The most recent few are enough; an old session cannot collect a long list.
    request.session[SESSION_KEY] = [nomination.pk, *allowed][:20]
    request.session.cycle_key()


def nominator_nominations(request: HttpRequest) -> QuerySet[Nomination]:
    return Nomination.objects.filter(pk__in=request.session.get(SESSION_KEY, []))


def nomination_for_nominator(request: HttpRequest, reference: str) -> Nomination:
    nomination = nominator_nominations(request).select_related("award__programme").filter(reference=reference).first()
    if nomination is None:
        raise Http404("No nomination here")
    return nomination
