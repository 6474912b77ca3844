"""Nominations of one award as a table: identity columns, then one column per question in form order.

Every cell that a spreadsheet would read as a formula (starting with = + - @, a
tab or a carriage return) is prefixed with an apostrophe, so an answer can
never run as a formula in Excel or LibreOffice.
"""

import csv
import io
import re

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from awards.models import Award
from plaudit.text import visible_controls

from .models import Answer, Nomination
from .selectors import award_for_form, display_value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

IDENTITY_COLUMNS = [
    ("reference", "Reference"),
    ("status", "Status"),
    ("consent_status", "Consent"),
    ("submitted_at", "Submitted at"),
    ("nominee_kind", "Nominee is"),
    ("nominee_name", "Nominee"),
    ("nominee_job_title", "Job title or role"),
    ("nominee_organisation", "Nominee organisation"),
    ("nominee_email", "Nominee email"),
    ("self_nomination", "Self-nomination"),
    ("nominator_name", "Nominator"),
    ("nominator_email", "Nominator email"),
    ("nominator_organisation", "Nominator organisation"),
    ("nominator_relationship", "Relationship"),
    ("dossier", "Dossier"),
]


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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


def to_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # A byte-order mark so that Excel opens the UTF-8 correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Characters a worksheet's name may not hold; cells hold control characters as their codes (plaudit.text).
SHEET_TITLE_UNSAFE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def xlsx_safe(value):
    return visible_controls(value) if isinstance(value, str) else value


def to_xlsx(header, rows, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE_UNSAFE.sub(" ", title).strip("' ")[:31] or "Nominations"
    sheet.append([xlsx_safe(cell) for cell in header])
    for row in rows:
        sheet.append([xlsx_safe(cell) for cell in row])
    # Text cells stay text (never formulas), even where they look like one; numbers stay numbers.
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, float):
                cell.number_format = "0.00"
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 24
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
