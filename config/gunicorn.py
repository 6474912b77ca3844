"""gunicorn's settings for Plaudit: `gunicorn -c config/gunicorn.py config.wsgi`.

The access log is written to standard output in gunicorn's usual format, with secret links
(nominators', nominees' and judges') redacted from the request line and the referrer
(plaudit/logs.py). Workers, bind address and timeouts come from the command line or
GUNICORN_CMD_ARGS, as docs/deploy.md shows.
"""

from gunicorn.glogging import Logger

from plaudit.logs import install, redact

install()  # gunicorn's own error log too, in the master and (forked from it) every worker

accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s'


class RedactingLogger(Logger):
    """gunicorn's logger, with every request-derived value of the access log redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in list(atoms.items()):
            if isinstance(value, str):
                atoms[key] = redact(value)
        return atoms


logger_class = RedactingLogger
