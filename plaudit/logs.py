"""Secret links stay out of logs.

A nominator's link (/n/…/), the key to "my nominations" (/mine/…/), a nominee's consent link
(/consent/…/), a referee's link to write a statement (/statement/…/), the keys that stop a
nominator's or a referee's reminders (/reminders/stop/…/, /statement/stop/…/) and a judge's sign-in link
(?sesame=…) are keys: whoever reads them gets in. Each is exchanged for a session on first use
and the browser sent on to an address without it, but that first request is still logged: by
gunicorn's access and error logs, by Django when a link is not found, by runserver.

`redact` takes secrets out of any text three ways: after a secret path, however spelled (any
case, doubled or encoded slashes); as the value of a secret parameter, however its name is
spelled (any case, percent-encoded); and anywhere by the secrets' own shape (a run of 20 or more
URL-safe characters mixing capitals, small letters and digits, as every token Plaudit makes is
and almost no word is). `install` puts it into every log record as the record is made, so no
logger or handler (Django's, gunicorn's, a library's) can write a secret, exceptions included.
"""

import logging
import re
from urllib.parse import unquote

REDACTED = "[redacted]"
_SLASH = r"(?:/|%2f)+"
SECRET_PATHS = re.compile(
    rf"({_SLASH}(?:n|consent|mine|reminders{_SLASH}stop|statement{_SLASH}stop|statement){_SLASH})[^/?#\s\"'<>]+",
    re.IGNORECASE,
)
SECRET_NAMES = {"sesame", "token"}
PARAMETER = re.compile(r"((?:[A-Za-z0-9_.~-]|%[0-9A-Fa-f]{2})+=)([^&;#\s\"'<>]+)")
TOKEN_SHAPE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])")


def _parameter(match: re.Match) -> str:
    name = unquote(match.group(1)[:-1]).strip().lower()
    return match.group(1) + REDACTED if name in SECRET_NAMES else match.group(0)


def _shaped(match: re.Match) -> str:
    run = match.group(0)
    mixed = any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run)
    return REDACTED if mixed else run


def redact(text: str) -> str:
    text = SECRET_PATHS.sub(rf"\1{REDACTED}", text)
    text = PARAMETER.sub(_parameter, text)
    return TOKEN_SHAPE.sub(_shaped, text)


_made_by = None


def install() -> None:
    """Every log record made from now on is redacted as it is made: its message, and the text of
    any exception it carries. Once per process (the site's apps and gunicorn's config call it)."""
    global _made_by
    if _made_by is not None:
        return
    _made_by = logging.getLogRecordFactory()

    def redacted_record(*args, **kwargs) -> logging.LogRecord:
        record = _made_by(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its message: logging reports it
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    logging.setLogRecordFactory(redacted_record)
