"""Ids from URLs and forms, bounded so that a tampered number is a 404, never a database overflow (a 500).

Our tables use 64-bit ids; Django's user table uses 32-bit ones, so ids of people are held
to that smaller range.
"""

from django.urls import register_converter

USER_ID_MAX = 2**31 - 1
ID_MAX = 10**18 - 1  # our own tables' ids (64-bit)


class IdConverter:
    """Like <int:…>, but at most 18 digits, which always fits a 64-bit id."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def is_whole_number(text: str) -> bool:
    """Plain digits 0-9 only. (`str.isdigit` also says yes to "²" and other digits that `int`
    refuses: found by fuzzing, a superscript two in a posted id was a server error.)"""
    return text.isascii() and text.isdigit()


def posted_id(value, *, maximum: int = USER_ID_MAX) -> int | None:
    """A positive whole number within range from a posted field, or None."""
    text = str(value or "").strip()
    if not is_whole_number(text) or len(text) > 18:
        return None
    number = int(text)
    return number if 0 < number <= maximum else None


register_converter(IdConverter, "id")
