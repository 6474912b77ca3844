"""Tables as spreadsheets (CSV and XLSX), for every export: nominations, rankings, scores.

Every text cell that a spreadsheet would read as a formula (starting with = + - @, a tab or a
carriage return) is prefixed with an apostrophe, so an answer can never run as a formula in
Excel or LibreOffice; XLSX keeps text cells as text and numbers as numbers, and writes control
characters, which it cannot hold, as their codes (plaudit.text).
"""

import csv
import io
import itertools
import re

import xlsxwriter

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


def to_xlsx(header, rows, title: str) -> bytes:
    """The table as an XLSX workbook, written row by row as `rows` yields them: XlsxWriter in its
    constant-memory mode, which flushes each row as it is written (a scores export of 20,000
    entries is never held as cells), and writes about three times as fast as openpyxl's
    write-only mode. Text stays text (never a formula, a number or a link, whatever it looks
    like); numbers stay numbers, figures with two decimals; empty cells are left empty."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    sheet = workbook.add_worksheet(SHEET_TITLE_UNSAFE.sub(" ", title).strip("' ")[:31].strip("' ") or "Nominations")
    figure = workbook.add_format({"num_format": "0.00"})
    sheet.set_column(0, max(len(header) - 1, 0), 24)
    sheet.freeze_panes(1, 1)
    write_string, write_number = sheet.write_string, sheet.write_number
    for number, row in enumerate(itertools.chain([header], rows)):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                write_string(number, column, visible_controls(value))
            elif isinstance(value, float):
                write_number(number, column, value, figure)
            elif isinstance(value, int) and not isinstance(value, bool):
                write_number(number, column, value)
            else:
                write_string(number, column, visible_controls(str(value)))
    workbook.close()
    return buffer.getvalue()
