"""A form in steps: one section per page, a task list saying how far each has got, and nothing
another step saved lost by posting this one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nominations.models import Answer, Nomination
from nominations.steps import form_steps
from tests.factories import NOMINATION_IDENTITY, AwardFactory, ProgrammeFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


def stepped_award():
    """About (1), Their work (2: story, has-partners), Partners (3: partners, asked on yes), Anything
    else (4: an optional note and an optional PDF)."""
    award = AwardFactory(programme=ProgrammeFactory(), title="Kindness Award", nominee="individual", stepped=True)
    work = SectionFactory(award=award, title="Their work", position=0)
    QuestionFactory(section=work, key="story", prompt="What did they do?", max_words=5, position=0)
    QuestionFactory(section=work, key="has-partners", type="yes_no", prompt="Partners?", position=1)
    partners = SectionFactory(award=award, title="Partners", position=1)
    QuestionFactory(
        section=partners, key="partners", prompt="Which partners?", show_if_key="has-partners", show_if_value="yes"
    )
    SectionFactory(award=award, title="Empty", position=2)  # asks nothing: not a step
    extra = SectionFactory(award=award, title="Anything else", position=3)
    QuestionFactory(section=extra, key="note", prompt="Anything else?", required=False, position=0)
    QuestionFactory(
        section=extra, key="evidence", type="file", prompt="Evidence", required=False, file_types=["pdf"], position=1
    )
    return award


@pytest.fixture
def award():
    return stepped_award()


def start(client, award):
    client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "ada@example.org"})
    return Nomination.objects.latest("pk")


def step_url(nomination, number):
    return reverse("nominations:step", args=[nomination.reference, number])


def task_list(client, nomination) -> str:
    return client.get(reverse("nominations:edit", args=[nomination.reference])).content.decode()


def drafts(nomination) -> dict:
    return {a.question.key: a.draft for a in Answer.objects.filter(nomination=nomination).select_related("question")}


def test_the_steps_are_who_then_each_section_that_asks_something(award):
    steps = form_steps(award)
    assert [s.title for s in steps] == ["Who you are nominating, and you", "Their work", "Partners", "Anything else"]
    assert steps[1].fields == {"q-story", "q-has-partners"}
    assert "nominee_name" in steps[0].fields and "q-story" not in steps[0].fields


def test_the_task_list_links_every_step_with_its_status(client, award):
    nomination = start(client, award)
    page = task_list(client, nomination)
    assert "You have completed 0 of 4 sections." in page
    for number in range(1, 5):
        assert f'href="{step_url(nomination, number)}"' in page
    assert page.count("Not started") == 3
    assert 'id="step-3-status">\n      <strong class="nhsuk-tag nhsuk-tag--grey">Cannot start yet' in page
    assert "depends on your answer to “Partners?”" in client.get(step_url(nomination, 3)).content.decode()
    assert "Continue to check your answers" not in page


def test_a_step_posts_its_own_fields_and_keeps_every_other_step(client, award):
    nomination = start(client, award)
    client.post(step_url(nomination, 1), {**NOMINATION_IDENTITY, "continue": "1"})
    client.post(step_url(nomination, 2), {"q-story": "She listened", "q-has-partners": "yes", "continue": "1"})
    client.post(step_url(nomination, 4), {"q-note": "Thank you", "save": "1"})
    nomination.refresh_from_db()
    assert nomination.identity_draft["nominee_name"] == NOMINATION_IDENTITY["nominee_name"]
    assert drafts(nomination) == {"story": "She listened", "has-partners": "yes", "note": "Thank you"}
    # Going back to the first step and changing one thing there changes only that.
    client.post(step_url(nomination, 1), {**NOMINATION_IDENTITY, "nominee_name": "Grace Hopper", "save": "1"})
    nomination.refresh_from_db()
    assert nomination.identity_draft["nominee_name"] == "Grace Hopper"
    assert drafts(nomination)["story"] == "She listened"


def test_save_and_continue_goes_to_the_next_step_then_back_to_the_task_list(client, award):
    nomination = start(client, award)
    response = client.post(step_url(nomination, 1), {**NOMINATION_IDENTITY, "continue": "1"})
    assert response.status_code == 302 and response.url == step_url(nomination, 2)
    response = client.post(step_url(nomination, 4), {"continue": "1"})
    assert response.url == reverse("nominations:edit", args=[nomination.reference])


def test_a_step_with_a_problem_says_only_its_own_and_keeps_the_text(client, award):
    nomination = start(client, award)
    text = "one two three four five six seven"
    response = client.post(step_url(nomination, 2), {"q-story": text, "continue": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your answer to “What did they do?” must be 5 words or fewer. You wrote 7 words." in page
    assert "Select yes or no for: Partners?" in page
    assert "Enter your full name" not in page  # step 1's problem waits for step 1
    assert text in page and drafts(nomination)["story"] == text
    assert "section 2 of 4" in page


def test_statuses_follow_what_is_answered_and_valid(client, award):
    nomination = start(client, award)
    client.post(step_url(nomination, 2), {"q-story": "one two three four five six seven", "save": "1"})
    page = task_list(client, nomination)
    assert 'id="step-2-status">\n      <strong class="nhsuk-tag nhsuk-tag--white">In progress' in page
    client.post(step_url(nomination, 2), {"q-story": "She listened", "q-has-partners": "no", "continue": "1"})
    page = task_list(client, nomination)
    assert 'id="step-2-status">\n      Completed' in page
    # No partners: the partners step asks nothing, and says so.
    assert 'id="step-3-status">\n      Not needed' in page
    assert "nothing to answer in this section" in client.get(step_url(nomination, 3)).content.decode()
    # Optional questions left blank: completed once the nominator has gone on from them.
    assert 'id="step-4-status">\n      <strong class="nhsuk-tag nhsuk-tag--blue">Not started' in page
    client.post(step_url(nomination, 4), {"continue": "1"})
    assert 'id="step-4-status">\n      Completed' in task_list(client, nomination)


def test_a_condition_on_an_earlier_step_is_decided_from_its_saved_answer(client, award):
    nomination = start(client, award)
    client.post(step_url(nomination, 2), {"q-story": "She listened", "q-has-partners": "yes", "continue": "1"})
    page = client.get(step_url(nomination, 3)).content.decode()
    assert "Which partners?" in page and "data-show-if-name" not in page
    response = client.post(step_url(nomination, 3), {"continue": "1"})
    assert "Enter your answer to: Which partners?" in response.content.decode()


def test_check_and_submit_from_the_task_list_with_change_links_to_each_step(client, award):
    nomination = start(client, award)
    check = reverse("nominations:check", args=[nomination.reference])
    response = client.get(check)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Finish “Their work”" in page
    client.post(step_url(nomination, 1), {**NOMINATION_IDENTITY, "continue": "1"})
    client.post(step_url(nomination, 2), {"q-story": "She listened", "q-has-partners": "no", "continue": "1"})
    client.post(step_url(nomination, 4), {"q-note": "Thanks", "continue": "1"})
    page = task_list(client, nomination)
    assert "You have completed 4 of 4 sections." in page and "Continue to check your answers" in page
    page = client.get(check).content.decode()
    assert f'href="{step_url(nomination, 2)}#id_q-story"' in page
    assert f'href="{step_url(nomination, 4)}#id_q-note"' in page
    assert f'href="{step_url(nomination, 1)}"' in page
    response = client.post(reverse("nominations:submit", args=[nomination.reference]))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_autosave_from_a_step_keeps_the_other_steps(client, award):
    nomination = start(client, award)
    client.post(step_url(nomination, 2), {"q-story": "She listened", "q-has-partners": "yes", "save": "1"})
    url = reverse("nominations:autosave", args=[nomination.reference]) + "?step=4"
    assert client.post(url, {"q-note": "Typed on step four"}).status_code == 200
    assert drafts(nomination) == {"story": "She listened", "has-partners": "yes", "note": "Typed on step four"}


def test_no_such_step_is_a_404(client, award):
    nomination = start(client, award)
    assert client.get(step_url(nomination, 5)).status_code == 404
    assert client.get(step_url(nomination, 0)).status_code == 404


def test_someone_else_s_step_is_a_404(client, award):
    nomination = start(client, award)
    assert Client().get(step_url(nomination, 1)).status_code == 404


def test_a_refused_upload_is_said_on_its_step_when_saving_for_later(client, award):
    nomination = start(client, award)
    fake = SimpleUploadedFile("evidence.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(step_url(nomination, 4), {"q-note": "kept", "q-evidence": fake, "save": "1"})
    assert response.status_code == 200
    assert "The selected file is not a real PDF file" in response.content.decode()
    assert drafts(nomination)["note"] == "kept"


STEP_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    posts=st.lists(
        st.tuples(st.sampled_from([1, 2, 4]), STEP_TEXT, st.sampled_from(["continue", "save", "autosave"])),
        min_size=1,
        max_size=6,
    )
)
def test_nothing_another_step_saved_is_ever_lost(client, posts):
    """Invariant, after every post from any step (continue, save for later or autosave), valid or
    not: each field holds what its own step last sent, and no other step's field changed."""
    award = stepped_award()
    nomination = start(client, award)
    expected_name, expected_story, expected_note = None, None, None
    for number, text, how in posts:
        fields = {1: {"nominee_name": text}, 2: {"q-story": text}, 4: {"q-note": text}}[number]
        if how == "autosave":
            url = reverse("nominations:autosave", args=[nomination.reference]) + f"?step={number}"
            assert client.post(url, fields).status_code == 200
        else:
            assert client.post(step_url(nomination, number), {**fields, how: "1"}).status_code in (200, 302)
        stored = text.replace("\x00", "")
        if number == 1:
            expected_name = stored
        elif number == 2:
            expected_story = stored
        else:
            expected_note = stored
        nomination.refresh_from_db()
        saved = drafts(nomination)
        assert nomination.identity_draft.get("nominee_name") == expected_name
        assert saved.get("story") == expected_story
        assert saved.get("note") == expected_note
