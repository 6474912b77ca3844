"""Text typed by people, made safe to print where a character has no printed form.

Control characters (a bell pasted from somewhere, a form feed) have no glyph in any font: a PDF
draws a blank box and its text layer, what screen readers and copying read, turns to nonsense;
an XLSX file cannot hold them at all. They are written as their code (`[U+0007]`), so the text
stays what was typed and nothing is refused with an error. In PDFs, bidirectional overrides and
embeddings (which would draw the rest of a line backwards) are left out: a PDF shows what was
typed, in the order it was typed.
"""

import re

from django.core.exceptions import ValidationError

CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BIDI_OVERRIDES = re.compile(r"[\u202a-\u202e]")


def visible_controls(text: str) -> str:
    return CONTROLS.sub(lambda match: f"[U+{ord(match.group(0)):04X}]", text)


def printable(text: str) -> str:
    return BIDI_OVERRIDES.sub("", visible_controls(text))


# What one line of plain text (a name, an organisation) may not hold: line and paragraph breaks,
# control characters, and bidirectional overrides, embeddings and isolates (which make the text
# after them read backwards). Zero-width joiners stay: names in several scripts need them.
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class OneLineValidator:
    """Refuses text that is not a single line of plain characters, naming the field."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, value: str):
        if NOT_ONE_LINE.search(value or ""):
            raise ValidationError(
                f"{self.label} must be on one line, without line breaks or special characters", code="one_line"
            )

    def __eq__(self, other):
        return isinstance(other, OneLineValidator) and other.label == self.label


def one_line(text: str, limit: int = 200) -> str:
    """Text made one plain line, for quoting in an email: breaks and special characters become
    spaces, and it is cut at `limit` characters with an ellipsis (what was stored may predate the
    checks on the form, or come from elsewhere)."""
    flat = " ".join(NOT_ONE_LINE.sub(" ", str(text or "")).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# `{name}` in text the office writes for emails (outcome emails, messages): a name of letters,
# digits and underscores. Anything else in braces is text.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def unknown_placeholders(text: str, known) -> list[str]:
    """The placeholder names in the text that are not among `known`, sorted, each once."""
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in known})


def fill_placeholders(text: str, values: dict) -> str:
    """Each known `{name}` replaced by its value, by plain replacement in one pass (a value that
    itself holds `{name}` stays as written; nothing is compiled as a template). Unknown names stay."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), text)
