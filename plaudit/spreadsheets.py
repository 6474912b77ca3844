"""Tables as spreadsheets (CSV and XLSX), for every export: nominations, rankings, scores.

Every text cell that a spreadsheet would read as a formula (starting with = + - @, a tab or a
carriage return) is prefixed with an apostrophe, so an answer can never run as a formula in
Excel or LibreOffice; XLSX keeps text cells as text and numbers as numbers, and writes control
characters, which it cannot hold, as their codes (plaudit.text).
"""

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from .text import visible_controls

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
    """The table as an XLSX workbook, written row by row as `rows` yields them (openpyxl's
    write-only mode: a scores export of 20,000 entries is not held in memory as cells)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE_UNSAFE.sub(" ", title).strip("' ")[:31] or "Nominations")
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 24
    sheet.freeze_panes = "B2"
    sheet.append([_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value) -> WriteOnlyCell:
    # Text cells stay text (never formulas), even where they look like one; numbers stay numbers.
    cell = WriteOnlyCell(sheet, value=xlsx_safe(value))
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, float):
        cell.number_format = "0.00"
    return cell
