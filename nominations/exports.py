"""Nominations of one award as a table: identity columns, then one column per question in form order.

Cells are neutralised against formulas by plaudit.spreadsheets, which also writes the files.
"""

from django.db.models import Prefetch, QuerySet

from awards.models import Award
from plaudit.spreadsheets import neutralise

from .models import Answer, Nomination
from .selectors import award_for_form, display_value


def _identity_columns() -> list[tuple[str, str]]:
    """The export's first columns: the nomination's state, then the identity block with the
    office's labels, self-nomination after the nominee and the nominator's email after their name."""
    columns = [("reference", "Reference"), ("status", "Status"), ("consent_status", "Consent")]
    columns.append(("submitted_at", "Submitted at"))
    for name, _mine, office in Nomination.IDENTITY:
        columns.append((name, office))
        if name == "nominee_email":
            columns.append(("self_nomination", "Self-nomination"))
        elif name == "nominator_name":
            columns.append(("nominator_email", "Nominator email"))
    return [*columns, ("dossier", "Dossier")]


IDENTITY_COLUMNS = _identity_columns()


def nominations_for_export(award: Award, queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return (
        queryset.filter(award=award)
        .select_related("dossier")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.only("nomination_id", "question_id", "value")))
        .order_by("reference")
    )


def table(award: Award, queryset: QuerySet[Nomination]) -> tuple[list[str], list[list[str]]]:
    """The header and rows, already neutralised, in a fixed number of queries."""
    award = award_for_form(award.pk)
    questions = [q for section in award.sections.all() for q in section.questions.all()]
    header = [label for _, label in IDENTITY_COLUMNS] + [q.prompt for q in questions]
    rows = []
    for nomination in nominations_for_export(award, queryset):
        identity = []
        for name, _ in IDENTITY_COLUMNS:
            if name == "status":
                value = nomination.get_status_display()
            elif name == "consent_status":
                value = nomination.get_consent_status_display()
            elif name == "nominee_kind":
                value = nomination.get_nominee_kind_display()
            elif name == "submitted_at":
                value = (
                    nomination.submitted_at.astimezone(award.programme.zone).strftime("%Y-%m-%d %H:%M")
                    if nomination.submitted_at
                    else ""
                )
            elif name == "self_nomination":
                value = "Yes" if nomination.self_nomination else "No"
            elif name == "dossier":
                value = nomination.dossier.title if nomination.dossier else ""
            else:
                value = getattr(nomination, name)
            identity.append(value)
        values = {answer.question_id: answer.value for answer in nomination.answers.all()}
        answers = [display_value(q, values.get(q.pk)) for q in questions]
        rows.append([neutralise(cell) for cell in identity + answers])
    return [neutralise(cell) for cell in header], rows
