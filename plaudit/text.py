"""Text typed by people, made safe to print where a character has no printed form.

Control characters (a bell pasted from somewhere, a form feed) have no glyph in any font: a PDF
draws a blank box and its text layer, what screen readers and copying read, turns to nonsense;
an XLSX file cannot hold them at all. They are written as their code (`[U+0007]`), so the text
stays what was typed and nothing is refused with an error. In PDFs, bidirectional overrides and
embeddings (which would draw the rest of a line backwards) are left out: a PDF shows what was
typed, in the order it was typed.
"""

import re

CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BIDI_OVERRIDES = re.compile(r"[\u202a-\u202e]")


def visible_controls(text: str) -> str:
    return CONTROLS.sub(lambda match: f"[U+{ord(match.group(0)):04X}]", text)


def printable(text: str) -> str:
    return BIDI_OVERRIDES.sub("", visible_controls(text))
