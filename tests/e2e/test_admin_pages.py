"""The awards office's admin pages pass axe too (Django's admin, with our fixes in static/css/admin.css)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/admin/",
    "/admin/awards/programme/",
    "/admin/awards/award/",
    "/admin/nominations/nomination/",
    "/admin/judging/stage/",
    "/admin/audit/auditevent/",
]


def test_the_admin_pages_the_office_uses_pass_axe(page, live_server, scored, sign_in):
    sign_in(scored.people["root"])
    award, stage, nomination = scored.stage.award, scored.stage, scored.entries[0].nomination
    pages = [
        *PAGES,
        f"/admin/awards/programme/{award.programme.pk}/change/",
        "/admin/awards/programme/import/",
        f"/admin/awards/award/{award.pk}/change/",
        f"/admin/judging/stage/{stage.pk}/change/",
        f"/admin/judging/stage/{stage.pk}/invite/",
        f"/admin/nominations/nomination/{nomination.pk}/change/",
        f"/admin/nominations/nomination/{nomination.pk}/ineligible/",
        "/admin/nominations/nomination/duplicates/",
        "/admin/judging/conflict/",
        "/admin/judging/conflict/add/",
        "/admin/plaudit/sitepage/add/",
    ]
    for path in pages:
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()
        assert_accessible(page)
