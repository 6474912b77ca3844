"""PDFs with WeasyPrint that fetch nothing but the project's own static files.

Answers are written by the public; an <img src="file:///etc/passwd"> or a remote
URL in one must not make the server read a file or call out. The URL fetcher
serves only /static/ paths found by the static-files finders and refuses the rest.
"""

from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

BASE_URL = "https://plaudit.invalid/"


class FetchRefused(ValueError):
    pass


def static_only_fetcher(url: str, *args, **kwargs):
    parsed = urlparse(url)
    path = parsed.path
    if parsed.scheme == "https" and parsed.netloc == "plaudit.invalid" and path.startswith(settings.STATIC_URL):
        relative = path[len(settings.STATIC_URL) :]
        found = finders.find(relative) if ".." not in relative else None
        if found:
            with open(found, "rb") as handle:
                return {"string": handle.read(), "filename": relative}
    raise FetchRefused(f"PDFs may only use the site's own static files, not {url[:80]!r}")


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher).write_pdf(pdf_variant="pdf/ua-1")
