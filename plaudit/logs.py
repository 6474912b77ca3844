"""Secret links stay out of logs.

A nominator's link (/n/…/), the key to "my nominations" (/mine/…/), a nominee's consent link
(/consent/…/), a referee's link to write a statement (/statement/…/), the keys that stop a
nominator's or a referee's reminders (/reminders/stop/…/, /statement/stop/…/) and a judge's sign-in link
(?sesame=…) are keys: whoever reads them gets in. Each is exchanged for a session on first use
and the browser sent on to an address without it, but that first request is still logged, by
gunicorn's access log and by Django when a link is not found. `redact` takes the secret out of
any such line; the filter does it for Django's log records, and config/gunicorn.py for the
access log.
"""

import logging
import re

SECRET_PATHS = re.compile(r"(/(?:n|consent|mine|reminders/stop|statement/stop|statement)/)[^/?#\s\"']+")
SECRET_PARAMETERS = re.compile(r"((?:sesame|token)=)[^&#\s\"']+")


def redact(text: str) -> str:
    return SECRET_PARAMETERS.sub(r"\1[redacted]", SECRET_PATHS.sub(r"\1[redacted]", text))


class RedactSecrets(logging.Filter):
    """Logging filter: the record's message with secret links redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
