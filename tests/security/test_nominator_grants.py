"""A nominator's browser session reaches exactly the nominations whose links it opened (the
most recent twenty), by reference, whatever else it asks for: checked after every step of any
sequence of links opened and references asked."""

from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.http import Http404
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nominations import access
from tests.factories import AwardFactory, NominationFactory

NOMINATIONS = 24  # more than a session keeps, so the oldest grants fall away
KEPT = 20

# What a visitor can put in the URL where a reference goes.
hostile = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["{{ reference }}", "<script>", "TST-0001\x00", "' OR 1=1 --", "%s", "$1", "x" * 500]),
)


@pytest.fixture
def nominations(db):
    award = AwardFactory()
    return [NominationFactory(award=award) for _ in range(NOMINATIONS)]


def _request():
    request = RequestFactory().get("/")
    request.session = import_module(django_settings.SESSION_ENGINE).SessionStore()
    return request


def _reaches(request, reference) -> bool:
    try:
        access.nomination_for_nominator(request, reference)
    except Http404:
        return False
    return True


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("open"), st.integers(0, NOMINATIONS - 1)),
            # Several links opened one after another (so sessions often pass the twenty kept).
            st.tuples(st.just("open several"), st.lists(st.integers(0, NOMINATIONS - 1), min_size=2, max_size=30)),
            st.tuples(st.just("ask"), hostile),
        ),
        max_size=40,
    )
)
def test_a_session_reaches_exactly_the_nominations_it_was_granted(nominations, steps):
    request, granted = _request(), []  # the model: most recent first, each once
    for kind, value in steps:
        if kind.startswith("open"):
            for i in [value] if kind == "open" else value:
                access.grant(request, nominations[i])
                granted = [i, *(j for j in granted if j != i)][:KEPT]
        else:
            known = {n.reference for i, n in enumerate(nominations) if i in granted}
            assert _reaches(request, value) == (value in known)
        for i, nomination in enumerate(nominations):
            assert _reaches(request, nomination.reference) == (i in granted), (i, granted)
        assert set(access.nominator_nominations(request).values_list("pk", flat=True)) == {
            nominations[i].pk for i in granted
        }
