"""A nomination by keyboard alone, and a submission that arrives after the deadline."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nominations.models import Nomination
from tests.e2e.conftest import assert_accessible
from tests.e2e.nominating import fill_identity, start_nomination
from tests.factories import AwardFactory, ProgrammeFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def award():
    programme = ProgrammeFactory(
        slug="kindness-2027",
    )
    award = AwardFactory(programme=programme, slug="kindest-colleague", title="Kindest Colleague", nominee="individual")
    section = SectionFactory(award=award, title="Your nomination")
    QuestionFactory(section=section, key="story", prompt="What did they do?", max_words=100, position=0)
    QuestionFactory(section=section, key="on-nights", type="yes_no", prompt="Do they work nights?", position=1)
    return award


def tab_to(page, selector, limit=80):
    """Press Tab until the element is focused, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def test_a_nomination_can_be_made_with_the_keyboard_alone(page, live_server, award):
    page.goto(f"{live_server.url}{award.get_absolute_url()}")
    tab_to(page, "a.nhsuk-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nominate for Kindest Colleague")).to_be_visible()
    assert_accessible(page)
    type_into(page, "#id_email", "ada@example.org")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your nomination", level=1)).to_be_visible()
    assert_accessible(page)

    for selector, text in [
        ("#id_nominee_name", "Grace Hopper"),
        ("#id_nominee_job_title", "Night sister"),
        ("#id_nominee_organisation", "Northfield NHS Trust"),
        ("#id_nominee_email", "grace@example.org"),
        ("#id_nominator_name", "Ada Lovelace"),
        ("#id_nominator_relationship", "I work on her ward"),
        ("#id_q-story", "She stayed after her shift to sit with a frightened patient."),
    ]:
        type_into(page, selector, text)
    tab_to(page, "#id_q-on-nights_0")
    page.keyboard.press("Space")
    expect(page.locator("#id_q-on-nights_0")).to_be_checked()
    tab_to(page, "button[name=continue]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your answers before submitting your nomination")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "form[action$='/submit/'] button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
    assert_accessible(page)
    assert Nomination.objects.get().status == "submitted"


def test_a_submission_after_the_deadline_is_refused_and_the_draft_kept(page, live_server, award):
    start_nomination(page, f"{live_server.url}{award.get_absolute_url()}")
    fill_identity(page)
    page.locator("#id_q-story").fill("She stayed after her shift.")
    page.locator("#id_q-on-nights_1").check()
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting your nomination")).to_be_visible()

    # The deadline passes while the nominator reads their answers.
    award.programme.nominations_close = timezone.now() - dt.timedelta(seconds=1)
    award.programme.save()
    page.get_by_role("button", name="Submit nomination").click()

    expect(page.locator("#closed-message")).to_contain_text("Nominations closed on")
    expect(page.locator("#closed-message")).to_contain_text("This draft was not submitted, so it cannot be judged.")
    expect(page.get_by_text("She stayed after her shift.")).to_be_visible()
    assert_accessible(page)
    assert Nomination.objects.get().status == "draft"


@pytest.mark.parametrize("leave", ["goto", "reload"])
def test_words_typed_just_before_leaving_the_page_are_kept(page, live_server, award, leave):
    """The autosave waits three seconds after typing stops; leaving sooner than that (a link, a
    reload, a closed tab) sends what is there with keepalive, which outlives the page."""
    import time

    start_nomination(page, f"{live_server.url}{award.get_absolute_url()}")
    edit = page.url
    page.locator("#id_q-story").fill("She stayed after her shift")
    assert not Nomination.objects.get().answers.exists()  # not saved yet: the three seconds have not passed
    if leave == "goto":
        page.goto(f"{live_server.url}/")
    else:
        page.reload()
    story = None
    for _ in range(50):  # the keepalive request completes after the page has gone
        story = Nomination.objects.get().answers.filter(question__key="story").values_list("draft", flat=True).first()
        if story:
            break
        time.sleep(0.1)
    assert story == "She stayed after her shift"
    page.goto(edit)
    expect(page.locator("#id_q-story")).to_have_value("She stayed after her shift")
