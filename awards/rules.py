"""The rules an award definition must keep, as small pure functions.

Both the award-format importer (awards.format) and the admin forms call these,
so a rule is written once and says the same thing wherever it is broken. Each
returns a message, or None when the value is fine.
"""

import re
import zoneinfo
from decimal import Decimal

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_PATTERN = KEY_PATTERN

QUESTION_TYPES = (
    "short_text",
    "long_text",
    "email",
    "url",
    "phone",
    "number",
    "date",
    "choice",
    "multi_choice",
    "yes_no",
    "file",
    "endorsement",
)
CHOICE_TYPES = ("choice", "multi_choice")
# Questions whose answer can decide whether a later question is shown.
SHOW_IF_SOURCE_TYPES = ("choice", "yes_no")
REPORTABLE_TYPES = ("choice", "multi_choice", "yes_no")
NOMINEE_KINDS = ("individual", "team", "organisation", "individual_or_team")
FILE_TYPES = (
    "pdf",
    "doc",
    "docx",
    "odt",
    "rtf",
    "txt",
    "xls",
    "xlsx",
    "ods",
    "csv",
    "ppt",
    "pptx",
    "odp",
    "png",
    "jpg",
    "jpeg",
    "gif",
)

# Which options each type accepts; an option given to another type is refused.
TYPE_OPTIONS = {
    "max_length": ("short_text",),
    "min_words": ("long_text",),
    "max_words": ("long_text", "endorsement"),
    "min_value": ("number",),
    "max_value": ("number",),
    "choices": CHOICE_TYPES,
    "min_choices": ("multi_choice",),
    "max_choices": ("multi_choice",),
    "reportable": REPORTABLE_TYPES,
    "file_types": ("file", "endorsement"),
    "max_size_mb": ("file", "endorsement"),
    "wait_for_statement": ("endorsement",),
}


def slug_problem(value) -> str | None:
    if not isinstance(value, str) or not SLUG_PATTERN.match(value):
        return "must use only lower-case letters, digits and single hyphens (for example leadership-awards-2026)"
    return None


def key_problem(value) -> str | None:
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        return "must use only lower-case letters, digits and single hyphens (for example involving-people)"
    return None


def timezone_problem(value) -> str | None:
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"'{value}' is not a known time zone (for example Europe/London)"
    return None


def window_problem(opens, closes) -> str | None:
    if opens is not None and closes is not None and not opens < closes:
        return "must be after the opening time"
    return None


def scale_problem(lo, hi) -> str | None:
    if lo is None or hi is None:
        return "needs a minimum and a maximum"
    if not lo < hi:
        return "minimum must be below maximum"
    return None


def weight_problem(weight) -> str | None:
    if weight is None:
        return "is required"
    if Decimal(str(weight)) < 0:
        return "must be 0 or more (0 keeps the criterion out of the total)"
    return None


def levels_problem(levels: dict, lo, hi) -> str | None:
    outside = sorted(level for level in levels if lo is not None and hi is not None and not lo <= level <= hi)
    if outside:
        return f"level {outside[0]} is outside the scale {lo} to {hi}"
    blank = sorted(level for level, text in levels.items() if not str(text).strip())
    if blank:
        return f"level {blank[0]} has no descriptor"
    return None


def choices_problem(qtype, choices) -> str | None:
    if qtype in CHOICE_TYPES:
        if not choices:
            return "a choice question needs at least one choice"
        cleaned = [str(c).strip() for c in choices]
        if any(not c for c in cleaned):
            return "choices cannot be blank"
        if len(set(cleaned)) != len(cleaned):
            duplicate = next(c for c in cleaned if cleaned.count(c) > 1)
            return f"'{duplicate}' is listed twice"
    return None


def range_problem(low, high, what: str) -> str | None:
    if low is not None and high is not None and low > high:
        return f"minimum {what} must not be more than the maximum"
    return None


def positive_problem(value, what: str) -> str | None:
    if value is not None and value <= 0:
        return f"{what} must be more than 0"
    return None


def choice_count_problem(min_choices, max_choices, choices) -> str | None:
    problem = range_problem(min_choices, max_choices, "choices")
    if problem:
        return problem
    if max_choices is not None and choices and max_choices > len(choices):
        return f"cannot be more than the {len(choices)} choices offered"
    return None


def file_types_problem(file_types) -> str | None:
    unknown = [t for t in file_types or [] if str(t).lower().lstrip(".") not in FILE_TYPES]
    if unknown:
        return f"'{unknown[0]}' is not an accepted file type (accepted: {', '.join(FILE_TYPES)})"
    return None


def show_if_problem(target_key: str, equals, earlier: dict) -> str | None:
    """Check a show_if condition against the questions asked before this one.

    `earlier` maps each earlier question's key to (type, choices).
    """
    if target_key not in earlier:
        return f"names '{target_key}', which is not an earlier question of this award"
    qtype, choices = earlier[target_key]
    if qtype not in SHOW_IF_SOURCE_TYPES:
        return f"names '{target_key}', a {qtype} question; only choice and yes_no questions can decide"
    if qtype == "yes_no":
        if normalise_yes_no(equals) is None:
            return "a yes_no question can only equal yes or no"
    elif str(equals) not in [str(c) for c in choices or []]:
        return f"'{equals}' is not one of the choices of '{target_key}'"
    return None


def normalise_yes_no(value) -> str | None:
    """YAML reads a bare yes as True; both forms mean yes."""
    if value is True or (isinstance(value, str) and value.strip().lower() == "yes"):
        return "yes"
    if value is False or (isinstance(value, str) and value.strip().lower() == "no"):
        return "no"
    return None


MAX_REASONS = 30
MAX_REASON_LENGTH = 200


def reasons_problem(reasons) -> str | None:
    """A programme's list of reasons a nomination is not eligible: short lines, none blank or twice."""
    if not isinstance(reasons, list):
        return "give the reasons as a list"
    if len(reasons) > MAX_REASONS:
        return f"give at most {MAX_REASONS} reasons"
    cleaned = [str(reason).strip() for reason in reasons]
    if any(not reason for reason in cleaned):
        return "a reason cannot be blank"
    too_long = next((reason for reason in cleaned if len(reason) > MAX_REASON_LENGTH), None)
    if too_long:
        return f"a reason can be at most {MAX_REASON_LENGTH} characters (“{too_long[:40]}…” is longer)"
    if any(ch in reason for reason in cleaned for ch in "\r\n"):
        return "each reason is one line"
    if len(set(cleaned)) != len(cleaned):
        duplicate = next(reason for reason in cleaned if cleaned.count(reason) > 1)
        return f"“{duplicate}” is listed twice"
    return None


MAX_REMINDER_DAYS = 60


def default_draft_reminders() -> list[int]:
    return [7, 1]


def default_judge_reminders() -> list[int]:
    return [3, 1]


def reminder_days_problem(days) -> str | None:
    """Days before a deadline to send reminders: whole numbers from 1 to 60, each once, at most five."""
    if not isinstance(days, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in days):
        return "give whole numbers of days, separated by commas (for example 7, 1)"
    if len(days) > 5:
        return "give at most five reminders"
    if any(not 1 <= d <= MAX_REMINDER_DAYS for d in days):
        return f"each reminder is from 1 to {MAX_REMINDER_DAYS} days before"
    if len(set(days)) != len(days):
        return "each number of days once"
    return None
