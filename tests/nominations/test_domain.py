"""The nomination services, called as the views call them."""

import datetime as dt
import pathlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from awards import format
from nominations import domain
from nominations.models import Nomination
from tests.factories import (
    NOMINATION_IDENTITY,
    SMALLEST_PDF,
    AwardFactory,
    ProgrammeFactory,
    kindness_award,
    make_public,
)

pytestmark = pytest.mark.django_db

DEMO = pathlib.Path(__file__).resolve().parents[2] / "demo" / "data" / "leadership-awards-2026.yaml"


def open_programme(text: str, slug: str, *, year_shift: int = 0) -> str:
    """The demo definition as another programme, open now (and moved on by whole years)."""
    now = timezone.now()
    opens = (now - dt.timedelta(days=1)).replace(year=now.year + year_shift)
    closes = opens + dt.timedelta(days=61)
    text = text.replace("slug: leadership-awards-2026", f"slug: {slug}")
    text = text.replace("nominations_open: 2026-11-02T09:00", f"nominations_open: {opens:%Y-%m-%dT%H:%M}")
    return text.replace("nominations_close: 2027-01-29T17:00", f"nominations_close: {closes:%Y-%m-%dT%H:%M}")


@pytest.mark.parametrize("year_shift", [0, 1])
def test_last_years_definition_imported_as_a_new_programme_takes_nominations(year_shift):
    """The second season: the same awards (same titles, same prefixes) in a new programme, in the
    same year or the next: its first nominations get references of their own, never a server error."""
    text = DEMO.read_text()
    first = make_public(format.import_text(open_programme(text, "awards-this-year")).programme)
    second = make_public(format.import_text(open_programme(text, "awards-next-year", year_shift=year_shift)).programme)
    now = timezone.now()
    if year_shift:
        # Nominations for next year's programme open next year.
        now = now.replace(year=now.year + year_shift)
    references = set()
    for programme, when in ((first, timezone.now()), (second, now)):
        for award in programme.awards.all():
            nomination, _token = domain.nomination_start(award=award, nominator_email="a@example.org", now=when)
            references.add(nomination.reference)
    assert len(references) == 2 * first.awards.count()


def test_two_awards_with_the_same_initials_never_share_a_reference():
    programme = ProgrammeFactory()
    kindness = AwardFactory(programme=programme, title="Kindness Award", reference_prefix="KA")
    knowledge = AwardFactory(programme=programme, title="Knowledge Award", reference_prefix="KA")
    references = [
        domain.nomination_start(award=award, nominator_email="a@example.org", now=timezone.now())[0].reference
        for award in (kindness, knowledge, kindness, knowledge)
    ]
    year = programme.nominations_open.year % 100
    assert references == [f"KA{year}-0001", f"KA{year}-0002", f"KA{year}-0003", f"KA{year}-0004"]


# The services take plain data (identity fields and answers by question key), so each rule of the
# write path is tried here without a request, a form or a view in between.


@pytest.fixture
def award():
    return kindness_award()


@pytest.fixture
def nomination(award):
    return domain.nomination_start(award=award, nominator_email="ada@example.org", now=timezone.now())[0]


def save(nomination, identity=NOMINATION_IDENTITY, sequence=("", 0), uploads=None, **answers):
    return domain.nomination_save_draft(
        nomination=nomination,
        identity=identity,
        answers=answers,
        uploads=uploads,
        now=timezone.now(),
        sequence=sequence,
    )


def drafts(nomination):
    return dict(nomination.answers.values_list("question__key", "draft"))


def test_a_draft_is_stored_exactly_as_typed_even_when_invalid(nomination):
    too_long = "one two three four five six seven"
    assert save(nomination, identity={"nominee_name": "Grace"}, story=too_long, **{"has-partners": "maybe"})
    nomination.refresh_from_db()
    assert drafts(nomination) == {"story": too_long, "has-partners": "maybe"}
    assert nomination.identity_draft == {"nominee_name": "Grace"}


def test_keys_the_award_does_not_ask_are_not_stored(nomination):
    save(
        nomination,
        identity={**NOMINATION_IDENTITY, "status": "submitted", "consent_status": "given"},
        story="Kind",
        retired="old answer",
        unknown="anything",
        evidence="not a file",
    )
    nomination.refresh_from_db()
    assert drafts(nomination) == {"story": "Kind"}
    assert nomination.identity_draft == NOMINATION_IDENTITY
    assert nomination.status == Nomination.Status.DRAFT


def test_nul_characters_are_taken_out_of_everything_stored(nomination):
    save(nomination, identity={"nominee_name": "Gr\x00ace"}, story="Ki\x00nd", **{"has-partners": ["y\x00es"]})
    nomination.refresh_from_db()
    assert drafts(nomination) == {"story": "Kind", "has-partners": ["yes"]}
    assert nomination.identity_draft == {"nominee_name": "Grace"}


def test_a_save_that_arrives_after_a_later_one_from_the_same_page_is_dropped(nomination):
    assert save(nomination, story="second", sequence=("page-1", 2))
    assert not save(nomination, story="first", sequence=("page-1", 1))
    assert drafts(nomination) == {"story": "second"}
    # Another page (another tab, or a reload) starts its own count.
    assert save(nomination, story="from the other tab", sequence=("page-2", 1))
    assert drafts(nomination) == {"story": "from the other tab"}


def test_an_upload_is_stored_only_when_it_keeps_its_questions_rules(nomination):
    save(nomination, uploads={"evidence": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n", "image/png")})
    assert not nomination.answers.filter(question__key="evidence").exists()
    save(nomination, uploads={"evidence": SimpleUploadedFile("letter.pdf", SMALLEST_PDF, "application/pdf")})
    answer = nomination.answers.get(question__key="evidence")
    assert answer.draft_file_name == "letter.pdf" and answer.draft_file.read() == SMALLEST_PDF


def test_submitting_with_a_required_answer_missing_writes_nothing(nomination):
    save(nomination, story="Kind")
    with pytest.raises(domain.SubmissionProblems) as problems:
        domain.nomination_submit(nomination=nomination, now=timezone.now())
    assert "q-has-partners" in problems.value.award_form.errors
    assert "nominee_name" not in problems.value.identity_form.errors
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DRAFT and nomination.submitted_at is None


def test_submitting_stores_the_answers_shown_and_drops_the_hidden_ones(nomination):
    save(nomination, story="Kind to everyone", partners="Typed, then hidden", **{"has-partners": "no"})
    submitted = domain.nomination_submit(nomination=nomination, now=timezone.now())
    assert submitted.status == Nomination.Status.SUBMITTED
    assert submitted.nominee_name == "Grace Hopper"
    assert dict(submitted.answers.values_list("question__key", "value")) == {
        "story": "Kind to everyone",
        "has-partners": "no",
    }
    assert not submitted.answers.exclude(draft=None).exists()


def test_a_change_after_submitting_is_kept_apart_until_resubmitted(nomination):
    save(nomination, story="Kind", **{"has-partners": "no"})
    domain.nomination_submit(nomination=nomination, now=timezone.now())
    save(nomination, story="Kinder still", **{"has-partners": "no"})
    nomination.refresh_from_db()
    assert nomination.has_unsubmitted_changes
    assert nomination.answers.get(question__key="story").value == "Kind"
    domain.nomination_submit(nomination=nomination, now=timezone.now())
    nomination.refresh_from_db()
    assert not nomination.has_unsubmitted_changes
    assert nomination.answers.get(question__key="story").value == "Kinder still"


def test_a_change_after_submitting_writes_only_the_drafts_of_the_answers_it_changes(nomination):
    letter = SimpleUploadedFile("letter.pdf", SMALLEST_PDF, "application/pdf")
    save(nomination, story="Kind", uploads={"evidence": letter}, **{"has-partners": "no"})
    domain.nomination_submit(nomination=nomination, now=timezone.now())
    submitted = {a.question.key: (a.value, a.file.name, a.file_name) for a in nomination.answers.all()}
    assert submitted["evidence"][2] == "letter.pdf"
    again = SimpleUploadedFile("second.pdf", SMALLEST_PDF, "application/pdf")
    save(nomination, story="Kinder still", uploads={"evidence": again}, **{"has-partners": "no"})
    # What was submitted stays as submitted, on the rows the change wrote and on those it did not.
    assert {a.question.key: (a.value, a.file.name, a.file_name) for a in nomination.answers.all()} == submitted
    assert drafts(nomination)["story"] == "Kinder still"
    assert nomination.answers.get(question__key="evidence").draft_file_name == "second.pdf"


def test_submitting_twice_with_nothing_new_changes_nothing(nomination):
    save(nomination, story="Kind", **{"has-partners": "no"})
    first = domain.nomination_submit(nomination=nomination, now=timezone.now())
    again = domain.nomination_submit(nomination=nomination, now=first.submitted_at + dt.timedelta(minutes=5))
    assert again.submitted_at == first.submitted_at
    assert AuditEvent.objects.filter(subject=f"nomination:{nomination.pk}").count() == 1


def test_nothing_is_saved_or_submitted_once_the_nomination_closes(nomination):
    save(nomination, story="Kind", **{"has-partners": "no"})
    later = nomination.closes_at + dt.timedelta(seconds=1)
    with pytest.raises(domain.NominationClosed):
        domain.nomination_save_draft(
            nomination=nomination, identity=NOMINATION_IDENTITY, answers={"story": "Late"}, now=later
        )
    with pytest.raises(domain.NominationClosed):
        domain.nomination_submit(nomination=nomination, now=later)
    assert drafts(nomination) == {"story": "Kind", "has-partners": "no"}


def test_a_withdrawn_nomination_cannot_be_changed(nomination):
    domain.nomination_withdraw(nomination=nomination, now=timezone.now())
    with pytest.raises(domain.NotEditable):
        save(nomination, story="Changed my mind")
    with pytest.raises(domain.NotEditable):
        domain.nomination_submit(nomination=nomination, now=timezone.now())
    assert drafts(nomination) == {}
