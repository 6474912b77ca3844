"""An admin builds a programme and an award from nothing, then previews the nomination form."""

import pytest
from playwright.sync_api import expect

from awards.models import Award, Criterion, Question
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_builds_an_award_from_nothing_and_previews_its_form(page, live_server, sign_in):
    sign_in(UserFactory(username="ada", is_staff=True, is_superuser=True))

    # A programme.
    page.goto(f"{live_server.url}/admin/awards/programme/add/")
    page.get_by_label("Name").fill("Kindness Awards 2027")
    page.get_by_label("Organiser").fill("Northfield NHS Trust")
    page.get_by_label("Contact email").fill("awards@northfield.example")
    page.locator("#id_nominations_open_0").fill("2026-01-01")
    page.locator("#id_nominations_open_1").fill("09:00")
    page.locator("#id_nominations_close_0").fill("2030-01-31")
    page.locator("#id_nominations_close_1").fill("17:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # An award with one section.
    page.goto(f"{live_server.url}/admin/awards/award/add/")
    page.locator("#id_programme").select_option(label="Kindness Awards 2027")
    page.locator("#id_title").fill("Kindest Colleague")
    page.locator("#id_summary").fill("For the colleague whose kindness made the difference.")
    page.locator("#id_description").fill("Tell us about **one** moment of kindness.")
    page.get_by_text("Add another Section").click()
    page.locator("#id_sections-0-title").fill("Your nomination")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Its questions: a yes/no question, and a long answer asked only after a yes.
    page.get_by_text("Add another Question").click()
    page.locator("#id_questions-0-section").select_option(label="Your nomination")
    page.locator("#id_questions-0-position").fill("0")
    page.locator("#id_questions-0-key").fill("patient-facing")
    page.locator("#id_questions-0-type").select_option("yes_no")
    page.locator("#id_questions-0-prompt").fill("Does the nominee work with patients?")
    page.get_by_text("Add another Question").click()
    page.locator("#id_questions-1-section").select_option(label="Your nomination")
    page.locator("#id_questions-1-position").fill("1")
    page.locator("#id_questions-1-key").fill("story")
    page.locator("#id_questions-1-type").select_option("long_text")
    page.locator("#id_questions-1-prompt").fill("What did they do for a patient?")
    page.locator("#id_questions-1-max_words").fill("50")
    page.locator("#id_questions-1-show_if_key").fill("patient-facing")
    page.locator("#id_questions-1-show_if_value").fill("yes")
    # And a criterion with level descriptors.
    page.get_by_text("Add another Criterion").click()
    page.locator("#id_criteria-0-key").fill("kindness")
    page.locator("#id_criteria-0-title").fill("Kindness shown")
    page.locator("#id_criteria-0-levels").fill("0: Not answered\n3: Clear example\n5: Outstanding and sustained")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    award = Award.objects.get(title="Kindest Colleague")
    assert list(award.questions.values_list("key", "show_if_key", "show_if_value")) == [
        ("patient-facing", "", ""),
        ("story", "patient-facing", "yes"),
    ]
    assert Criterion.objects.get(award=award).level_descriptors == {
        0: "Not answered",
        3: "Clear example",
        5: "Outstanding and sustained",
    }

    # The preview shows the form as nominators will see it.
    page.get_by_role("link", name="Preview the nomination form").click()
    expect(page.get_by_role("heading", name="Kindest Colleague", level=1)).to_be_visible()
    expect(page.get_by_role("group", name="Does the nominee work with patients?")).to_be_visible()
    story = page.get_by_label("What did they do for a patient?")
    expect(story).to_be_hidden()
    assert_accessible(page)

    page.get_by_label("Yes").check()
    expect(story).to_be_visible()
    expect(page.locator(".nhsuk-character-count__status")).to_have_text("You have 50 words remaining")
    assert_accessible(page)

    # Checking an empty form lists the problems, next to the fields and in the summary.
    page.get_by_role("button", name="Check these answers").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter your answer to: What did they do for a patient?")).to_have_count(1)
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Yes").check()
    page.get_by_label("What did they do for a patient?").fill("She sat with a frightened patient all night.")
    page.get_by_role("button", name="Check these answers").click()
    expect(page.locator("#preview-result")).to_contain_text("These answers pass every rule of the form.")
    assert Question.objects.filter(award=award).count() == 2
