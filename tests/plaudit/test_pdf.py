"""PDFs fetch nothing but the site's own static files, whatever an answer contains."""

import pytest
from django.template import Context, Template

from plaudit.pdf import FetchRefused, StaticOnlyFetcher, html_to_pdf, static_only_fetcher


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/tracker.png",
        "https://plaudit.invalid/media/answers/secret.pdf",
        "https://plaudit.invalid/static/../../config/settings.py",
        "data:text/plain,hello",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(FetchRefused):
        static_only_fetcher(url)


def test_the_fetcher_serves_the_sites_own_static_files():
    result = static_only_fetcher("https://plaudit.invalid/static/nhsuk/assets/images/favicon.svg")
    assert result.read().startswith(b"<svg")


def test_a_pdf_with_hostile_answers_renders_and_fetches_nothing(monkeypatch):
    fetched, refused = [], []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        try:
            return original(self, url, headers)
        except FetchRefused:
            refused.append(url)
            raise

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    template = Template(
        '<html><head><style>body { background: url("file:///etc/passwd") }</style></head>'
        '<body><p>{{ answer }}</p><img src="https://example.org/x.png"><img src="file:///etc/passwd"></body></html>'
    )
    html = template.render(Context({"answer": '<img src="file:///etc/hostname">'}))
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert b"root:" not in pdf
    # Every outside URL was asked for and refused; nothing outside was read.
    assert refused == fetched
    assert "file:///etc/passwd" in refused and "https://example.org/x.png" in refused
