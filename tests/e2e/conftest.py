"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every page a journey visits is scanned with axe-core for WCAG 2.2 A and AA
violations; any violation fails the test.
"""

import json
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM directly.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PLAUDIT_CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Flags that keep Chromium from reaching for the network on a closed machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    # Anything the Content-Security-Policy blocks shows in the console; a journey must cause none.
    # Messages from code with no address are the test's own (axe, evaluated by Playwright: on the
    # admin's change pages it applies inline styles while it measures), not the site's.
    blocked = []
    context.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text and message.location.get("url", "") != ""
            else None
        ),
    )
    yield context
    context.close()
    assert not blocked, f"The Content-Security-Policy blocked: {blocked}"


@pytest.fixture
def page(context):
    return context.new_page()


def read_whole(page):
    """Wait until the page the last click opened has been read to its end, styles and all.

    A click waits only for the new page to start arriving, and count(), is_visible() and
    evaluate() do not wait: asked of a page still being read, they miss a question that is on
    it, which then goes unanswered (CI saw a step refused that way), and axe run on a document
    whose first bytes have not come has no root element to check (CI saw "Cannot read
    properties of null (reading 'documentElement')"). A page whose headers come a moment before
    its body shows both every time. "load", not "domcontentloaded": axe's contrast checks read
    the styles.
    """
    page.wait_for_load_state("load")


def axe_violations(page) -> list[dict]:
    # Evaluated rather than added as a <script>, so that it also runs on pages with JavaScript off.
    source = AXE_SCRIPT.read_text()
    result = page.evaluate(
        "tags => { " + source + "\n"
        "return axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}); }",
        WCAG_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]


def assert_accessible(page, *, javascript=True):
    """Fail with a readable list if axe finds any WCAG 2.2 A/AA violation on the current page.

    axe needs JavaScript (and its timers) to run. For a page shown with JavaScript off, the same
    HTML is loaded in a helper page whose scripts are blocked, so axe checks the no-JavaScript page.
    """
    read_whole(page)
    if javascript:
        violations = axe_violations(page)
    else:
        html, url = page.content(), page.url
        helper_context = page.context.browser.new_context()
        helper = helper_context.new_page()

        def serve(route):
            if route.request.url == url:
                route.fulfill(body=html, content_type="text/html; charset=utf-8")
            elif route.request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        helper.route("**/*", serve)
        helper.goto(url)
        violations = axe_violations(helper)
        helper_context.close()
    assert violations == [], f"axe violations on {page.url}:\n{json.dumps(violations, indent=2)}"


def sign_in_to_panels(page, live_url: str, username: str, password: str = "correct horse battery staple"):
    """A judge or chair signs in with their password on the site's own sign-in page."""
    from playwright.sync_api import expect

    page.goto(f"{live_url}/sign-in/")
    page.get_by_label("Email address or username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in with password").click()
    expect(page.get_by_role("heading", name="Your panels")).to_be_visible()


@pytest.fixture
def sign_in(page, live_server):
    def sign_in_as(user, password="correct horse battery staple"):
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        return page

    return sign_in_as


@pytest.fixture(autouse=True)
def fresh_rate_limits(transactional_db):
    """Rate-limit counts live in the database cache, which flushing between browser tests leaves
    alone: start each journey with none, so journeys never limit each other."""
    from django.core.cache import cache

    cache.clear()
    yield
