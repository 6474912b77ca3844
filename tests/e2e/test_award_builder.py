"""A programme manager builds an award from nothing in the builder, in one sitting, and publishes it;
and the builder works with JavaScript off."""

import pytest
from playwright.sync_api import expect

from awards import office
from awards.models import Award, OfficeRole, Status
from awards.rules import QUESTION_TYPES
from tests.e2e.conftest import assert_accessible
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# One question of every type, spread over three sections.
QUESTIONS = {
    "About the nominee": ["short_text", "email", "phone", "url"],
    "Their work": ["long_text", "choice", "multi_choice", "yes_no"],
    "Evidence": ["number", "date", "file", "endorsement"],
}
PROMPTS = {qtype: f"Tell us: {qtype.replace('_', ' ')}" for qtype in QUESTION_TYPES}
CRITERIA = ["Kindness shown", "Impact on patients", "Working with others", "Lasting change"]


def add_question(page, section: str, qtype: str):
    page.get_by_label(f"Add a question to “{section}”:").select_option(qtype)
    page.get_by_role("button", name=f"Add question to {section}").click()
    page.locator("#id_prompt").fill(PROMPTS[qtype])
    if qtype in ("choice", "multi_choice"):
        page.get_by_label("Choices:", exact=True).fill("North\nMidlands\nSouth")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("saved")


def test_a_programme_manager_builds_an_award_from_nothing_and_publishes_it(page, live_server, sign_in):
    programme = ProgrammeFactory(name="Kindness Awards 2027", slug="kindness-awards-2027", status=Status.DRAFT)
    manager = UserFactory(username="morgan")
    office.role_grant(programme, manager, OfficeRole.Role.MANAGER)
    sign_in(manager)

    # The award itself, then its builder.
    page.goto(f"{live_server.url}/admin/awards/award/add/")
    page.locator("#id_programme").select_option(label="Kindness Awards 2027")
    page.locator("#id_title").fill("Kindest Colleague")
    page.locator("#id_summary").fill("For the colleague whose kindness made the difference.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("link", name="Open the builder").click()
    expect(page.locator("#content-main")).to_contain_text("No sections yet")
    assert_accessible(page)

    for title in QUESTIONS:
        page.get_by_role("link", name="Add a section").click()
        page.get_by_label("Section title").fill(title)
        page.get_by_role("button", name="Save").click()
    for section, types in QUESTIONS.items():
        for qtype in types:
            add_question(page, section, qtype)
    award = Award.objects.get(title="Kindest Colleague")
    assert sorted(award.questions.values_list("type", flat=True)) == sorted(QUESTION_TYPES)

    # A question form shows only its type's settings, and an error beside the field.
    page.get_by_label("Add a question to “Their work”:").select_option("long_text")
    page.get_by_role("button", name="Add question to Their work").click()
    expect(page.get_by_label("Choices:", exact=True)).to_have_count(0)
    page.get_by_label("Min words").fill("50")
    page.get_by_label("Max words").fill("10")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_contain_text("Minimum words must not be more than the maximum")
    expect(page.locator("#id_max_words_error")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the builder").click()

    # Four criteria, each ticking the answers judges read beside it; the last with no levels yet.
    for number, title in enumerate(CRITERIA):
        page.get_by_role("link", name="Add a criterion").click()
        page.locator("#id_title").fill(title)
        if number < 3:
            page.get_by_label("What each score means").fill("0: Not shown\n3: Clear example\n5: Outstanding")
        page.get_by_label(PROMPTS["long_text"]).check()
        if number % 2:
            page.get_by_label(PROMPTS["choice"]).check()
        if number == 0:
            assert_accessible(page)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messagelist")).to_contain_text(f"Criterion “{title}” saved.")
    assert all("tell-us-long-text" in keys for keys in award.criteria.values_list("question_keys", flat=True))

    # Reordered by keyboard: the "Move up" buttons, focused and pressed.
    page.get_by_role("button", name=f"Move up: {PROMPTS['url']}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("moved up")
    page.get_by_role("button", name="Move up: Lasting change").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("“Lasting change” moved up.")
    page.get_by_role("button", name="Move down: About the nominee").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("“About the nominee” moved down.")
    section = award.sections.get(title="About the nominee")
    assert list(section.questions.order_by("position").values_list("type", flat=True)) == [
        "short_text", "email", "url", "phone",
    ]  # fmt: skip
    assert list(award.criteria.order_by("position").values_list("title", flat=True)) == [
        "Kindness shown", "Impact on patients", "Lasting change", "Working with others",
    ]  # fmt: skip
    assert list(award.sections.order_by("position").values_list("title", flat=True)) == [
        "Their work", "About the nominee", "Evidence",
    ]  # fmt: skip

    # The preview beside it shows the form as nominators will see it.
    preview = page.frame_locator("iframe.plaudit-preview-frame")
    expect(preview.get_by_role("heading", name="Kindest Colleague", level=1)).to_be_visible()
    expect(preview.get_by_label(PROMPTS["long_text"])).to_be_visible()
    assert_accessible(page)

    # Publishing is blocked by the criterion with no levels; fixed from the list; published.
    page.get_by_role("link", name="Check and publish").click()
    expect(page.locator("#preflight-blocks")).to_contain_text("Criterion “Lasting change” has no levels")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#publish-refused")).to_be_visible()
    page.locator("#preflight-blocks").get_by_role("link", name="Fix this").click()
    page.get_by_label("What each score means").fill("0: Nothing yet\n5: Changed how the ward works")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Check and publish").click()
    expect(page.locator("#preflight-ready")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#programme-status")).to_contain_text("Status: published")

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Kindness Awards 2027").click()
    page.get_by_role("link", name="Kindest Colleague").click()
    expect(page.get_by_text(PROMPTS["file"])).to_be_visible()


@pytest.fixture
def no_javascript(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_builder_works_without_javascript(no_javascript, live_server):
    page = no_javascript
    programme = ProgrammeFactory(status=Status.DRAFT)
    manager = UserFactory(username="morgan")
    office.role_grant(programme, manager, OfficeRole.Role.MANAGER)
    award = Award.objects.create(programme=programme, slug="kindness", title="Kindest Colleague", summary="Kindness.")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("morgan")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/admin/awards/award/{award.pk}/build/")
    for title in ("First", "Second"):
        page.get_by_role("link", name="Add a section").click()
        page.get_by_label("Section title").fill(title)
        page.get_by_role("button", name="Save").click()
    add_question(page, "First", "yes_no")
    add_question(page, "First", "long_text")
    page.get_by_role("button", name=f"Move up: {PROMPTS['long_text']}").click()
    expect(page.locator(".messagelist")).to_contain_text("moved up")
    page.get_by_role("button", name="Move down: First").click()
    expect(page.locator(".messagelist")).to_contain_text("“First” moved down.")
    page.get_by_role("link", name="Add a criterion").click()
    page.locator("#id_title").fill("Kindness shown")
    page.get_by_label("What each score means").fill("0: None\n5: A lot")
    page.get_by_label(PROMPTS["yes_no"]).check()
    page.get_by_role("button", name="Save").click()
    assert_accessible(page, javascript=False)

    first = award.sections.get(title="First")
    assert list(first.questions.order_by("position").values_list("type", flat=True)) == ["long_text", "yes_no"]
    assert list(award.sections.order_by("position").values_list("title", flat=True)) == ["Second", "First"]
    assert award.criteria.get().question_keys == ["tell-us-yes-no"]
    page.get_by_role("button", name="Remove: Second").click()
    expect(page.locator(".messagelist")).to_contain_text("“Second” removed.")
    assert list(award.sections.values_list("title", flat=True)) == ["First"]


def test_criteria_are_dragged_into_order(page, live_server, sign_in):
    from tests.factories import CriterionFactory

    programme = ProgrammeFactory(status=Status.DRAFT)
    manager = UserFactory(username="morgan")
    office.role_grant(programme, manager, OfficeRole.Role.MANAGER)
    award = Award.objects.create(programme=programme, slug="kindness", title="Kindest Colleague", summary="Kindness.")
    for position, title in enumerate(["First", "Second", "Third"]):
        CriterionFactory(award=award, title=title, position=position)
    sign_in(manager)
    page.goto(f"{live_server.url}/admin/awards/award/{award.pk}/build/")

    first = page.locator(".plaudit-build-item", has_text="First")
    with page.expect_navigation():
        first.drag_to(page.locator(".plaudit-build-item", has_text="Third"), target_position={"x": 20, "y": 40})

    assert list(award.criteria.order_by("position").values_list("title", flat=True)) == ["Second", "Third", "First"]
    expect(page.locator(".plaudit-build-item").last).to_contain_text("First")
