"""Secret links stay out of logs: Django's records and gunicorn's access log are redacted."""

import datetime as dt
import io
import logging
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaudit.logs import redact

TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NTY3ODk"


@pytest.mark.parametrize(
    "line",
    [
        f"GET /n/{TOKEN}/ HTTP/1.1",
        f"GET /consent/{TOKEN}/ HTTP/1.1",
        f"GET /statement/{TOKEN}/ HTTP/1.1",
        f"GET /statement/stop/{TOKEN}/ HTTP/1.1",
        f"GET /sign-in/link/?sesame={TOKEN} HTTP/1.1",
        f"GET /sign-in/link/?next=/x&sesame={TOKEN}&y=1 HTTP/1.1",
        f'"https://awards.example/n/{TOKEN}/"',
        f"Not Found: /n/{TOKEN}/",
    ],
)
def test_secret_links_are_redacted(line):
    assert TOKEN not in redact(line) and "[redacted]" in redact(line)


def test_other_addresses_are_left_as_they_are():
    for line in (
        "GET /nominations/KC26-0001/ HTTP/1.1",
        "GET /judging/stages/3/ HTTP/1.1",
        "GET /consent/ HTTP/1.1",
        "GET /statement/ HTTP/1.1",
    ):
        assert redact(line) == line


def test_djangos_not_found_record_is_redacted():
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/n/{TOKEN}/",), None
    )
    assert record.getMessage() == "Not Found: /n/[redacted]/"


def _tokens():
    """Every kind of secret Plaudit makes, made the way it makes them."""
    from django.contrib.auth import get_user_model
    from sesame.utils import get_query_string

    from nominations.links import mine_token
    from nominations.models import new_token

    judge = get_user_model()(pk=7, username="judge", password="pbkdf2_sha256$1$salt$hash")
    return st.one_of(
        st.builds(lambda: new_token()[0]),
        st.emails().map(mine_token),
        st.builds(lambda: get_query_string(judge).removeprefix("?sesame=")),
    )


def _spell(draw, word: str) -> str:
    """A word as a client may spell it in a URL: any case, any letters percent-encoded."""
    return "".join(draw(st.sampled_from([c.lower(), c.upper(), f"%{ord(c):02X}", f"%{ord(c):02x}"])) for c in word)


@st.composite
def secret_lines(draw):
    token = draw(_tokens())
    slash = draw(st.sampled_from(["/", "//", "%2F", "%2f", "///"]))
    path = draw(st.sampled_from(["n", "consent", "mine", "statement", "statement/stop", "reminders/stop"]))
    path = slash.join(_spell(draw, part) for part in path.split("/"))
    name = _spell(draw, draw(st.sampled_from(["sesame", "token"])))
    where = draw(
        st.sampled_from(
            [
                f"GET {slash}{path}{slash}{token}/ HTTP/1.1",
                f"Not Found: /{path}/{token}/",
                f'"GET /sign-in/link/?next=/judging/&{name}={token} HTTP/1.1" 302 0 "-" "Mozilla"',
                f"https://awards.example/{path}/{token}/?utm=1",
                f"Referer: https://awards.example/x?{name}={token}#top",
                f"the key {token}, said plainly",
                f"Invalid HTTP_HOST header: 'x'. {token}",
            ]
        )
    )
    return token, where


LOGGERS = ["django.request", "django.server", "django.security", "gunicorn.error", "gunicorn.access", "plaudit", ""]


@settings(max_examples=200, deadline=None)
@given(secret=secret_lines(), logger_name=st.sampled_from(LOGGERS), as_exception=st.booleans())
def test_no_logger_writes_a_secret_however_it_is_spelled(secret, logger_name, as_exception):
    """Any secret Plaudit makes, in any spelling of its path or parameter, or bare: whatever logger
    writes it (those that do not pass records up included), in its message or in an exception's."""
    token, line = secret
    logger = logging.getLogger(logger_name)
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        if as_exception:
            try:
                raise ValueError(line)
            except ValueError:
                logger.exception("Error handling request %s", line)
        else:
            logger.warning("%s", line)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert token not in written.getvalue()
    assert "[redacted]" in written.getvalue()


@pytest.mark.parametrize(
    "line",
    [
        "django.core.exceptions.ImproperlyConfigured: Set SECRET_KEY",
        'File "/work/main/.venv/lib/python3.11/site-packages/django/contrib/admin/views/autocomplete.py"',
        "GET /static/build/plaudit.css HTTP/1.1",
        "nhsuk-frontend-10.0.0 AutocompleteJsonView",
        "3f2a9c1e0b7d4e6f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f",
    ],
)
def test_words_and_paths_that_are_not_secrets_stay(line):
    assert redact(line) == line


def test_gunicorns_access_log_is_redacted():
    from gunicorn.config import Config

    from config.gunicorn import RedactingLogger

    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/consent/{TOKEN}/?token={TOKEN}",
        "PATH_INFO": f"/consent/{TOKEN}/",
        "QUERY_STRING": f"token={TOKEN}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://awards.example/n/{TOKEN}/",
        "REMOTE_ADDR": "203.0.113.9",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[("Location", "/consent/")])
    request = SimpleNamespace(headers=[("REFERER", f"https://awards.example/n/{TOKEN}/")])
    atoms = logger.atoms(response, request, environ, dt.timedelta(seconds=0))
    assert all(TOKEN not in str(value) for value in atoms.values())
    assert atoms["r"] == "GET /consent/[redacted]/?token=[redacted] HTTP/1.1"
