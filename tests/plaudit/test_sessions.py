"""Sessions are Django's own store; a session cookie of any other shape than Django's keys is
dropped before the store reads it (plaudit.sessions), so no cookie a browser or an attacker sends
makes a request fail, on either database."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory

# What a cookie may hold: keys of Django's shape (that no session has), other lengths, any
# characters (NUL, which PostgreSQL refuses in text; SQL and placeholder text), the column's
# length and beyond.
COOKIES = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=30, max_size=34),
    # What an HTTP header can carry (Latin-1).
    st.text(alphabet=st.characters(max_codepoint=255), min_size=0, max_size=60),
    st.sampled_from(["%s", "' OR '1'='1", "x" * 40, "x" * 41, "abcdefgh\x00", "a" * 31 + "\x00"]),
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cookie=COOKIES)
def test_any_session_cookie_is_a_request_without_a_session(client, cookie):
    client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    response = client.get(reverse("judging:home"))
    # Signed out: sent to sign in, not an error.
    assert response.status_code == 302, (cookie, response.status_code)


@pytest.mark.django_db
def test_a_session_django_made_is_read(client):
    assert django_settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    )
    judge = UserFactory()
    client.force_login(judge)
    response = client.get(reverse("judging:home"))
    assert response.status_code == 200 and response.wsgi_request.user == judge


@pytest.mark.django_db
def test_a_nul_in_a_quoted_cookie_does_not_reach_the_database(client):
    # Django unquotes octal escapes in a quoted cookie value: this header carries a NUL.
    response = client.get(
        reverse("judging:home"), HTTP_COOKIE=f'{django_settings.SESSION_COOKIE_NAME}="abcdefgh\\000x"'
    )
    assert response.status_code == 302
