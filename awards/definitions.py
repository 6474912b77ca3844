"""An award's definition (its criteria; its sections and questions) kept in each process, keyed
by the award's revision, so that the requests everyone at work makes every few seconds (a
judge's autosave, a nominator's) do not read it again each time.

The database moves an award's revision on in the same transaction as any change to its
sections, questions or criteria, whatever code makes it, and never moves it back
(awards/migrations/0010). So a request that has read the award row at revision r, and then the
definition, reads one at least as new as r. What it keeps under r may be newer than r (a change
committed between its two reads); a later request that read r would then use that newer
definition, as if it had read a moment later. Never an older one.

Nothing is read from or kept here inside a transaction (plaudit.generations.cacheable): one that
changed the definition sees its own new revision before it commits, and may still roll back.
What is kept is rows of field values; each caller gets instances (and values) of its own.
"""

from functools import lru_cache

from django.db import connections

from plaudit.generations import cacheable

from .models import Award, Criterion, Question, Section

_FIELDS = tuple(field.attname for field in Criterion._meta.concrete_fields)
_QUESTION_FIELDS = tuple(field.attname for field in Question._meta.concrete_fields)
_SECTION_FIELDS = tuple(field.attname for field in Section._meta.concrete_fields)


def _own(row: tuple) -> tuple:
    """A kept row's values for one caller: its JSON values (a criterion's levels, a question's
    choices: dicts and lists, the only values a caller could change in place) copied, the rest
    (text, numbers, dates: immutable) shared. copy.deepcopy did the same at several times the
    cost, on every autosave."""
    return tuple(_json_copy(value) if isinstance(value, (dict, list)) else value for value in row)


def _json_copy(value):
    if isinstance(value, dict):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_copy(item) for item in value]
    return value


def _criteria(using: str, award_id: int):
    """The one query of an award's criteria, in order (position, then id): read afresh, or kept."""
    return Criterion.objects.using(using).filter(award_id=award_id).order_by("position", "id")


def _form_questions(using: str, award_id: int):
    """The one query of an award's form questions (active, in a section) with their sections,
    in form order: read afresh, or kept."""
    return (
        Question.objects.using(using)
        .filter(award_id=award_id, active=True, section__isnull=False)
        .select_related("section")
        .order_by("section__position", "section_id", "position", "id")
    )


def criteria_of(award: Award, *, using: str = "default") -> list[Criterion]:
    """The award's criteria in order (position, then id), as `award.criteria.order_by("position", "id")`."""
    if not cacheable(using):
        return list(_criteria(using, award.pk))
    rows = _criteria_rows(using, connections[using].settings_dict["NAME"], award.pk, award.revision)
    return [Criterion.from_db(using, _FIELDS, _own(row)) for row in rows]


# A few hundred awards' definitions at most per process; the least used go first.
@lru_cache(maxsize=512)
def _criteria_rows(using: str, database: str, award_id: int, revision: int) -> tuple[tuple, ...]:
    # `database` in the key: the test suite makes a database of its own under the same alias.
    return tuple(_criteria(using, award_id).values_list(*_FIELDS))


def form_questions_of(award: Award, *, using: str = "default") -> list[Question]:
    """The award's active questions that sit in a section, in form order (section position,
    section, position, id), each with its section, as
    `Question.objects.filter(award=award, active=True, section__isnull=False).select_related("section")`
    in that order would give them."""
    if not cacheable(using):
        return list(_form_questions(using, award.pk))
    rows = _question_rows(using, connections[using].settings_dict["NAME"], award.pk, award.revision)
    sections: dict[int, Section] = {}
    questions = []
    for question_row, section_row in rows:
        question = Question.from_db(using, _QUESTION_FIELDS, _own(question_row))
        section = sections.get(question.section_id) or Section.from_db(using, _SECTION_FIELDS, _own(section_row))
        question.section = sections[question.section_id] = section
        questions.append(question)
    return questions


@lru_cache(maxsize=512)
def _question_rows(using: str, database: str, award_id: int, revision: int) -> tuple[tuple, ...]:
    return tuple(
        (
            tuple(getattr(question, name) for name in _QUESTION_FIELDS),
            tuple(getattr(question.section, name) for name in _SECTION_FIELDS),
        )
        for question in _form_questions(using, award_id)
    )
