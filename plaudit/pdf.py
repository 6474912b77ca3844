"""PDFs with WeasyPrint that fetch nothing but the project's own static files.

Answers are written by the public; an <img src="file:///etc/passwd"> or a remote
URL in one must not make the server read a file or call out. The URL fetcher
serves only /static/ paths found by the static-files finders and refuses the rest.
"""

from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .text import printable

BASE_URL = "https://plaudit.invalid/"


class FetchRefused(ValueError):
    pass


class StaticOnlyFetcher:
    """A WeasyPrint URL fetcher that knows only the site's own static files."""

    _fail_on_errors = False  # a refused fetch leaves the image out; the PDF still renders

    def fetch(self, url: str, headers=None):
        from weasyprint.urls import URLFetcherResponse  # see html_to_pdf

        parsed = urlparse(url)
        path = parsed.path
        if parsed.scheme == "https" and parsed.netloc == "plaudit.invalid" and path.startswith(settings.STATIC_URL):
            relative = path[len(settings.STATIC_URL) :]
            found = finders.find(relative) if ".." not in relative.split("/") else None
            if found:
                with open(found, "rb") as handle:
                    return URLFetcherResponse(url, handle.read())
        raise FetchRefused(f"PDFs may only use the site's own static files, not {url[:80]!r}")

    def __call__(self, url: str):
        return self.fetch(url)


static_only_fetcher = StaticOnlyFetcher()


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1) of the HTML, fetching only static files; control characters in it
    printed as their codes (plaudit.text)."""
    # Imported when the first PDF is made: WeasyPrint loads Pango and its fonts on import, which
    # a process that never makes a PDF (most web workers, manage.py commands) need not pay for.
    from weasyprint import HTML

    return HTML(string=printable(html), base_url=BASE_URL, url_fetcher=static_only_fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))
