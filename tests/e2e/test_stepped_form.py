"""A long form in steps, done with the keyboard alone: Tab to each control, type, Space and Enter."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.factories import AwardFactory, ProgrammeFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, locator, limit=120):
    """Press Tab until the control has the focus, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def type_into(page, locator, text):
    tab_to(page, locator)
    page.keyboard.type(text)


def stepped_award():
    award = AwardFactory(programme=ProgrammeFactory(), title="Long Award", nominee="individual", stepped=True)
    work = SectionFactory(award=award, title="Their work", position=0)
    QuestionFactory(section=work, key="story", prompt="What did they do?", max_words=50, position=0)
    QuestionFactory(section=work, key="lasting", type="yes_no", prompt="Will it last?", position=1)
    impact = SectionFactory(award=award, title="The difference it made", position=1)
    QuestionFactory(section=impact, key="impact", prompt="Who noticed?", max_words=50)
    extra = SectionFactory(award=award, title="Anything else", position=2)
    QuestionFactory(section=extra, key="note", prompt="Anything else to add?", required=False)
    return award


def test_a_nominator_completes_a_form_in_steps_with_the_keyboard_only(page, live_server):
    award = stepped_award()
    page.goto(f"{live_server.url}{award.get_absolute_url()}")
    tab_to(page, page.get_by_role("button", name="Start a nomination"))
    page.keyboard.press("Enter")
    type_into(page, page.get_by_label("Your email address"), "ada@example.org")
    page.keyboard.press("Enter")

    # The task list: four sections, none started.
    expect(page.get_by_role("heading", name="Your nomination", exact=True)).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("You have completed 0 of 4 sections")
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name="Who you are nominating, and you"))
    page.keyboard.press("Enter")

    expect(page.locator(".nhsuk-caption-l")).to_contain_text("section 1 of 4")
    type_into(page, page.locator("#id_nominee_name"), "Grace Hopper")
    type_into(page, page.locator("#id_nominee_job_title"), "Ward manager")
    type_into(page, page.locator("#id_nominee_organisation"), "Northfield NHS Trust")
    type_into(page, page.locator("#id_nominee_email"), "grace@northfield.example")
    type_into(page, page.locator("#id_nominator_name"), "Ada Lovelace")
    type_into(page, page.locator("#id_nominator_relationship"), "Her colleague")
    assert_accessible(page)
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")

    # Section 2: going on without answering says what is missing, in the error summary.
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("section 2 of 4")
    expect(page.get_by_role("heading", name="Their work")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your answer to: What did they do?")
    assert_accessible(page)
    type_into(page, page.get_by_label("What did they do?"), "She listened to every patient")
    tab_to(page, page.get_by_role("group", name="Will it last?").get_by_label("Yes"))
    page.keyboard.press("Space")
    expect(page.locator("#save-status")).to_contain_text("Saved at")  # saved as they go, in view
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")

    # Section 3, then back to the task list part-way: the steps say how far each has got.
    expect(page.get_by_role("heading", name="The difference it made")).to_be_visible()
    type_into(page, page.get_by_label("Who noticed?"), "The whole ward")
    tab_to(page, page.get_by_role("button", name="Save and come back later"))
    page.keyboard.press("Enter")
    expect(page.locator("#step-1-status")).to_have_text("Completed")
    expect(page.locator("#step-2-status")).to_have_text("Completed")
    expect(page.locator("#step-3-status")).to_have_text("Completed")
    expect(page.locator("#step-4-status")).to_have_text("Not started")
    expect(page.get_by_role("link", name="Continue to check your answers")).to_have_count(0)

    tab_to(page, page.get_by_role("link", name="Anything else"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")
    expect(page.locator("#progress")).to_contain_text("You have completed 4 of 4 sections")
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name="Continue to check your answers"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your answers before submitting your nomination")).to_be_visible()
    expect(page.get_by_text("She listened to every patient")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Submit nomination"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
