"""Sessions are read by a kept query (plaudit.sessions) and answer exactly as Django's own
database store: the same session, or none, for any sessions held and any key a cookie carries."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plaudit.sessions import KEY_LENGTH, SessionStore, session_by_key
from tests.factories import UserFactory

# Keys as Django makes them, and what else a cookie may hold: other lengths, any characters
# (NUL, which PostgreSQL refuses in text; SQL and placeholder text), beyond the column's length.
KEYS = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=40),
    st.text(min_size=0, max_size=60),
    st.sampled_from(["%s", "' OR '1'='1", "x" * KEY_LENGTH, "x" * (KEY_LENGTH + 1), "abcdefgh\x00"]),
)


def _stock(key):
    """What Django's own database store reads for a key, and whether it keeps the key."""
    store = db.SessionStore(key)
    data = store.load()
    return data, store.session_key


def _ours(key):
    store = SessionStore(key)
    data = store.load()
    return data, store.session_key


def _safe_for_the_database(key: str) -> bool:
    # Django's store sends any key to the database, where PostgreSQL refuses a NUL and the column
    # holds 40 characters: those are compared with ours on SQLite only.
    return connection.vendor == "sqlite" or ("\x00" not in key and len(key) <= KEY_LENGTH)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    held=st.lists(st.tuples(KEYS.filter(lambda k: 8 <= len(k) <= KEY_LENGTH and "\x00" not in k), st.integers(-3, 3))),
    probes=st.lists(KEYS, max_size=6),
    pick=st.integers(0, 10),
)
def test_a_session_is_read_as_djangos_own_store_reads_it(held, probes, pick):
    Session.objects.all().delete()
    now = timezone.now()
    for n, (key, hours) in enumerate(held):
        # Expired (in the past, or this very second) and unexpired sessions alike.
        expires = now + dt.timedelta(hours=hours, seconds=-1 if hours == 0 else 0)
        Session.objects.update_or_create(
            session_key=key, defaults={"session_data": db.SessionStore().encode({"n": n}), "expire_date": expires}
        )
    if held:
        probes = [*probes, held[pick % len(held)][0]]  # a key that is held, expired or not
    for key in probes:
        if _safe_for_the_database(key):
            assert _ours(key) == _stock(key), repr(key)
        else:
            assert _ours(key) == ({}, None), repr(key)


@pytest.mark.django_db
def test_an_expired_session_is_not_read_and_its_key_is_dropped():
    store = db.SessionStore()
    store["who"] = "judge"
    store.create()
    assert _ours(store.session_key)[0] == {"who": "judge"}
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert _ours(store.session_key) == ({}, None)
    assert session_by_key(store.session_key, timezone.now()) is None
    # As Django's `expire_date__gt=now`: a session is gone at the instant it expires.
    at = Session.objects.get(session_key=store.session_key).expire_date
    assert session_by_key(store.session_key, at) is None
    assert session_by_key(store.session_key, at - dt.timedelta(microseconds=1)).session_key == store.session_key


@pytest.mark.django_db
def test_the_site_reads_sessions_through_the_kept_query(client):
    assert django_settings.SESSION_ENGINE == "plaudit.sessions"
    judge = UserFactory()
    client.force_login(judge)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("judging:home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == judge
    reads = [q["sql"] for q in captured if "django_session" in q["sql"] or "plaudit_kept" in q["sql"]]
    # The session read once, by its kept SQL (on PostgreSQL, EXECUTE of the prepared statement):
    # by its key alone, its expiry compared in Python.
    assert len(reads) == 1 and '"expire_date" >' not in reads[0], reads
