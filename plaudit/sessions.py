"""Sessions in the database, read by their key with the SQL kept (plaudit.prepared).

Every request that carries a session reads it first, and the busiest requests of all carry one:
a nominator's autosave and a judge's, every few seconds for everyone at work. Django's database
store builds and compiles that one-row query each time, about a sixth of a nomination autosave's
time on the benchmark machine. Here its SQL is kept per process (and prepared on PostgreSQL) and
the expiry is compared in Python, so a read answers exactly what Django's
`Session.objects.get(session_key=key, expire_date__gt=now)` would. Creating, saving and
deleting sessions are Django's own.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import Prepared

KEY_LENGTH = Session._meta.get_field("session_key").max_length


def _by_key(key: str):
    return Session.objects.filter(session_key=key)


_BY_KEY = Prepared(_by_key, str)


def session_by_key(key: str | None, now) -> Session | None:
    """The unexpired session with this key, if any. A key no session can have (longer than the
    column, or holding a NUL, which PostgreSQL refuses in text: a cookie can hold anything) is
    none, without a query."""
    if not key or len(key) > KEY_LENGTH or "\x00" in key:
        return None
    found = _BY_KEY.fetch(key)
    return found[0] if found and found[0].expire_date > now else None


class SessionStore(db.SessionStore):
    """Django's database session store, its one read kept (SESSION_ENGINE = "plaudit.sessions")."""

    def _get_session_from_db(self):
        found = session_by_key(self.session_key, timezone.now())
        if found is None:
            # As Django's store: an unknown or expired key is dropped, and a new one made on saving.
            self._session_key = None
        return found
