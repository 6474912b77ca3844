"""Reads shared by the nomination pages, the services, the receipt and the exports."""

from awards import definitions
from awards.access import award_with_questions
from awards.models import Award, Question
from plaudit import addresses

from .builder import shown
from .models import Endorsement, Nomination


def judgeable(queryset=None):
    """Nominations that go to judging: submitted (not withdrawn, not ruled ineligible), consent
    given or not needed, and the nominee's details not removed. Judging asks nothing else."""
    queryset = Nomination.objects.all() if queryset is None else queryset
    return queryset.filter(Nomination.judgeable_q())


def award_for_form(award_id: int) -> Award:
    """An award with its sections and active questions in form order, in a fixed few queries."""
    return award_with_questions(Award.objects.all()).get(pk=award_id)


def award_for_draft(award: Award) -> Award:
    """The award already read (with its programme), given its sections and active questions as
    kept for its revision (awards.definitions; one query when not kept): all that saving a draft
    needs (autosave runs every few seconds for everyone writing; no criteria, no second read of
    the award). A section with no active questions is left out:
    it asks nothing, so a draft stores nothing for it."""
    questions = definitions.form_questions_of(award)
    sections: dict[int, list[Question]] = {}
    for question in questions:
        sections.setdefault(question.section_id, []).append(question)
    ordered = []
    for section_questions in sections.values():
        section = section_questions[0].section
        _prefetched(section, "questions", section_questions)
        ordered.append(section)
    _prefetched(award, "sections", ordered)
    return award


def _prefetched(instance, name: str, items: list) -> None:
    """Give an instance its related objects as if prefetched, so `instance.<name>.all()` reads no more."""
    queryset = getattr(instance, name).all()
    queryset._result_cache, queryset._prefetch_done = list(items), True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


IDENTITY_LABELS = [(name, mine) for name, mine, _office in Nomination.IDENTITY]


def display_value(question: Question, value) -> str:
    """An answer as people read it (the question type's own way: nominations.builder.TYPES)."""
    return shown(question, value)


def submitted_rows(nomination: Nomination, award: Award | None = None):
    """(section, [(question, shown value)]) for the submitted answers, in form order."""
    award = award or award_for_form(nomination.award_id)
    values = {a.question_id: a.value for a in nomination.answers.all()}
    rows = []
    for section in award.sections.all():
        answered = [(q, display_value(q, values.get(q.pk))) for q in section.questions.all() if q.pk in values]
        if answered:
            rows.append((section, answered))
    return rows


def identity_rows(nomination: Nomination, labels=IDENTITY_LABELS):
    """(label, value) of the identity block's filled fields; `labels` chooses which fields and
    their words (the nominator's by default; Nomination.FOR_JUDGES for judges)."""
    rows = []
    for name, label in labels:
        value = getattr(nomination, name)
        if name == "nominee_kind":
            value = nomination.get_nominee_kind_display()
        if value:
            rows.append((label, value))
    if nomination.self_nomination:
        rows.insert(0, ("Self-nomination", "Yes"))
    return rows


def receipt_context(nomination: Nomination) -> dict:
    award = award_for_form(nomination.award_id)
    return {
        "nomination": nomination,
        "award": award,
        "programme": award.programme,
        "identity": identity_rows(nomination),
        "sections": submitted_rows(nomination, award),
    }


def working_copy(nomination: Nomination) -> tuple[dict, dict]:
    """(answers, files) in one read: every answer's working copy (the draft, or the submitted value
    where no draft exists), and each file question's current upload with the name it was uploaded
    with (the draft's, else the submitted one), keyed by question key."""
    values, files = {}, {}
    for answer in nomination.answers.select_related("question"):
        key = answer.question.key
        raw = answer.draft if answer.draft is not None else answer.value
        if raw is not None:
            values[key] = raw
        if answer.draft_file:
            files[key] = (answer.draft_file, answer.draft_file_name)
        elif answer.file:
            files[key] = (answer.file, answer.file_name)
    return values, files


def drafts_of(nomination: Nomination) -> dict:
    """The working copy of every answer: the draft, or the submitted value where no draft exists."""
    return working_copy(nomination)[0]


def stored_files(nomination: Nomination) -> dict:
    """Each file question's current upload and the name it was uploaded with: the draft's, else the submitted one."""
    return working_copy(nomination)[1]


def started_by(email: str):
    """Every nomination started with this address (any award, any state), newest first."""
    address = addresses.normalised_or_none(email)
    return (
        Nomination.objects.filter(nominator_email=address or "", pk__isnull=address is None)
        .select_related("award__programme")
        .order_by("-last_saved_at", "-pk")
    )


def statement_requests(nomination: Nomination):
    """The supporting statements asked for this nomination (those still asked or received)."""
    return list(
        nomination.endorsements.exclude(status=Endorsement.Status.CANCELLED).select_related("question").order_by("pk")
    )
