"""On a long form the autosave state is in view where the person is typing, not only at the
foot of the form."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.nominating import fill_identity, start_nomination
from tests.factories import AwardFactory, ProgrammeFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_save_state_stays_in_view_while_typing_at_the_top_of_a_long_form(page, live_server):
    award = AwardFactory(programme=ProgrammeFactory(), title="Long Award", nominee="individual")
    section = SectionFactory(award=award, title="Your nomination")
    for i in range(12):
        QuestionFactory(section=section, key=f"q{i}", prompt=f"Question number {i}?", required=False, position=i)

    start_nomination(page, f"{live_server.url}{award.get_absolute_url()}")
    fill_identity(page)
    first = page.get_by_label("Question number 0?")
    first.scroll_into_view_if_needed()
    first.fill("They listened to every patient.")
    first.blur()

    status = page.locator("#save-status")
    expect(status).to_contain_text("Saved at")
    viewport = page.viewport_size["height"]
    box = status.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport, (box, viewport)  # in view, not 6,000 px below
    last = page.get_by_label("Question number 11?").bounding_box()
    assert last["y"] > viewport  # the form does go on below the window
    assert_accessible(page)
