"""Secret links stay out of logs: Django's records and gunicorn's access log are redacted."""

import datetime as dt
import logging
from types import SimpleNamespace

import pytest

from plaudit.logs import RedactSecrets, redact

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
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/n/{TOKEN}/",), None)
    assert RedactSecrets().filter(record)
    assert record.getMessage() == "Not Found: /n/[redacted]/"


def test_the_filter_is_on_the_sites_log_handler(settings):
    assert "redact_secrets" in settings.LOGGING["handlers"]["console"]["filters"]


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
