"""A form in steps: an award whose form is long may ask it one section per page, with a task
list of the sections ("Section 2 of 5") saying how far each has got, in the NHS.UK task-list
pattern. Check your answers comes at the end, as for a form on one page.

Step 1 is always who is nominated and who is nominating (the identity block every form asks);
then one step for each section that asks anything. A step's page posts only its own fields:
`forms.nomination_forms(only=...)` lays them over the saved working copy, so the whole form is
validated (and saved) as if it had been sent on one page, and a condition on an earlier
section's answer is decided from the saved answer.
"""

from dataclasses import dataclass

from awards.models import Award, Question, Section

from .builder import field_name, questions_by_section
from .forms import IdentityForm
from .models import Nomination

ABOUT = "about"


class Status:
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    NOT_NEEDED = "Not needed"  # every question of it hidden by answers in earlier steps
    CANNOT_START = "Cannot start yet"  # every question of it waits on an earlier step's answer

    FINISHED = (COMPLETED, NOT_NEEDED)


@dataclass(frozen=True)
class Step:
    number: int  # 1-based, as shown ("Section 2 of 5") and in the step's address
    key: str  # "about", or "s<section id>": what Nomination.steps_done records
    title: str
    section: Section | None
    questions: tuple[Question, ...]
    fields: frozenset[str]  # the form fields this step's page shows and posts


def form_steps(award: Award) -> list[Step]:
    """The steps of an award's form, in order. A section with no active questions is not a step."""
    steps = [
        Step(
            1,
            ABOUT,
            "Who you are nominating, and you",
            None,
            (),
            frozenset(IdentityForm(award=award).fields),
        )
    ]
    for section, questions in questions_by_section(award):
        if not questions:
            continue
        number = len(steps) + 1
        steps.append(
            Step(
                number,
                f"s{section.pk}",
                section.title or f"Your nomination, part {number - 1}",
                section,
                tuple(questions),
                frozenset(field_name(q) for q in questions),
            )
        )
    return steps


def step_at(award: Award, number: int) -> tuple[Step, list[Step]] | None:
    steps = form_steps(award)
    if 1 <= number <= len(steps):
        return steps[number - 1], steps
    return None


def _has_answers(step: Step, nomination: Nomination, drafts: dict, files: dict) -> bool:
    if step.key == ABOUT:
        return any(value not in (None, "", []) for value in (nomination.identity_draft or {}).values())
    return any(drafts.get(q.key) not in (None, "", []) or q.key in files for q in step.questions)


def statuses(nomination: Nomination, steps: list[Step], identity_form, award_form, saved) -> list[tuple[Step, str]]:
    """Each step with how far it has got, from forms bound to the saved working copy (`saved`).

    Completed: nothing in it fails validation, and something is answered or the nominator has
    saved it and gone on (a step of optional questions may be left blank). In progress: something
    is answered but something fails. Not started: nothing answered and never gone on from. Not
    needed: earlier answers hide every question of it. Cannot start yet: every question of it
    waits on an earlier answer not given yet.
    """
    identity_form.is_valid()
    award_form.is_valid()
    errors = set(identity_form.errors) | set(award_form.errors)
    drafts, files = saved
    done = set(nomination.steps_done or [])
    result = []
    for step in steps:
        started = _has_answers(step, nomination, drafts, files) or step.key in done
        if step.section is not None and not award_form.asked_here(step.section):
            status = Status.CANNOT_START if waiting_on(award_form, step) else Status.NOT_NEEDED
        elif not started:
            status = Status.NOT_STARTED
        elif step.fields & errors:
            status = Status.IN_PROGRESS
        else:
            status = Status.COMPLETED
        result.append((step, status))
    return result


def waiting_on(award_form, step: Step) -> list:
    """The earlier questions, still unanswered, whose answers decide whether this step asks anything."""
    sources = {q.show_if_key for q in step.questions if q.show_if_key} - {q.key for q in step.questions}
    return [
        award_form.questions_by_key[key]
        for key in sorted(sources)
        if key in award_form.questions_by_key
        and award_form.raw_answer(award_form.questions_by_key[key]) in (None, "", [])
    ]


def step_of_section(steps: list[Step], section: Section) -> Step | None:
    return next((step for step in steps if step.section is not None and step.section.pk == section.pk), None)
