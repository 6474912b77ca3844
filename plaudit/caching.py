"""No page Plaudit builds is kept by a browser or a proxy cache.

Nominations, scores, rankings, packs and exports hold personal data, and a shared hospital
computer's cache or back button would hand them to the next person. Every response built by
the site (not the static files, which whitenoise serves before this runs) says
`Cache-Control: no-store` unless the view set its own caching.
"""


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
