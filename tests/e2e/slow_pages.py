"""Pages sent as a slow network sends them: headers first, the body a moment later.

Switched on for the browser tests by E2E_SLOW_PAGES=<seconds> (config/settings_test.py). A
click waits only for the new page's headers, so a test that asks the page what it holds before
its body has come gets an empty document; on CI that happens now and then, under load. With
this on it happens on every page, so such a race fails every run instead of one in a hundred.
"""

import time

from django.conf import settings
from django.http import StreamingHttpResponse


class SlowPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 200
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        body = response.content

        def parts():
            yield b""  # the server sends the headers with the first write, even an empty one
            time.sleep(settings.E2E_SLOW_PAGES)
            yield body

        slow = StreamingHttpResponse(parts(), status=response.status_code)
        for header, value in response.items():
            if header.lower() != "content-length":
                slow[header] = value
        slow.cookies = response.cookies
        # What views mark on their response (xframe_options_exempt, ...) for the middleware
        # outside this one to read.
        for name, value in vars(response).items():
            vars(slow).setdefault(name, value)
        return slow
