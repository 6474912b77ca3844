"""The slow-pages tool changes when a page's body comes, never what the page is: a first
version turned redirects into empty pages, dropped cookies and lost xframe_options_exempt
(the builder's preview frame went blank), so every test run with it failed for its own sake."""

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.test import RequestFactory, override_settings

from tests.e2e.slow_pages import SlowPagesMiddleware

HTML = "<!doctype html><title>Kindest Colleague</title><h1>Kindest Colleague</h1>"


def through(response):
    return SlowPagesMiddleware(lambda request: response)(RequestFactory().get("/"))


@override_settings(E2E_SLOW_PAGES=0)
def test_a_page_comes_whole_with_its_headers_cookies_and_marks():
    page = HttpResponse(HTML)
    page["Content-Security-Policy"] = "default-src 'self'"
    page.set_cookie("sessionid", "abc")
    page.xframe_options_exempt = True

    slow = through(page)

    assert slow.streaming
    assert slow.status_code == 200
    assert b"".join(slow.streaming_content) == HTML.encode()
    assert slow["Content-Type"] == page["Content-Type"]
    assert slow["Content-Security-Policy"] == "default-src 'self'"
    assert slow.cookies["sessionid"].value == "abc"
    assert slow.xframe_options_exempt is True


def test_redirects_and_other_kinds_go_through_as_they_are():
    for response in (HttpResponseRedirect("/next/"), JsonResponse({"version": 2}), HttpResponse(HTML, status=400)):
        assert through(response) is response
