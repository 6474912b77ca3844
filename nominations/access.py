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


def _granted(request: HttpRequest) -> list[int]:
    """The nominations this browser session may reach (see grant)."""
    return request.session.get(SESSION_KEY, [])


def nominator_nominations(request: HttpRequest) -> QuerySet[Nomination]:
    return Nomination.objects.filter(pk__in=_granted(request))


def _by_reference(reference: str) -> QuerySet[Nomination]:
    return Nomination.objects.filter(reference=reference).select_related("award__programme").order_by()


def nomination_for_nominator(request: HttpRequest, reference: str) -> Nomination:
    """The nomination with this reference (with its award and programme), if this browser
    session may reach it (see grant); 404 otherwise, whether or not it exists."""
    granted = _granted(request)
    # No reference is longer, or holds a NUL (which PostgreSQL refuses in text).
    if not granted or len(reference) > Nomination._meta.get_field("reference").max_length or "\x00" in reference:
        raise Http404("No nomination here")
    found = list(_by_reference(reference))
    if not found or found[0].pk not in granted:
        raise Http404("No nomination here")
    return found[0]
