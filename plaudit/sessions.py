"""Sessions are Django's own (its database store; cached in Redis where CACHE_URL is set). What
this module adds is a check on the cookie before the store reads it.

A session key Django makes is 32 lower-case letters and digits. A cookie can hold anything
(Django unquotes octal escapes in quoted cookie values, so a NUL can arrive), and PostgreSQL
refuses a NUL in text with an error, not a miss: a key of any other shape is dropped before the
session middleware sees it, and the request goes on as one without a session.
"""

import re

from django.conf import settings

SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{32}")


class SessionCookieShape:
    """Before SessionMiddleware: a session cookie that no session could have is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and not SESSION_KEY_SHAPE.fullmatch(key):
            request.COOKIES = {k: v for k, v in request.COOKIES.items() if k != settings.SESSION_COOKIE_NAME}
        return self.get_response(request)
