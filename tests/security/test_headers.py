"""Security headers on every page: a Content-Security-Policy of our own files only, framing refused.

Pages have no inline script or style at all, so the policy allows none: django-csp adds a
nonce to script-src only on a response whose template asks for one ({{ CSP_NONCE }}).
"""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/accessibility/", "/judging/"])
def test_pages_carry_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_a_template_asking_for_a_nonce_gets_a_fresh_one_in_the_policy(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ CSP_NONCE }}">1</script>')

    def view(request):
        return HttpResponse(template.render({}, request))

    middleware = CSPMiddleware(view)
    first, second = middleware(rf.get("/")), middleware(rf.get("/"))
    nonce = first.content.decode().split('nonce="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in first["Content-Security-Policy"]
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


def test_not_found_and_server_error_pages_are_friendly(client, settings):
    from django.template.loader import render_to_string

    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "Page not found" in page.content.decode()
    # The error page renders with no request and no database at all.
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html and "saved as you go" in html


def test_starting_nominations_is_rate_limited_per_email(client, panel, settings):
    settings.RATELIMIT_ENABLE = True
    from django.core.cache import cache

    cache.clear()
    from django.urls import reverse

    award = panel.stage.award
    url = reverse("nominations:start", args=[award.programme.slug, award.slug])
    # Each a new nomination on purpose ("new": the first makes a draft the others would be offered).
    statuses = [client.post(url, {"email": "same@example.org", "new": "1"}).status_code for _ in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    page = client.post(url, {"email": "same@example.org"})
    assert "Too many attempts" in page.content.decode() and "network" in page.content.decode()


def test_an_oversized_request_is_refused_not_an_error(client, panel):
    from django.urls import reverse

    award = panel.stage.award
    url = reverse("nominations:start", args=[award.programme.slug, award.slug])
    response = client.post(url, {"email": "a@example.org", "padding": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 400


def test_the_admin_alone_may_use_style_attributes(admin_client, client):
    """Its autocomplete sizes itself with style attributes; nothing else is relaxed, anywhere else."""
    admin = admin_client.get("/admin/judging/conflict/add/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in admin.split(";") if part.strip())
    assert directives["style-src-attr"] == "'unsafe-inline'"
    assert directives["style-src"] == "'self'" and directives["script-src"] == "'self'"
    assert "unsafe-inline" not in client.get("/")["Content-Security-Policy"]
