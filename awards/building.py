"""The award builder's writes: sections, questions and criteria added, changed, moved and removed
one at a time, each saved at once (so a new section takes questions, and a new question can be
ticked by a criterion, without saving the award in between).

The rules are the importer's (awards.rules, through the models' clean and the checks here): a
question with answers keeps its key and type, and is retired rather than deleted; a criterion
that judges have scored is kept. Every change is audited.
"""

import re

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from audit import log

from . import rules
from .changes import criteria_batch
from .models import Award, Criterion, Question, Section

MAX_KEY = 60


class BuildRefused(Exception):
    """A change the builder cannot make; the message says why, and nothing was written."""


def key_from(prompt: str, taken: set[str]) -> str:
    """A key from a question's prompt or a criterion's title: 'What did they do?' gives
    'what-did-they-do', with -2, -3… if the award already uses it."""
    base = re.sub(r"-+", "-", slugify(prompt or "")).strip("-")[:MAX_KEY].strip("-") or "question"
    key, n = base, 2
    while key in taken:
        key = f"{base[: MAX_KEY - len(str(n)) - 1]}-{n}"
        n += 1
    return key


def question_keys(award: Award, *, but: Question | None = None) -> set[str]:
    questions = award.questions.filter(active=True)
    if but is not None and but.pk:
        questions = questions.exclude(pk=but.pk)
    return set(questions.values_list("key", flat=True))


def has_answers(question: Question) -> bool:
    return bool(question.pk) and question.answers.exists()


def _record(award: Award, summary: str, by) -> None:
    log.record(log.Action.CONFIGURATION, f"{award.title}: {summary}", actor=by, subject=f"award:{award.pk}")


def _next_position(queryset) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def section_save(award: Award, section: Section, *, by=None) -> Section:
    """Add a section (at the end) or save one's title and introduction."""
    adding = section.pk is None
    section.award = award
    if adding:
        section.position = _next_position(award.sections.all())
    section.save()
    _record(award, f"section “{section}” {'added' if adding else 'changed'}", by)
    return section


@transaction.atomic
def section_remove(section: Section, *, by=None) -> None:
    """Remove a section that asks no questions (move or remove them first)."""
    if section.questions.filter(active=True).exists():
        raise BuildRefused(f"Section “{section}” still asks questions: move or remove them first.")
    award = section.award
    section.delete()
    _renumber(award.sections.all())
    _record(award, f"section “{section}” removed", by)


@transaction.atomic
def question_save(question: Question, *, by=None) -> Question:
    """Add a question (at the end of its section) or save one, after the importer's checks.

    A blank key is made from the prompt. A question with answers keeps its key and its type.
    """
    award = question.award
    adding = question.pk is None
    before = None if adding else Question.objects.get(pk=question.pk)
    if before is not None:
        if has_answers(before) and (before.key != question.key or before.type != question.type):
            raise BuildRefused("This question has answers, so its key and its type stay as they are.")
    if not question.key:
        question.key = key_from(question.prompt, question_keys(award, but=question))
    for option, types in rules.TYPE_OPTIONS.items():
        # An option of another type is cleared, as the importer refuses it.
        if question.type not in types:
            setattr(question, option, Question._meta.get_field(option).get_default())
    if before is None or question.section_id != before.section_id:
        question.position = _next_position(Question.objects.filter(section=question.section, active=True))
    question.save()
    _record(award, f"question “{question.key}” {'added' if adding else 'changed'}", by)
    return question


@transaction.atomic
def question_remove(question: Question, *, by=None) -> str:
    """Delete a question nobody has answered; retire (keep, inactive) one with answers.
    Criteria stop showing it. Returns "deleted" or "retired"."""
    award = question.award
    if Question.objects.filter(award=award, active=True, show_if_key=question.key).exclude(pk=question.pk).exists():
        raise BuildRefused(f"Another question is shown only after an answer to “{question.key}”: change that first.")
    with criteria_batch():
        for criterion in award.criteria.all():
            if question.key in criterion.question_keys:
                criterion.question_keys = [key for key in criterion.question_keys if key != question.key]
                criterion.save(update_fields=["question_keys"])
    if has_answers(question):
        question.active = False
        question.save(update_fields=["active"])
        outcome = "retired"
    else:
        question.delete()
        outcome = "deleted"
    _renumber(Question.objects.filter(section_id=question.section_id, active=True))
    _record(award, f"question “{question.key}” {outcome}", by)
    return outcome


@transaction.atomic
def criterion_save(criterion: Criterion, *, by=None) -> Criterion:
    """Add a criterion (at the end) or save one; a blank key is made from the title."""
    award = criterion.award
    adding = criterion.pk is None
    if not adding and criterion.scores.exists():
        before = Criterion.objects.get(pk=criterion.pk)
        if before.key != criterion.key:
            raise BuildRefused("Judges have scored this criterion, so its key stays as it is.")
    if not criterion.key:
        taken = set(award.criteria.exclude(pk=criterion.pk).values_list("key", flat=True))
        criterion.key = key_from(criterion.title, taken)
    if adding:
        criterion.position = _next_position(award.criteria.all())
    criterion.save()
    _record(award, f"criterion “{criterion.key}” {'added' if adding else 'changed'}", by)
    return criterion


@transaction.atomic
def criterion_remove(criterion: Criterion, *, by=None) -> None:
    if criterion.scores.exists():
        raise BuildRefused(
            f"Judges have scored “{criterion.title}”, so it stays (set its weight to 0 to leave it out of the total)."
        )
    award = criterion.award
    criterion.delete()
    _renumber(award.criteria.all())
    _record(award, f"criterion “{criterion.key}” removed", by)


def _renumber(queryset) -> None:
    """Positions 0, 1, 2… in the current order, so that moving is a swap of neighbours."""
    for index, item in enumerate(queryset.order_by("position", "id")):
        if item.position != index:
            type(item).objects.filter(pk=item.pk).update(position=index)


def _siblings(item):
    if isinstance(item, Section):
        return item.award.sections.all()
    if isinstance(item, Question):
        return Question.objects.filter(section_id=item.section_id, active=True)
    return item.award.criteria.all()


@transaction.atomic
def move(item, direction: int, *, by=None) -> bool:
    """Move a section, question (within its section) or criterion one place up (-1) or down (+1).
    False if it is already first or last."""
    siblings = _siblings(item)
    _renumber(siblings)
    ordered = list(siblings.order_by("position", "id"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    other = index + direction
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    return _apply_order(ordered, item, by)


@transaction.atomic
def reorder(item_type, award: Award, ids: list[int], *, section: Section | None = None, by=None) -> None:
    """Put sections, a section's questions, or criteria in the order given (drag and drop). The
    ids must be exactly the current ones."""
    siblings = {
        Section: award.sections.all(),
        Question: Question.objects.filter(section=section, active=True),
        Criterion: award.criteria.all(),
    }[item_type]
    current = {item.pk: item for item in siblings}
    if sorted(current) != sorted(ids) or len(set(ids)) != len(ids):
        raise BuildRefused("The page was out of date: reload it and try again.")
    _apply_order([current[pk] for pk in ids], None, by, award=award)


def _apply_order(ordered, moved, by, award=None) -> bool:
    for index, item in enumerate(ordered):
        if item.position != index:
            type(item).objects.filter(pk=item.pk).update(position=index)
    award = award or moved.award
    what = f"“{moved}” moved" if moved is not None else "order changed"
    _record(award, what, by)
    return True


def earlier_questions(question: Question) -> dict[str, tuple]:
    """The questions asked before this one, for its show-if condition: key -> (type, choices).
    A new question, or one moved to another section, goes at the end of its section."""

    def place(q, position):
        section = q.section
        return (section.position if section else -1, section.pk if section else 0, position, q.pk or 10**12)

    mine = place(question, question.position if question.pk else 10**9)
    if question.pk and question.section_id != Question.objects.get(pk=question.pk).section_id:
        mine = place(question, 10**9)
    others = question.award.questions.filter(active=True).exclude(pk=question.pk).select_related("section")
    return {q.key: (q.type, q.choices) for q in others if place(q, q.position) < mine}
