"""Counting words the way the browser does.

NHS.UK's character-count component counts the word-like segments that
Intl.Segmenter finds (Unicode word boundaries, UAX #29). This follows the same
rules for the text people write: letters and digits joined by an apostrophe
or full stop stay one word ("it's", "e.g"), digits joined by a comma or point
stay one number ("3,000", "2.5"), and a hyphen splits ("state-of-the-art" is 4).
"""

import re

# Word characters are letters, marks and digits (and connector punctuation such as _).
_WORD = r"[^\W]"
_MID_LETTER = r"['\u2019.:\u00b7\u05f4\u2027\ufe13\ufe55\uff07\uff0e\uff1a]"
_MID_NUM = r"[,.;\u066c\ufe50\ufe54\uff0c\uff1b]"
_SEGMENT = re.compile(rf"{_WORD}+(?:(?:{_MID_LETTER}|{_MID_NUM}){_WORD}+)*")


def count_words(text: str | None) -> int:
    """How many words the NHS.UK character count shows for this text."""
    if not text:
        return 0
    return len(_SEGMENT.findall(text))
